"""A community's profile (``/communities/<pk>/``): its partnership timeline, its negotiators, its
events and incidents per half-year, the trend of its safety assessments, its engagements, plans and
documents, on one printable page.

Everything is read through the apps' selectors for the viewer, so a partner member sees only the
communities their organisation covers (any other is "not found") and nobody sees personal data
they may not read. Each section costs a fixed number of queries, whatever the community's history
(grouped in the database, never counted row by row in Python).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, DecimalField, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access.capabilities import Capability
from access.viewer import Viewer, request_viewer
from communities.models import (
    AssessmentDimension,
    AssessmentInstrument,
    AssessmentScore,
    Community,
    Direction,
    Engagement,
    SafetyAssessment,
)
from communities.selectors import (
    visible_assessments,
    visible_communities,
    visible_engagements,
    visible_partners,
)
from incidents.models import IncidentStatus
from incidents.selectors import visible_incidents
from negotiators.models import EventStatus, Negotiator, NegotiatorContact
from negotiators.selectors import visible_events, visible_negotiators
from planning.selectors import visible_initiatives, visible_plans, visible_regulations
from privacy.models import ViewChannel
from privacy.viewlog import record_view
from programmes.models import Participation
from programmes.selectors import visible_documents, visible_programmes
from reports import charts
from reports.indicators import Period
from reports.pdf import fmt_number
from support.models import RecommendationStatus
from support.selectors import visible_activities, visible_recommendations

# The capabilities that show a viewer communities at all; a role with none of them (a case worker,
# the data protection officer) has no profile to read.
SEES_COMMUNITIES = (
    Capability.SEES_EVERY_COMMUNITY,
    Capability.SEES_COVERED_COMMUNITIES,
    Capability.SEES_OWN_COMMUNITY,
)


def may_read_profiles(viewer: Viewer) -> bool:
    """Whether ``viewer`` reads community profiles at all (which ones: ``visible_communities``)."""
    return any(viewer.can(capability) for capability in SEES_COMMUNITIES)


def profile_community(viewer: Viewer, pk: int) -> Community:
    """The community ``pk`` if ``viewer`` sees it; ``Http404`` otherwise, and ``PermissionDenied``
    for a role that reads no profile."""
    if not may_read_profiles(viewer):
        raise PermissionDenied(_("Community profiles are for programme staff, managers and partners."))
    return get_object_or_404(visible_communities(viewer).select_related("region"), pk=pk)


# --- activity per half-year -----------------------------------------------------------------------


def _half_of(month: str) -> Case:
    return Case(When(**{f"{month}__lte": 6}, then=Value(1)), default=Value(2), output_field=IntegerField())


def _per_half(queryset: QuerySet[Any], moment: str, **aggregates: Any) -> dict[tuple[int, int], dict[str, Any]]:
    """``aggregates`` of ``queryset`` grouped by the local half-year of its field ``moment``."""
    zone = ZoneInfo(str(settings.TIME_ZONE))
    is_date = queryset.model._meta.get_field(moment).get_internal_type() == "DateField"
    # A date is a local day already; a moment is read in the portal's time zone (as the figures).
    tzinfo = None if is_date else zone
    rows = (
        queryset.order_by()
        .annotate(_year=ExtractYear(moment, tzinfo=tzinfo), _month=ExtractMonth(moment, tzinfo=tzinfo))
        .annotate(_half=_half_of("_month"))
        .values("_year", "_half")
        .annotate(**aggregates)
    )
    return {(row["_year"], row["_half"]): row for row in rows}


@dataclass(frozen=True)
class HalfYearRow:
    period: Period
    events: int
    participants: int
    reported: int
    resolved: int


def activity_by_half_year(viewer: Viewer, community: Community) -> list[HalfYearRow]:
    """Held events and their participants, incidents reported (by when they occurred) and
    resolved (by when they were closed), per half-year from the first to the last with any, the
    half-years between without any included as zeros. Three queries."""
    events = _per_half(
        visible_events(viewer).filter(community=community, status=EventStatus.HELD),
        "date",
        events=Count("pk"),
        participants=Coalesce(Sum("participants_total"), 0),
    )
    incidents = visible_incidents(viewer).filter(community=community)
    reported = _per_half(incidents, "occurred_at", reported=Count("pk"))
    resolved = _per_half(
        incidents.filter(status=IncidentStatus.RESOLVED, closed_at__isnull=False), "closed_at", resolved=Count("pk")
    )
    keys = set(events) | set(reported) | set(resolved)
    if not keys:
        return []
    rows = []
    year, half = min(keys)
    while (year, half) <= max(keys):
        rows.append(
            HalfYearRow(
                period=Period(year, half),
                events=events.get((year, half), {}).get("events", 0),
                participants=events.get((year, half), {}).get("participants", 0),
                reported=reported.get((year, half), {}).get("reported", 0),
                resolved=resolved.get((year, half), {}).get("resolved", 0),
            )
        )
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return rows


def _activity_charts(rows: list[HalfYearRow]) -> dict[str, Any]:
    if not rows:
        return {}
    first, last = rows[0].period.code, rows[-1].period.code
    events_title = _("Events and participants per half-year")
    incidents_title = _("Incidents reported and resolved per half-year")
    return {
        "events_chart": charts.paired_bar_chart(
            [(row.period.code, row.events, row.participants) for row in rows],
            title=events_title,
            series=(_("Events"), _("Participants")),
            fmt=fmt_number,
            label_width=90,
        ),
        "events_summary": _("From %(first)s to %(last)s: %(events)s events held, %(participants)s participants.")
        % {
            "first": first,
            "last": last,
            "events": fmt_number(sum(row.events for row in rows)),
            "participants": fmt_number(sum(row.participants for row in rows)),
        },
        "incidents_chart": charts.paired_bar_chart(
            [(row.period.code, row.reported, row.resolved) for row in rows],
            title=incidents_title,
            series=(_("Reported"), _("Resolved")),
            fmt=fmt_number,
            label_width=90,
        ),
        "incidents_summary": _("From %(first)s to %(last)s: %(reported)s incidents reported, %(resolved)s resolved.")
        % {
            "first": first,
            "last": last,
            "reported": fmt_number(sum(row.reported for row in rows)),
            "resolved": fmt_number(sum(row.resolved for row in rows)),
        },
    }


# --- assessments ----------------------------------------------------------------------------------


@dataclass
class DimensionTrend:
    dimension: AssessmentDimension
    values: list[Decimal | None]

    @property
    def lower_is_better(self) -> bool:
        return self.dimension.direction == Direction.LOWER_IS_BETTER


@dataclass
class InstrumentTrend:
    """The assessments of one community with one instrument version, oldest first, and each
    dimension's score in each of them."""

    instrument: AssessmentInstrument
    assessments: list[SafetyAssessment]
    rows: list[DimensionTrend] = field(default_factory=list)
    charts: list[SafeString] = field(default_factory=list)

    @property
    def summary(self) -> str:
        first, last = self.assessments[0], self.assessments[-1]
        return _("%(count)s assessments with %(instrument)s, from %(first)s to %(last)s.") % {
            "count": fmt_number(len(self.assessments)),
            "instrument": str(self.instrument),
            "first": _period_of(first).code,
            "last": _period_of(last).code,
        }


