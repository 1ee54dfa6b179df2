"""Reads of safety planning, scoped to the communities the viewer sees."""

from django.db.models import QuerySet

from access.viewer import Viewer
from communities.selectors import in_visible_communities
from planning.models import Analysis, Initiative, Plan, Regulation


def visible_analyses(viewer: Viewer) -> QuerySet[Analysis]:
    return in_visible_communities(Analysis.objects.all(), viewer)


def visible_plans(viewer: Viewer) -> QuerySet[Plan]:
    return in_visible_communities(Plan.objects.all(), viewer)


def visible_initiatives(viewer: Viewer) -> QuerySet[Initiative]:
    return in_visible_communities(Initiative.objects.all(), viewer)


def visible_regulations(viewer: Viewer) -> QuerySet[Regulation]:
    return in_visible_communities(Regulation.objects.all(), viewer)
