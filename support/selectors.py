"""Reads of the support to municipalities, scoped like the engagements they belong to."""

from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Sum
from django.db.models.functions import Coalesce

from access.viewer import Viewer
from communities.selectors import in_visible_communities
from support.models import Activity, Mediator, Recommendation


def visible_activities(viewer: Viewer) -> QuerySet[Activity]:
    return in_visible_communities(Activity.objects.all(), viewer, "engagement__community")


def visible_recommendations(viewer: Viewer) -> QuerySet[Recommendation]:
    return in_visible_communities(Recommendation.objects.all(), viewer, "engagement__community")


def with_hours_delivered(mediators: QuerySet[Mediator]) -> QuerySet[Mediator]:
    """Annotate ``hours_delivered``: the hours of every activity the mediator took part in (each
    of them delivered the activity's hours)."""
    return mediators.annotate(
        hours_delivered=Coalesce(
            Sum("activities__hours"), Decimal("0"), output_field=DecimalField(max_digits=9, decimal_places=1)
        )
    )