def _period_of(assessment: SafetyAssessment) -> Period:
    return Period(assessment.year, assessment.half)


def assessment_trends(viewer: Viewer, community: Community) -> list[InstrumentTrend]:
    """The community's assessments per instrument version (a new version may score other
    dimensions, on other scales: its scores are never mixed with an earlier version's), each with
    a chart comparing the first and the latest assessment per scale. Three queries."""
    assessments = list(
        visible_assessments(viewer)
        .filter(community=community)
        .select_related("instrument")
        .order_by("instrument__code", "instrument__version", "year", "half")
    )
    if not assessments:
        return []
    trends: dict[int, InstrumentTrend] = {}
    for assessment in assessments:
        trends.setdefault(
            assessment.instrument_id, InstrumentTrend(instrument=assessment.instrument, assessments=[])
        ).assessments.append(assessment)
    dimensions = AssessmentDimension.objects.filter(instrument_id__in=trends).order_by(
        "instrument_id", "position", "code"
    )
    scores: dict[tuple[int, int], Decimal] = {
        (score.assessment_id, score.dimension_id): score.value
        for score in AssessmentScore.objects.filter(assessment__in=[a.pk for a in assessments]).only(
            "assessment_id", "dimension_id", "value"
        )
    }
    for dimension in dimensions:
        trend = trends[dimension.instrument_id]
        values = [scores.get((assessment.pk, dimension.pk)) for assessment in trend.assessments]
        if any(value is not None for value in values):
            trend.rows.append(DimensionTrend(dimension=dimension, values=values))
    for trend in trends.values():
        trend.charts = _trend_charts(trend)
    return [trend for trend in trends.values() if trend.rows]


