"""Reads of incidents, scoped to who is asking."""

from django.db.models import QuerySet

from communities.selectors import visible_communities
from incidents.models import Incident, IncidentAction


def visible_incidents(viewer) -> QuerySet[Incident]:
    return Incident.objects.filter(community__in=visible_communities(viewer))


def visible_incident_actions(viewer) -> QuerySet[IncidentAction]:
    return IncidentAction.objects.filter(incident__community__in=visible_communities(viewer))
