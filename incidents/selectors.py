"""Reads of incidents, scoped to who is asking."""

from django.db.models import QuerySet

from access.viewer import Viewer
from communities.selectors import in_visible_communities
from incidents.models import Incident, IncidentAction


def visible_incidents(viewer: Viewer) -> QuerySet[Incident]:
    return in_visible_communities(Incident.objects.all(), viewer)


def visible_incident_actions(viewer: Viewer) -> QuerySet[IncidentAction]:
    return in_visible_communities(IncidentAction.objects.all(), viewer, field="incident__community")