def _trend_charts(trend: InstrumentTrend) -> list[SafeString]:
    """One chart per scale of the instrument: each dimension's first and latest score."""
    by_scale: dict[tuple[Decimal, Decimal], list[DimensionTrend]] = defaultdict(list)
    for row in trend.rows:
        by_scale[(row.dimension.scale_min, row.dimension.scale_max)].append(row)
    first, last = _period_of(trend.assessments[0]).code, _period_of(trend.assessments[-1]).code
    several = len(trend.assessments) > 1
    drawn = []
    for (low, high), rows in by_scale.items():
        drawn.append(
            charts.score_chart(
                [
                    (
                        row.dimension.localized_name(),
                        _first_value(row.values) if several else None,
                        _last_value(row.values),
                    )
                    for row in rows
                ],
                title=_("%(instrument)s: first and latest scores (%(low)s–%(high)s)")
                % {"instrument": trend.instrument.name, "low": fmt_number(float(low)), "high": fmt_number(float(high))},
                series=(first if several else "–", last),
                fmt=lambda value: fmt_number(value, 2),
                low=float(low),
                high=float(high),
            )
        )
    return drawn


def _first_value(values: list[Decimal | None]) -> float | None:
    return next((float(value) for value in values if value is not None), None)


def _last_value(values: list[Decimal | None]) -> float | None:
    return _first_value(list(reversed(values)))


# --- people, engagements, plans and documents ------------------------------------------------------


def profile_negotiators(viewer: Viewer, community: Community) -> list[Negotiator]:
    """The community's negotiators, active first, with the number of held events each organised;
    with their contacts only for a viewer who reads personal data. One query."""
    negotiators = (
        visible_negotiators(viewer)
        .filter(community=community)
        .annotate(events_held=Count("events", distinct=True, filter=Q(events__status=EventStatus.HELD)))
        .order_by("-is_active", "joined_on", "pk")
    )
    if viewer.can(Capability.READS_PERSONAL_DATA):
        negotiators = negotiators.select_related("contact")
    return list(negotiators)


@dataclass
class EngagementRow:
    engagement: Engagement
    ongoing: bool
    lines: list[str]
    activities: int = 0
    hours: Decimal = Decimal(0)
    recommendations: dict[str, int] = field(default_factory=dict)

    @property
    def recommendations_total(self) -> int:
        return sum(self.recommendations.values())

    @property
    def recommendations_implemented(self) -> int:
        return self.recommendations.get(RecommendationStatus.IMPLEMENTED, 0)


# The engagement's lines of work, by their fields, with the fields' labels.
LINES = {
    "line_communication": gettext_lazy("communication"),
    "line_process_mapping": gettext_lazy("process mapping"),
    "line_participation": gettext_lazy("participation"),
    "line_mediation": gettext_lazy("mediation"),
}


