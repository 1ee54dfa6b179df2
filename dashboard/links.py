"""Where a dashboard figure leads: the records behind it, in a place the viewer can open.

Staff and programme managers open the admin's list of the records (filtered by the period, the
programme and the community or region), partner members the API's collection of them (which
shows them their own communities' records only). Where neither can be filtered to the figure's
scope, or the viewer can open neither, there is no link: never one to a page that refuses them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.urls import reverse

from access.capabilities import Capability
from access.viewer import Viewer
from dashboard.selectors import Scope
from incidents.models import IncidentStatus
from negotiators.models import EventStatus
from reports.indicators import Period


@dataclass(frozen=True)
class Records:
    """One kind of record, as the admin and the API list it."""

    model: str  # app_label.model_name
    api: str  # the API collection's URL name
    date: str | None = None  # the admin's date field (None: a stock, not dated)
    community: str | None = "community"  # the path to the community (admin and API filters)
    # The admin's lookup for a region (it must be among the list's filters), None if it has none.
    region: str | None = "community__region"
    attributed: bool = True  # the records belong to a programme
    admin: dict[str, str] = field(default_factory=dict)  # further admin filters
    api_query: dict[str, str] = field(default_factory=dict)  # further API filters


EVENTS = Records(
    "negotiators.outreachevent",
    "api:events-list",
    "date",
    admin={"status__exact": EventStatus.HELD},
    api_query={"status": EventStatus.HELD},
)
INCIDENTS = Records("incidents.incident", "api:incidents-list", "occurred_at__date")
SESSIONS = Records(
    "training.trainingsession",
    "api:training-sessions-list",
    "starts_on",
    community="host_community",
    region="host_community__region",
)
NEGOTIATORS = Records("negotiators.negotiator", "api:negotiators-list", attributed=False)
MEDIA = Records("negotiators.mediamention", "api:media-mentions-list", "published_on")
ENGAGEMENTS = Records("communities.engagement", "api:engagements-list", "starts_on", region=None)
COMMUNITIES = Records(
    "communities.community", "api:communities-list", community="id", region="region", attributed=False
)

# The headline figure -> the records behind it.
HEADLINE_RECORDS: dict[str, Records] = {
    "communities_active": COMMUNITIES,
    "negotiators": NEGOTIATORS,
    "negotiators_certified": NEGOTIATORS,
    "negotiators_advanced": NEGOTIATORS,
    "modules_delivered": SESSIONS,
    "training_sessions": SESSIONS,
    "events": EVENTS,
    "participants": EVENTS,
    "joint_events_with_police": replace(
        EVENTS,
        admin={**EVENTS.admin, "police_present__exact": "1"},
        api_query={**EVENTS.api_query, "police_present": "true"},
    ),
    "incidents_reported": INCIDENTS,
    "incidents_resolved": replace(
        INCIDENTS, admin={"status__exact": IncidentStatus.RESOLVED}, api_query={"status": IncidentStatus.RESOLVED}
    ),
    "resolution_rate": INCIDENTS,
    "median_days_to_resolution": INCIDENTS,
    "media_mentions": MEDIA,
    "media_reach": MEDIA,
    "engagements_opened": ENGAGEMENTS,
}


def _admin_link(records: Records, scope: Scope, period: Period) -> str:
    app_label, model = records.model.split(".")
    query: dict[str, str] = dict(records.admin)
    if records.date is not None:
        query[f"{records.date}__gte"] = period.start.isoformat()
        query[f"{records.date}__lte"] = period.end.isoformat()
    if records.attributed and scope.programme is not None:
        query["programme__id__exact"] = str(scope.programme.pk)
    if scope.community is not None:
        if records.community is None:
            return ""
        lookup = "id__exact" if records.community == "id" else f"{records.community}__id__exact"
        query[lookup] = str(scope.community.pk)
    elif scope.region is not None:
        if records.region is None:
            return ""
        query[f"{records.region}__id__exact"] = str(scope.region.pk)
    return f"{reverse(f'admin:{app_label}_{model}_changelist')}?{urlencode(query)}"


def _api_link(records: Records, scope: Scope, period: Period) -> str:
    query: dict[str, str] = dict(records.api_query)
    if records.date is not None:
        query["date_after"] = period.start.isoformat()
        query["date_before"] = period.end.isoformat()
    if records.attributed and scope.programme is not None:
        query["programme"] = str(scope.programme.pk)
    if scope.community is not None:
        query["community"] = str(scope.community.pk)
    elif scope.region is not None:
        query["region"] = str(scope.region.pk)
    return f"{reverse(records.api)}?{urlencode(query)}"


class RecordLinks:
    """The links of one viewer's dashboard."""

    def __init__(self, viewer: Viewer, scope: Scope, period: Period) -> None:
        self.viewer, self.scope, self.period = viewer, scope, period

    def _admin_opens(self, records: Records) -> bool:
        user = self.viewer.user
        app_label, model = records.model.split(".")
        return (
            self.viewer.can(Capability.USES_ADMIN) and user is not None and user.has_perm(f"{app_label}.view_{model}")
        )

    def records(self, records: Records) -> str:
        # A partner organisation's own communities: neither the admin nor the API filters by it.
        if self.scope.partner is not None:
            return ""
        if self._admin_opens(records):
            return _admin_link(records, self.scope, self.period)
        if self.viewer.is_partner:
            if records.community == "id" and self.scope.community is not None:
                return reverse("api:communities-detail", args=[self.scope.community.pk])
            return _api_link(records, self.scope, self.period)
        return ""

    def headline(self, key: str) -> str:
        records = HEADLINE_RECORDS.get(key)
        return self.records(records) if records is not None else ""

    def incidents(self) -> str:
        return self.records(INCIDENTS)

    def events(self) -> str:
        return self.records(EVENTS)

    def incident(self, incident_id: int) -> str:
        """One incident: its admin page (read-only for managers), or its API entry for partners."""
        if self._admin_opens(INCIDENTS):
            return reverse("admin:incidents_incident_change", args=[incident_id])
        if self.viewer.is_partner:
            return reverse("api:incidents-detail", args=[incident_id])
        return ""