def profile_engagements(viewer: Viewer, community: Community) -> list[EngagementRow]:
    """The community's engagements, newest first, with how many activities and hours of support
    they had and their recommendations by status (figures only: no notes, no names). Three
    queries."""
    today = timezone.localdate()
    engagements = list(visible_engagements(viewer).filter(community=community).select_related("partner", "programme"))
    ids = [engagement.pk for engagement in engagements]
    activity: dict[int, dict[str, Any]] = {
        row["engagement_id"]: {"count": row["count"], "hours": row["hours"]}
        for row in visible_activities(viewer)
        .filter(engagement_id__in=ids)
        .order_by()
        .values("engagement_id")
        .annotate(
            count=Count("pk"),
            hours=Coalesce(Sum("hours"), Decimal(0), output_field=DecimalField(max_digits=9, decimal_places=1)),
        )
    }
    recommendations: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        visible_recommendations(viewer)
        .filter(engagement_id__in=ids)
        .order_by()
        .values("engagement_id", "status")
        .annotate(count=Count("pk"))
    ):
        recommendations[row["engagement_id"]][row["status"]] = row["count"]
    rows = []
    for engagement in engagements:
        rows.append(
            EngagementRow(
                engagement=engagement,
                ongoing=engagement.ends_on is None or engagement.ends_on >= today,
                lines=[str(label) for name, label in LINES.items() if getattr(engagement, name)],
                activities=activity.get(engagement.pk, {}).get("count", 0),
                hours=activity.get(engagement.pk, {}).get("hours", Decimal(0)),
                recommendations=recommendations.get(engagement.pk, {}),
            )
        )
    return rows


def _participations(viewer: Viewer, community: Community) -> list[Participation]:
    return list(
        Participation.objects.filter(community=community, programme__in=visible_programmes(viewer))
        .select_related("programme")
        .order_by("joined_on", "programme__code")
    )


def community_profile_context(viewer: Viewer, community: Community) -> dict[str, Any]:
    """Everything the profile shows of ``community`` to ``viewer`` (already checked to see it)."""
    activity = activity_by_half_year(viewer, community)
    return {
        "community": community,
        "partners": list(visible_partners(viewer).filter(communities=community).order_by("name")),
        "partnerships": list(community.partnerships.order_by("joined_on")),
        "participations": _participations(viewer, community),
        "negotiators": profile_negotiators(viewer, community),
        "activity": activity,
        **_activity_charts(activity),
        "trends": assessment_trends(viewer, community),
        "engagements": profile_engagements(viewer, community),
        "plans": list(
            visible_plans(viewer).filter(community=community).select_related("programme").order_by("-starts_on")
        ),
        "initiatives": list(visible_initiatives(viewer).filter(community=community).order_by("-started_on")),
        "regulations": list(visible_regulations(viewer).filter(community=community).order_by("-adopted_on")),
        "documents": list(
            visible_documents(viewer)
            .filter(communities=community)
            .select_related("programme")
            .order_by("programme__code", "title")
            .distinct()
        ),
        "reads_personal": viewer.can(Capability.READS_PERSONAL_DATA),
        "reads_internal": viewer.can(Capability.READS_INTERNAL_DATA),
        "today": timezone.localdate(),
    }


def shown_contacts(viewer: Viewer, negotiators: Iterable[Negotiator]) -> list[NegotiatorContact]:
    """The contacts a profile shows ``viewer`` (none unless they read personal data); a negotiator's
    own record is theirs, not a view of someone else's data."""
    if not viewer.can(Capability.READS_PERSONAL_DATA):
        return []
    own = viewer.negotiator
    return [
        negotiator.contact
        for negotiator in negotiators
        if hasattr(negotiator, "contact") and (own is None or negotiator.pk != own.pk)
    ]


@never_cache
@login_required
@require_GET
def community_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A community's profile: to staff and managers any community, to a partner member the
    communities their organisation covers, to a negotiator their own; not found otherwise.
    Negotiators' names and contacts only to those who read personal data, logged as viewed."""
    viewer = request_viewer(request)
    community = profile_community(viewer, pk)
    context = community_profile_context(viewer, community)
    record_view(request.user, shown_contacts(viewer, context["negotiators"]), ViewChannel.PORTAL, request)
    return render(request, "dashboard/profile.html", context)
