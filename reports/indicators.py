"""The one source of monitoring figures: the PDF reports and the API's ``indicators/`` endpoint both
call :func:`compute_indicators`, so they can never disagree.

Every figure is computed by the database (``aggregate``/``annotate`` with ``filter=Q(...)``,
correlated subqueries, window functions); Python only arranges the few result rows into the
returned dictionary. Each figure is computed three times with the same code: for the period, for
the previous period (so every figure shows its change) and *to date* (cumulative from the earliest
record up to the period's end).

The returned dictionary holds only JSON types (str, int, float, None, lists, dicts) under stable
keys; see :func:`compute_indicators` for its shape.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeGuard, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.utils.translation import gettext as _

from casework import models as casework
from casework.incident_referrals import agency_kinds_of
from communities.models import (
    ASSESSMENT_DIMENSIONS,
    FIRST_INSTRUMENT,
    AssessmentDimension,
    AssessmentInstrument,
    AssessmentScore,
    Community,
    Engagement,
    EngagementMode,
    LeaveReason,
    Partnership,
    SafetyAssessment,
    SurveyMethod,
    Topic,
)
from events.models import AudienceRole, Delivery, DeliveryStatus, Registration, RegistrationStatus
from incidents.models import PARTY_AGE_GROUPS as PARTY_AGE_CHOICES
from incidents.models import PARTY_VULNERABLE_GROUPS as PARTY_VULNERABLE_CHOICES
from incidents.models import Agency, Incident, IncidentCategory, IncidentParty, IncidentStatus, Severity
from negotiators.models import (
    EventKind,
    EventStatus,
    Gender,
    MediaMention,
    Medium,
    Negotiator,
    OutreachEvent,
    automatic_event_title,
)
from planning.matrix import matrix_counts
from planning.models import (
    ADOPTED_STATUSES,
    Analysis,
    Initiative,
    Measure,
    MeasureStatus,
    Plan,
    PlanKind,
    PlanStatus,
    PlanStatusChange,
    Regulation,
    Risk,
)
from privacy.categories import Sex
from programmes.models import Participation, Programme
from reports.figures import CommunityRow, IndicatorsDocument, Score
from support.models import Activity, Recommendation, RecommendationStatus, ServiceLine, Step
from training.models import TITLE_LANGUAGES, Attendance, ModuleLevel, TrainingModule, TrainingSession

# The communities in scope, and the untyped dictionaries the figures are first gathered in.
ScopedCommunities = QuerySet[Community]
Raw = dict[str, Any]

# --- periods --------------------------------------------------------------------------------------

PERIOD_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-H(?P<half>[12]))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: a half-year (``half`` 1 or 2) or a whole year (``half`` None)."""

    year: int
    half: int | None = None

    def __post_init__(self) -> None:
        # 2000 to 2100 is what may be asked for (parse); the period before 2000 is still a period,
        # the one 2000's figures are compared with.
        if not 1999 <= self.year <= 2100:
            raise ValueError(_("The year must be between 2000 and 2100."))
        if self.half not in (None, 1, 2):
            raise ValueError(_("The half-year must be 1 or 2."))

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2025-H1``, ``2025-H2`` or ``2025`` (case-insensitive). Raises ``ValueError`` with a
        translated message for anything else."""
        match = PERIOD_PATTERN.match(str(text).strip().upper())
        if match is None:
            raise ValueError(
                _("“%(value)s” is not a period: write 2025-H1, 2025-H2 or 2025.") % {"value": str(text)[:20]}
            )
        half, year = match.group("half"), int(match.group("year"))
        if not 2000 <= year <= 2100:
            raise ValueError(_("The year must be between 2000 and 2100."))
        return cls(year=year, half=int(half) if half else None)

    @property
    def code(self) -> str:
        return f"{self.year}-H{self.half}" if self.half else str(self.year)

    @property
    def is_annual(self) -> bool:
        return self.half is None

    @property
    def start(self) -> date:
        return date(self.year, 7 if self.half == 2 else 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    @property
    def last_half(self) -> int:
        """The last half-year the period contains (the one whose assessments describe its end)."""
        return self.half or 2

    def previous(self) -> Period:
        """The period of the same length just before: H1 -> the previous year's H2, H2 -> H1, a
        year -> the year before."""
        if self.half is None:
            return Period(self.year - 1)
        if self.half == 2:
            return Period(self.year, 1)
        return Period(self.year - 1, 2)

    def year_before(self) -> Period:
        """The same period one year earlier: 2025-H1 -> 2024-H1, 2025 -> 2024 (for a year, the
        same as :meth:`previous`)."""
        return Period(self.year - 1, self.half)

    def assessment_q(self) -> Q:
        """The safety assessments carried out in this period."""
        return Q(year=self.year) if self.half is None else Q(year=self.year, half=self.half)

    def __str__(self) -> str:
        return self.code

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "start": self.start.isoformat(), "end": self.end.isoformat()}


# --- database helpers -----------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(str(settings.TIME_ZONE))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=_zone())


def _date_window(field: str, start: date | None, end: date) -> Q:
    q = Q(**{f"{field}__lte": end})
    return q & Q(**{f"{field}__gte": start}) if start else q


def _moment_window(field: str, start: date | None, end: date) -> Q:
    """Timestamps within the local calendar days ``start``..``end`` (index-friendly bounds)."""
    q = Q(**{f"{field}__lt": _day_start(end + timedelta(days=1))})
    return q & Q(**{f"{field}__gte": _day_start(start)}) if start else q


def _negotiators_as_at(negotiators: QuerySet[Negotiator], end: date) -> QuerySet[Negotiator]:
    """``negotiators`` annotated with ``active_at_end``: whether each was active at the end of the
    day ``end`` as its change history recorded it then, so that a past period's figures do not
    change when a negotiator leaves later. For a row recorded only after that day (entered late)
    its first recorded state stands in; for a row without history (bulk-loaded), its state now."""
    history = Negotiator.history.model.objects.filter(id=OuterRef("pk")).values("is_active")
    until_end = history.filter(history_date__lt=_day_start(end + timedelta(days=1)))
    return negotiators.annotate(
        active_at_end=Coalesce(
            Subquery(until_end.order_by("-history_date", "-history_id")[:1]),
            Subquery(history.order_by("history_date", "history_id")[:1]),
            F("is_active"),
        )
    )


# The programme whose records alone count (``compute_indicators(programme=...)``), or None for all.
# A context variable rather than a parameter through every helper: each activity query below
# filters with :func:`_in_programme`, and only compute_indicators sets it.
_programme_scope: ContextVar[Programme | None] = ContextVar("programme_scope", default=None)


def _in_programme(prefix: str = "") -> Q:
    """Only the activity records of the programme in scope (``prefix``: the path to the record)."""
    programme = _programme_scope.get()
    return Q() if programme is None else Q(**{f"{prefix}programme": programme})


def _held(prefix: str = "") -> Q:
    """Only the events that took place: planned, postponed and cancelled ones never count."""
    return Q(**{f"{prefix}status": EventStatus.HELD})


def _sum(field: str, **kwargs: Any) -> Coalesce:
    return Coalesce(Sum(field, **kwargs), 0)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class _PercentileCont(Aggregate):
    """PostgreSQL's exact median, ``PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ...)``."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class _EpochDays(Func):
    template = "(EXTRACT(EPOCH FROM %(expressions)s) / 86400.0)"
    output_field = FloatField()


def _resolution_duration() -> ExpressionWrapper[CombinedExpression]:
    return ExpressionWrapper(F("closed_at") - F("occurred_at"), output_field=DurationField())


def median_days_portable(incidents: QuerySet[Incident]) -> float | None:
    """Median of ``closed_at - occurred_at`` in days, on any database with window functions: the
    database numbers the ordered durations and returns only the middle one or two rows."""
    middle = (
        incidents.filter(closed_at__isnull=False)
        .annotate(
            duration=_resolution_duration(),
            position=Window(RowNumber(), order_by=[F("duration").asc(), F("pk").asc()]),
            total=Window(Count("pk")),
        )
        .filter(position__gte=(F("total") + 1) / 2, position__lte=(F("total") + 2) / 2)
        .values_list("duration", flat=True)
    )
    durations = list(middle)
    if not durations:
        return None
    seconds: float = sum(d.total_seconds() for d in durations)
    return round(seconds / len(durations) / 86400, 1)


def median_days_postgresql(incidents: QuerySet[Incident]) -> float | None:
    value: float | None = incidents.filter(closed_at__isnull=False).aggregate(
        median=_PercentileCont(_EpochDays(_resolution_duration()))
    )["median"]
    return None if value is None else round(value, 1)


def median_days_to_resolution(incidents: QuerySet[Incident]) -> float | None:
    """The median number of days from occurrence to closing of ``incidents`` (PostgreSQL computes
    it with PERCENTILE_CONT; other databases with the portable window-function query)."""
    if connection.vendor == "postgresql":
        return median_days_postgresql(incidents)
    return median_days_portable(incidents)


# --- one snapshot of the flow figures -------------------------------------------------------------


def _keyed(aggregates: Raw, prefix: str, keys: Iterable[object]) -> Raw:
    return {str(key): aggregates[f"{prefix}{key}"] for key in keys}


def _community_figures(communities: ScopedCommunities, start: date | None, end: date) -> Raw:
    partnerships = Partnership.objects.filter(community__in=communities)
    open_at_end = Q(joined_on__lte=end) & (Q(left_on__isnull=True) | Q(left_on__gt=end))
    overlapping = Q(joined_on__lte=end) & (Q(left_on__isnull=True) | Q(left_on__gte=start) if start else Q())
    left = _date_window("left_on", start, end)
    figures = partnerships.aggregate(
        active=Count("community", distinct=True, filter=overlapping),
        partners_at_end=Count("community", distinct=True, filter=open_at_end),
        joined=Count("community", distinct=True, filter=_date_window("joined_on", start, end)),
        left=Count("community", distinct=True, filter=left),
        **{
            f"left_{reason}": Count("community", distinct=True, filter=left & Q(leave_reason=reason))
            for reason in LeaveReason.values
        },
    )
    return {
        "active": figures["active"],
        "partners_at_end": figures["partners_at_end"],
        "joined": figures["joined"],
        "left": figures["left"],
        "left_by_reason": _keyed(figures, "left_", LeaveReason.values),
    }


def _negotiator_figures(communities: ScopedCommunities, start: date | None, end: date) -> Raw:
    negotiators = Negotiator.objects.filter(community__in=communities)
    completed_in_window = Q(completed=True) & _date_window("session__ends_on", start, end)
    counts = _negotiators_as_at(negotiators, end).aggregate(
        registered_at_end=Count("pk", filter=Q(joined_on__lte=end, active_at_end=True)),
        joined=Count("pk", filter=_date_window("joined_on", start, end)),
        certified=Count("pk", filter=_date_window("certified_on", start, end)),
        **{f"cohort_{cohort}": Count("pk", filter=Q(cohort=cohort, joined_on__lte=end)) for cohort in ("pilot", "new")},
        **{
            f"certified_{cohort}": Count("pk", filter=_date_window("certified_on", start, end) & Q(cohort=cohort))
            for cohort in ("pilot", "new")
        },
        **_negotiator_sex_counts(start, end),
    )
    trained = Attendance.objects.filter(completed_in_window, negotiator__in=negotiators).aggregate(
        n=Count("negotiator", distinct=True)
    )["n"]
    # Advanced: now advanced, and the last advanced module was completed within the window.
    advanced = (
        negotiators.filter(status="advanced")
        .annotate(
            advanced_on=Max(
                "attendances__session__ends_on",
                filter=Q(attendances__completed=True, attendances__session__module__level=ModuleLevel.ADVANCED),
            )
        )
        .filter(_date_window("advanced_on", start, end))
        .count()
    )
    return {
        "registered_at_end": counts["registered_at_end"],
        "joined": counts["joined"],
        "trained": trained,
        "certified": counts["certified"],
        "advanced": advanced,
        "by_cohort": {"pilot": counts["cohort_pilot"], "new": counts["cohort_new"]},
        "certified_by_cohort": {"pilot": counts["certified_pilot"], "new": counts["certified_new"]},
        "by_sex": _with_not_recorded(counts, "sex_", NEGOTIATOR_SEXES, counts["sex_all"]),
        "certified_by_sex": _with_not_recorded(counts, "certified_sex_", NEGOTIATOR_SEXES, counts["certified"]),
    }


# A negotiator's sex is the gender on their contact record; "not specified" there, or no contact
# record at all, is counted as not recorded.
NEGOTIATOR_SEXES = (Gender.FEMALE.value, Gender.MALE.value)
NOT_RECORDED = "not_recorded"


def _negotiator_sex_counts(start: date | None, end: date) -> dict[str, Count]:
    """The negotiators registered by ``end`` and those certified in the window, by sex (the same
    bases as ``by_cohort`` and ``certified_by_cohort``)."""
    certified = _date_window("certified_on", start, end)
    return {
        "sex_all": Count("pk", filter=Q(joined_on__lte=end)),
        **{f"sex_{sex}": Count("pk", filter=Q(joined_on__lte=end, contact__gender=sex)) for sex in NEGOTIATOR_SEXES},
        **{f"certified_sex_{sex}": Count("pk", filter=certified & Q(contact__gender=sex)) for sex in NEGOTIATOR_SEXES},
    }


def _with_not_recorded(aggregates: Raw, prefix: str, keys: Iterable[str], total: int) -> Raw:
    """A breakdown of ``total`` by ``keys``, with what the keys leave out as ``not_recorded``."""
    breakdown = _keyed(aggregates, prefix, keys)
    return breakdown | {NOT_RECORDED: total - sum(breakdown.values())}


def _training_figures(
    communities: ScopedCommunities, start: date | None, end: date, programme_wide: bool, module_codes: list[str]
) -> Raw:
    sessions = TrainingSession.objects.filter(_date_window("starts_on", start, end), _in_programme())
    if not programme_wide:
        sessions = sessions.filter(
            Q(host_community__in=communities)
            | Exists(Attendance.objects.filter(session=OuterRef("pk"), negotiator__community__in=communities))
        )
    totals = sessions.aggregate(
        sessions=Count("pk"),
        modules_delivered=Count("module", distinct=True),
        hours=_sum("module__hours"),
        **{f"sessions_{code}": Count("pk", filter=Q(module__code=code)) for code in module_codes},
    )
    attendance = Attendance.objects.filter(session__in=sessions, negotiator__community__in=communities)
    people = attendance.aggregate(
        total_enrolled=Count("pk"),
        total_present=Count("pk", filter=Q(present=True)),
        total_completed=Count("pk", filter=Q(completed=True)),
        **{
            f"{measure}_{code}": Count("pk", filter=Q(session__module__code=code, **condition))
            for code in module_codes
            for measure, condition in (("present", {"present": True}), ("completed", {"completed": True}))
        },
    )
    return {
        "sessions": totals["sessions"],
        "modules_delivered": totals["modules_delivered"],
        "hours": totals["hours"],
        "enrolled": people["total_enrolled"],
        "present": people["total_present"],
        "completed": people["total_completed"],
        "attendance_rate": _rate(people["total_present"], people["total_enrolled"]),
        "by_module": {
            code: {
                "sessions": totals[f"sessions_{code}"],
                "present": people[f"present_{code}"],
                "completed": people[f"completed_{code}"],
            }
            for code in module_codes
        },
    }


PARTICIPANT_BREAKDOWN = ("women", "men", "youth", "idps", "veterans", "vulnerable")


def _participant_breakdown(figures: Raw, prefix: str = "group_", total: str = "participants") -> Raw:
    """The participants by group (``PARTICIPANT_BREAKDOWN``), and ``not_recorded``: those counted
    in the total but neither as women nor as men (their sex was not recorded)."""
    breakdown = _keyed(figures, prefix, PARTICIPANT_BREAKDOWN)
    return breakdown | {NOT_RECORDED: figures[total] - breakdown["women"] - breakdown["men"]}


def _event_figures(communities: ScopedCommunities, start: date | None, end: date) -> Raw:
    events = OutreachEvent.objects.filter(
        _date_window("date", start, end), _held(), _in_programme(), community__in=communities
    )
    figures = events.aggregate(
        count=Count("pk"),
        participants=_sum("participants_total"),
        communities_reached=Count("community", distinct=True),
        with_police=Count("pk", filter=Q(police_present=True)),
        participants_with_police=_sum("participants_total", filter=Q(police_present=True)),
        with_local_government=Count("pk", filter=Q(local_government_present=True)),
        with_ngos=Count("pk", filter=Q(ngos_present=True)),
        **{f"group_{group}": _sum(f"participants_{group}") for group in PARTICIPANT_BREAKDOWN},
        **{f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in EventKind.values},
        **{f"kindp_{kind}": _sum("participants_total", filter=Q(kind=kind)) for kind in EventKind.values},
        **{f"topic_{topic}": Count("pk", filter=Q(topic=topic)) for topic in Topic.values},
    )
    return {
        "count": figures["count"],
        "participants": figures["participants"],
        "participant_breakdown": _participant_breakdown(figures),
        "communities_reached": figures["communities_reached"],
        "with_police": figures["with_police"],
        "participants_with_police": figures["participants_with_police"],
        "with_local_government": figures["with_local_government"],
        "with_ngos": figures["with_ngos"],
        "by_kind": {
            kind: {"events": figures[f"kind_{kind}"], "participants": figures[f"kindp_{kind}"]}
            for kind in EventKind.values
        },
        "by_topic": _keyed(figures, "topic_", Topic.values),
    }


# --- events with registration (webinars) ---------------------------------------------------------


def _registered() -> Q:
    """The registrations that count as registered: not cancelled, or cancelled yet attended."""
    return ~Q(status=RegistrationStatus.CANCELLED) | Q(attended=True)


def _webinars(communities: ScopedCommunities, start: date | None, end: date) -> QuerySet[OutreachEvent]:
    """The held events in scope that took registrations (webinars, mostly)."""
    return OutreachEvent.objects.filter(
        _date_window("date", start, end),
        _held(),
        _in_programme(),
        Exists(Registration.objects.filter(event=OuterRef("pk"))),
        community__in=communities,
    )


def _reached(webinars: QuerySet[OutreachEvent]) -> QuerySet[Community]:
    """The communities the attendees came from and those the events list as their audience's."""
    attendees = Registration.objects.filter(event__in=webinars, attended=True, community__isnull=False)
    audience = OutreachEvent.audience_communities.through.objects.filter(outreachevent__in=webinars)
    return Community.objects.filter(
        Q(pk__in=attendees.values("community_id")) | Q(pk__in=audience.values("community_id"))
    ).order_by()


def _webinar_figures(communities: ScopedCommunities, start: date | None, end: date) -> Raw:
    """Counts only: registrations, attendance, distinct people (by their e-mail's blind token),
    where they came from, their roles, questions, materials sent and feedback; never who."""
    webinars = _webinars(communities, start, end)
    registered = _registered()
    # Named apart from the fields ("attended") the filters read.
    people = Registration.objects.filter(event__in=webinars).aggregate(
        n_registrations=Count("pk", filter=registered),
        n_attended=Count("pk", filter=Q(attended=True)),
        n_unique=Count("email_token", distinct=True, filter=Q(attended=True)),
        n_questions=Count("pk", filter=registered & ~Q(question="")),
        # Every webinar has a registration; a registration has one feedback at most.
        n_events=Count("event", distinct=True),
        n_ratings=Count("feedback"),
        score=Avg("feedback__rating"),
        **{f"role_{role}": Count("pk", filter=Q(attended=True, role=role)) for role in AudienceRole.values},
    )
    reached = _reached(webinars).aggregate(communities=Count("pk"), oblasts=Count("region", distinct=True))
    return {
        "events": people["n_events"],
        "registrations": people["n_registrations"],
        "attended": people["n_attended"],
        "attendance_rate": _rate(people["n_attended"], people["n_registrations"]),
        "unique_participants": people["n_unique"],
        "communities_reached": reached["communities"],
        "oblasts_reached": reached["oblasts"],
        "attendees_by_role": _keyed(people, "role_", AudienceRole.values),
        "questions": people["n_questions"],
        "materials_sent": Delivery.objects.filter(mailing__event__in=webinars, status=DeliveryStatus.SENT).count(),
        "feedback_score": _round_score(people["score"]),
        "feedback_count": people["n_ratings"],
    }


def _webinar_rows(communities: ScopedCommunities, period: Period) -> list[Raw]:
    """One row per held event with registrations in the period, in date order: its title, date,
    series and the same counts as :func:`_webinar_figures` (a few grouped queries in all)."""
    webinars = list(
        _webinars(communities, period.start, period.end)
        .order_by("date", "starts_at", "pk")
        .values("pk", "title", "title_is_automatic", "place", "date", "kind", "series__title", "part", "series__parts")
    )
    ids = [row["pk"] for row in webinars]
    if not ids:
        return []
    registered = _registered()
    people = _by_key(
        Registration.objects.filter(event_id__in=ids)
        .values("event_id")
        .annotate(
            n_registrations=Count("pk", filter=registered),
            n_attended=Count("pk", filter=Q(attended=True)),
            n_questions=Count("pk", filter=registered & ~Q(question="")),
            n_ratings=Count("feedback"),
            score=Avg("feedback__rating"),
        )
        .order_by(),
        "event_id",
    )
    reached: dict[int, set[int]] = {pk: set() for pk in ids}
    attendees = Registration.objects.filter(event_id__in=ids, attended=True, community__isnull=False)
    audience = OutreachEvent.audience_communities.through.objects.filter(outreachevent_id__in=ids)
    for event, community in [
        *attendees.order_by().values_list("event_id", "community_id").distinct(),
        *audience.values_list("outreachevent_id", "community_id"),
    ]:
        reached[event].add(community)
    regions = dict(
        Community.objects.filter(pk__in={pk for found in reached.values() for pk in found}).values_list(
            "pk", "region_id"
        )
    )
    rows = []
    for webinar in webinars:
        pk = webinar["pk"]
        counts = people[pk]  # a webinar has registrations
        rows.append(
            {
                "id": pk,
                "title": (
                    automatic_event_title(webinar["kind"], webinar["place"])
                    if webinar["title_is_automatic"]
                    else webinar["title"]
                ),
                "date": webinar["date"].isoformat(),
                "kind": webinar["kind"],
                "series": webinar["series__title"],
                "part": webinar["part"],
                "parts": webinar["series__parts"],
                "registrations": counts["n_registrations"],
                "attended": counts["n_attended"],
                "attendance_rate": _rate(counts["n_attended"], counts["n_registrations"]),
                "questions": counts["n_questions"],
                "communities_reached": len(reached[pk]),
                "oblasts_reached": len({regions[community] for community in reached[pk]}),
                "feedback_score": _round_score(counts["score"]),
                "feedback_count": counts["n_ratings"],
            }
        )
    return rows


def _incident_figures(communities: ScopedCommunities, start: date | None, end: date) -> Raw:
    incidents = Incident.objects.filter(_in_programme(), community__in=communities)
    occurred = _moment_window("occurred_at", start, end)
    closed = _moment_window("closed_at", start, end)
    end_moment = _day_start(end + timedelta(days=1))
    still_open = (Q(closed_at__isnull=True) | Q(closed_at__gte=end_moment)) & Q(occurred_at__lt=end_moment)
    # One pass over the incidents of the three windows (reported, closed, open at the end),
    # counted by the database per combination of the four fields (a few hundred groups at most)
    # and summed here: filtered counts per category, severity, status and pair of them evaluated
    # some seventy conditions on each of a million rows, three times.
    groups = cast(
        list[Raw],
        list(
            incidents.filter(occurred | closed | still_open)
            .values("category", "severity", "status", "police_involved")
            .annotate(
                n=Count("pk", filter=occurred),
                n_closed=Count("pk", filter=closed),
                n_open=Count("pk", filter=still_open),
            )
            .order_by()
        ),
    )

    def counted(count: str = "n", **fields: Any) -> int:
        return sum(row[count] for row in groups if all(row[name] == value for name, value in fields.items()))

    figures = {
        "reported": counted(),
        "with_police": counted(police_involved=True),
        "police_community": counted(category=IncidentCategory.POLICE_COMMUNITY),
        **{f"category_{category}": counted(category=category) for category in IncidentCategory.values},
        **{f"severity_{severity}": counted(severity=severity) for severity in Severity.values},
        **{f"status_{status}": counted(status=status) for status in IncidentStatus.values},
        **{
            f"cross_{category}_{status}": counted(category=category, status=status)
            for category in IncidentCategory.values
            for status in IncidentStatus.values
        },
    }
    closing = {
        "closed": counted("n_closed"),
        "resolved": counted("n_closed", status=IncidentStatus.RESOLVED),
        "closed_unresolved": counted("n_closed", status=IncidentStatus.CLOSED_UNRESOLVED),
    }
    resolved = incidents.filter(closed, status=IncidentStatus.RESOLVED)
    referring = _incident_referrals(incidents, start, end)
    open_at_end = counted("n_open")
    return {
        "reported": figures["reported"],
        "by_category": _keyed(figures, "category_", IncidentCategory.values),
        "by_severity": _keyed(figures, "severity_", Severity.values),
        "by_status_now": _keyed(figures, "status_", IncidentStatus.values),
        "by_category_status_now": {
            category: _keyed(figures, f"cross_{category}_", IncidentStatus.values)
            for category in IncidentCategory.values
        },
        "police_involved": figures["with_police"],
        "police_community": figures["police_community"],
        "closed": closing["closed"],
        "resolved": closing["resolved"],
        "referred": referring["referred"],
        "closed_unresolved": closing["closed_unresolved"],
        "resolution_rate": _rate(closing["resolved"], closing["closed"]),
        "median_days_to_resolution": median_days_to_resolution(resolved),
        "referrals_by_agency": _keyed(referring, "agency_", Agency.values),
        "open_at_end": open_at_end,
        "people_involved": _party_figures(incidents.filter(occurred)),
    }


# The categories the parties are counted by (each also has ``not_recorded``: the field is blank).
PARTY_SEXES = tuple(Sex.values)
PARTY_AGE_GROUPS = tuple(value for value, _label in PARTY_AGE_CHOICES)
PARTY_VULNERABLE_GROUPS = tuple(value for value, _label in PARTY_VULNERABLE_CHOICES)
PARTY_FIELDS = {"sex": PARTY_SEXES, "age_group": PARTY_AGE_GROUPS, "vulnerable_group": PARTY_VULNERABLE_GROUPS}


def _party_figures(incidents: QuerySet[Incident]) -> Raw:
    """The parties of ``incidents`` (those reported in the window) in all and by sex, age group and
    vulnerable group, each with ``not_recorded``; counts of people: whoever does not read every
    case gets them through :mod:`reports.suppression`, small cells hidden."""
    counts = IncidentParty.objects.filter(incident__in=incidents).aggregate(
        total=Count("pk"),
        **{
            f"{field}_{value}": Count("pk", filter=Q(**{field: value}))
            for field, values in PARTY_FIELDS.items()
            for value in values
        },
    )
    return {
        "total": counts["total"],
        **{
            f"by_{field}": _with_not_recorded(counts, f"{field}_", values, counts["total"])
            for field, values in PARTY_FIELDS.items()
        },
    }


def _incident_referrals(incidents: QuerySet[Incident], start: date | None, end: date) -> Raw:
    """The incidents referred to an agency in the period, in all and by the agency's kind.

    Until referrals were tracked, referring closed the case (status *referred*, the agency in
    ``referred_to``); now the case gets a referral (``casework.Referral``) and stays open. An
    incident counts once when it was closed as referred in the period or had a referral sent in
    it: the referrals the migration made of the old closures (sent on the day the case closed)
    count the same incidents again, so past periods keep their figures."""
    closed_referred = Q(status=IncidentStatus.REFERRED) & _moment_window("closed_at", start, end)
    # The incidents with a referral sent, as a set the database hashes once, not joined: no
    # duplicate rows to count distinct.
    sent = casework.Referral.objects.filter(_date_window("sent_on", start, end), incident__isnull=False)
    return incidents.filter(closed_referred | Q(pk__in=sent.values("incident_id"))).aggregate(
        referred=Count("pk"),
        **{
            f"agency_{agency}": Count(
                "pk",
                filter=closed_referred & Q(referred_to=agency)
                | Q(pk__in=sent.filter(agency__kind__in=agency_kinds_of(agency)).values("incident_id")),
            )
            for agency in Agency.values
        },
    )


def _media_figures(communities: ScopedCommunities, start: date | None, end: date, programme_wide: bool) -> Raw:
    about = Q(community__in=communities)
    if programme_wide:
        about |= Q(community__isnull=True)
    figures = MediaMention.objects.filter(about, _in_programme(), _date_window("published_on", start, end)).aggregate(
        mentions=Count("pk"),
        total_reach=_sum("reach"),
        **{f"medium_{medium}": Count("pk", filter=Q(medium=medium)) for medium in Medium.values},
        **{f"mediumr_{medium}": _sum("reach", filter=Q(medium=medium)) for medium in Medium.values},
    )
    return {
        "mentions": figures["mentions"],
        "reach": figures["total_reach"],
        "by_medium": {
            medium: {"mentions": figures[f"medium_{medium}"], "reach": figures[f"mediumr_{medium}"]}
            for medium in Medium.values
        },
    }


def _engagement_figures(communities: ScopedCommunities, start: date | None, end: date) -> Raw:
    engagements = Engagement.objects.filter(_in_programme(), community__in=communities)
    opened = _date_window("starts_on", start, end)
    closed = _date_window("ends_on", start, end)
    running = Q(starts_on__lte=end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start) if start else Q())
    figures = engagements.aggregate(
        opened=Count("pk", filter=opened),
        closed=Count("pk", filter=closed),
        running=Count("pk", filter=running),
        **{f"mode_{mode}": Count("pk", filter=opened & Q(mode=mode)) for mode in EngagementMode.values},
        **{f"opened_{topic}": Count("pk", filter=opened & Q(topic=topic)) for topic in Topic.values},
        **{f"closed_{topic}": Count("pk", filter=closed & Q(topic=topic)) for topic in Topic.values},
    )
    return {
        "opened": figures["opened"],
        "closed": figures["closed"],
        "running": figures["running"],
        "opened_by_mode": _keyed(figures, "mode_", EngagementMode.values),
        "opened_by_topic": _keyed(figures, "opened_", Topic.values),
        "closed_by_topic": _keyed(figures, "closed_", Topic.values),
        **_support_figures(communities, start, end),
    }


def _hours(**kwargs: Any) -> Coalesce:
    total = DecimalField(max_digits=12, decimal_places=1)
    return Coalesce(Sum("hours", **kwargs), Value(Decimal("0")), output_field=total)


def _support_figures(communities: ScopedCommunities, start: date | None, end: date) -> Raw:
    """The engagements' activities (dated in the window) and recommendations. An activity or a
    recommendation belongs to its engagement's programme. Recommendations made, implemented and
    rejected are counted by the date of each (implemented and rejected are final, so their date
    never moves); the implementation rate is a stock at the window's end: of the recommendations
    made by then and not rejected by then, the share implemented by then."""
    activities = Activity.objects.filter(
        _in_programme("engagement__"), _date_window("date", start, end), engagement__community__in=communities
    )
    lines, modes = ServiceLine.values, EngagementMode.values
    done = activities.aggregate(
        activities=Count("pk"),
        hours_total=_hours(),
        **{f"line_{line}": Count("pk", filter=Q(line=line)) for line in lines},
        **{f"lineh_{line}": _hours(filter=Q(line=line)) for line in lines},
        **{f"mode_{mode}": Count("pk", filter=Q(engagement__mode=mode)) for mode in modes},
        **{f"modeh_{mode}": _hours(filter=Q(engagement__mode=mode)) for mode in modes},
        **{f"step_{step}": Count("pk", filter=Q(step=step)) for step in Step.values},
    )
    implemented, rejected = Q(status=RecommendationStatus.IMPLEMENTED), Q(status=RecommendationStatus.REJECTED)
    made = Recommendation.objects.filter(_in_programme("engagement__"), engagement__community__in=communities)
    recommendations = made.aggregate(
        made=Count("pk", filter=_date_window("made_on", start, end)),
        implemented=Count("pk", filter=implemented & _date_window("status_on", start, end)),
        rejected=Count("pk", filter=rejected & _date_window("status_on", start, end)),
        made_by_end=Count("pk", filter=Q(made_on__lte=end)),
        implemented_by_end=Count("pk", filter=implemented & Q(status_on__lte=end)),
        rejected_by_end=Count("pk", filter=rejected & Q(status_on__lte=end)),
    )
    return {
        "activities": done["activities"],
        "hours": float(done["hours_total"]),
        "activities_by_line": {
            line: {"activities": done[f"line_{line}"], "hours": float(done[f"lineh_{line}"])} for line in lines
        },
        "activities_by_mode": {
            mode: {"activities": done[f"mode_{mode}"], "hours": float(done[f"modeh_{mode}"])} for mode in modes
        },
        "activities_by_step": _keyed(done, "step_", Step.values),
        "mediation_sessions": done[f"step_{Step.MEDIATION_SESSION}"],
        "recommendations_made": recommendations["made"],
        "recommendations_implemented": recommendations["implemented"],
        "recommendations_rejected": recommendations["rejected"],
        "implementation_rate": _rate(
            recommendations["implemented_by_end"], recommendations["made_by_end"] - recommendations["rejected_by_end"]
        ),
    }


def _engagement_rows(communities: ScopedCommunities, period: Period) -> list[Raw]:
    """One row per engagement running during the period, in start order: its activities of the
    period (steps, dates, hours, how many mediators: never who) and the recommendations made by
    the period's end with their status today. Plain values, not figures."""
    running = Q(starts_on__lte=period.end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=period.start))
    engagements = list(
        Engagement.objects.filter(running, _in_programme(), community__in=communities)
        .select_related("community")
        .order_by("starts_on", "pk")
    )
    ids = [engagement.pk for engagement in engagements]
    activities: dict[int, list[Raw]] = {pk: [] for pk in ids}
    for row in (
        Activity.objects.filter(engagement__in=ids, date__gte=period.start, date__lte=period.end)
        .annotate(mediator_count=Count("mediators"))
        .order_by("date", "pk")
        .values("engagement_id", "line", "step", "date", "hours", "mediator_count")
    ):
        activities[row["engagement_id"]].append(
            {
                "line": row["line"],
                "step": row["step"],
                "date": row["date"].isoformat(),
                "hours": float(row["hours"]),
                "mediators": row["mediator_count"],
            }
        )
    recommendations: dict[int, list[Raw]] = {pk: [] for pk in ids}
    for made in (
        Recommendation.objects.filter(engagement__in=ids, made_on__lte=period.end)
        .order_by("made_on", "pk")
        .values("engagement_id", "line", "text", "made_on", "status", "status_on")
    ):
        recommendations[made["engagement_id"]].append(
            {
                "line": made["line"],
                "text": made["text"],
                "made_on": made["made_on"].isoformat(),
                "status": made["status"],
                "status_on": made["status_on"].isoformat(),
            }
        )
    return [
        {
            "id": engagement.pk,
            "community": engagement.community_id,
            "community_name": engagement.community.name,
            "mode": engagement.mode,
            "topic": engagement.topic,
            "starts_on": engagement.starts_on.isoformat(),
            "ends_on": engagement.ends_on.isoformat() if engagement.ends_on else None,
            "follows": engagement.follows_id,
            "activities": activities[engagement.pk],
            "recommendations": recommendations[engagement.pk],
        }
        for engagement in engagements
    ]


# --- case work (aggregates only: reports.suppression hides the small cells from outsiders) -------

# The tasks counted as overdue: a plan's actions, referrals' follow-ups, agreements' checks.
TASK_KINDS = ("plan_actions", "referral_follow_ups", "agreement_checks")
# How a referral ended: completed, declined or no answer (the agency never replied).
REFERRAL_ENDS: tuple[str, ...] = tuple(str(status) for status in casework.FINAL_REFERRAL_STATUSES)


def _days_from(start: str, end: str) -> ExpressionWrapper[CombinedExpression]:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _median_days_by(queryset: QuerySet[Any], duration: Any, by: str | None = None) -> dict[Any, float]:
    """The median of ``duration`` in days over ``queryset``, per value of the field ``by`` (or over
    all the rows, under the key ``None``), in one query: PERCENTILE_CONT on PostgreSQL, the middle
    rows of a window function on other databases (as :func:`median_days_portable`). A group
    without rows has no key."""
    if connection.vendor == "postgresql":
        median = _PercentileCont(_EpochDays(duration))
        if by is None:
            value = queryset.aggregate(median=median)["median"]
            return {} if value is None else {None: round(value, 1)}
        rows = queryset.order_by().values(by).annotate(median=median).values_list(by, "median")
        return {key: round(value, 1) for key, value in rows}
    partition = [F(by)] if by else None
    middle = (
        queryset.annotate(
            duration=duration,
            position=Window(RowNumber(), partition_by=partition, order_by=[F("duration").asc(), F("pk").asc()]),
            total=Window(Count("pk"), partition_by=partition),
        )
        .filter(position__gte=(F("total") + 1) / 2, position__lte=(F("total") + 2) / 2)
        .values_list(by or "pk", "duration")
    )
    found: dict[Any, list[timedelta]] = {}
    for key, days in middle:
        found.setdefault(key if by else None, []).append(days)
    return {key: round(sum(d.total_seconds() for d in days) / len(days) / 86400, 1) for key, days in found.items()}


def _casework_figures(communities: ScopedCommunities, start: date | None, end: date) -> Raw:
    """Individual support (seed 004, seed 001's veterans): counts only, never a person.

    Cases opened and closed (by outcome) in the window and open at its end (a reopened case counts
    as open from its first opening); the people whose case was open at some time in the window, by
    sex, age group and vulnerability (a person may have several); their needs, from each case's
    latest assessment by the window's end (a domain counts where the need is above "no need");
    the referrals (of cases and of incidents) sent in the window and those that ended in it, by
    how and by the agency's kind, with the completion rate (completed / ended) and the median days
    from sending to completion; the plan goals of the cases closed in the window (dropped ones
    aside) and how many were met; the agreement items checked in the window and how many were
    kept; the tasks overdue at the window's end (a stock: a plan action of an open case, a
    referral's follow-up, an agreement's check, due before that day and not done by then)."""
    cases = casework.Case.objects.filter(_in_programme(), community__in=communities)
    opened = _date_window("opened_on", start, end)
    closed = _date_window("closed_on", start, end)
    open_at_end = Q(opened_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))
    during = Q(opened_on__lte=end) & ((Q(closed_on__isnull=True) | Q(closed_on__gte=start)) if start else Q())
    ages = list(enumerate(casework.AgeGroup.values))

    def people(condition: Q | None = None) -> Count:
        return Count("beneficiary", distinct=True, filter=during & condition if condition else during)

    figures = cases.aggregate(
        n_opened=Count("pk", filter=opened),
        n_active=Count("pk", filter=open_at_end),
        n_closed=Count("pk", filter=closed),
        n_people=people(),
        **{f"outcome_{outcome}": Count("pk", filter=closed & Q(outcome=outcome)) for outcome in casework.CaseOutcome},
        **{f"sex_{sex}": people(Q(beneficiary__sex=sex)) for sex in casework.Sex.values},
        **{f"age_{index}": people(Q(beneficiary__age_group=group)) for index, group in ages},
        **{
            f"vulnerable_{value}": people(Q(**{f"beneficiary__vulnerable_{value}": True}))
            for value in casework.Vulnerability.values
        },
    )
    latest = (
        casework.NeedsAssessment.objects.filter(case=OuterRef("case"), assessed_on__lte=end)
        .order_by("-assessed_on", "-pk")
        .values("pk")[:1]
    )
    needs = casework.NeedsAssessment.objects.filter(
        case__in=cases.filter(during), assessed_on__lte=end, pk=Subquery(latest)
    ).aggregate(
        assessed=Count("pk", distinct=True),
        **{
            f"need_{domain}": Count("needs", filter=Q(needs__domain=domain, needs__level__gt=casework.NeedLevel.NONE))
            for domain in casework.NeedDomain.values
        },
    )
    return {
        "opened": figures["n_opened"],
        "active_at_end": figures["n_active"],
        "closed": figures["n_closed"],
        "closed_by_outcome": _keyed(figures, "outcome_", casework.CaseOutcome.values),
        "people": figures["n_people"],
        "people_by_sex": _keyed(figures, "sex_", casework.Sex.values),
        "people_by_age_group": {group: figures[f"age_{index}"] for index, group in ages},
        "people_by_vulnerability": _keyed(figures, "vulnerable_", casework.Vulnerability.values),
        "cases_assessed": needs["assessed"],
        "needs_by_domain": _keyed(needs, "need_", casework.NeedDomain.values),
        **_referral_figures(communities, start, end),
        **_plan_and_agreement_figures(communities, cases.filter(closed), start, end),
        **_overdue_tasks(communities, cases.filter(open_at_end), end),
    }


def _referral_figures(communities: ScopedCommunities, start: date | None, end: date) -> Raw:
    # The cases' referrals: an incident's are counted with the incidents (referred in the period).
    referrals = casework.Referral.objects.filter(_in_programme(), community__in=communities, case__isnull=False)
    sent = _date_window("sent_on", start, end)
    ended = _date_window("completed_on", start, end) & Q(status__in=REFERRAL_ENDS)
    kinds = casework.AgencyKind.values
    counts = referrals.aggregate(
        n_sent=Count("pk", filter=sent),
        n_ended=Count("pk", filter=ended),
        **{f"end_{status}": Count("pk", filter=ended & Q(status=status)) for status in REFERRAL_ENDS},
        **{f"sent_{kind}": Count("pk", filter=sent & Q(agency__kind=kind)) for kind in kinds},
        **{f"ended_{kind}": Count("pk", filter=ended & Q(agency__kind=kind)) for kind in kinds},
        **{
            f"end_{status}_{kind}": Count("pk", filter=ended & Q(status=status, agency__kind=kind))
            for status in REFERRAL_ENDS
            for kind in kinds
        },
    )
    completed = referrals.filter(_date_window("completed_on", start, end), status=casework.ReferralStatus.COMPLETED)
    duration = _days_from("sent_on", "completed_on")
    median = _median_days_by(completed, duration).get(None)
    medians = _median_days_by(completed, duration, "agency__kind")
    done = f"end_{casework.ReferralStatus.COMPLETED}"
    return {
        "referrals_sent": counts["n_sent"],
        "referrals_ended": counts["n_ended"],
        **{f"referrals_{status}": counts[f"end_{status}"] for status in REFERRAL_ENDS},
        "referral_completion_rate": _rate(counts[done], counts["n_ended"]),
        "median_days_to_completion": median,
        "referrals_by_agency_kind": {
            kind: {
                "sent": counts[f"sent_{kind}"],
                "ended": counts[f"ended_{kind}"],
                **{status: counts[f"end_{status}_{kind}"] for status in REFERRAL_ENDS},
                "completion_rate": _rate(counts[f"{done}_{kind}"], counts[f"ended_{kind}"]),
                "median_days_to_completion": medians.get(kind),
            }
            for kind in kinds
        },
    }


def _plan_and_agreement_figures(
    communities: ScopedCommunities, closed_cases: QuerySet[Any], start: date | None, end: date
) -> Raw:
    goals = (
        casework.Goal.objects.filter(case__in=closed_cases)
        .exclude(status=casework.GoalStatus.DROPPED)
        .aggregate(n_set=Count("pk"), n_met=Count("pk", filter=Q(status=casework.GoalStatus.MET)))
    )
    items = (
        casework.AgreementItem.objects.filter(
            _in_programme("agreement__"), _date_window("checked_on", start, end), agreement__community__in=communities
        )
        .exclude(compliance=casework.Compliance.PENDING)
        .aggregate(n_checked=Count("pk"), n_kept=Count("pk", filter=Q(compliance=casework.Compliance.KEPT)))
    )
    return {
        "goals_set": goals["n_set"],
        "goals_met": goals["n_met"],
        "goals_met_rate": _rate(goals["n_met"], goals["n_set"]),
        "agreement_items_checked": items["n_checked"],
        "agreement_items_kept": items["n_kept"],
        "agreement_items_kept_rate": _rate(items["n_kept"], items["n_checked"]),
    }


def _overdue_tasks(communities: ScopedCommunities, open_cases: QuerySet[Any], end: date) -> Raw:
    """The tasks overdue at the end of ``end``: what ``casework.todo`` makes a task (a plan action
    someone is to do, a referral's follow-up, an agreement item to check of an agreement someone
    follows up), due before that day and not done by then, in records not anonymised since."""
    actions = casework.PlanAction.objects.filter(
        Q(assignee__isnull=False) | Q(responsible=casework.ActionResponsible.CASE_WORKER),
        goal__case__in=open_cases,
        goal__case__anonymised_at__isnull=True,
        due_on__lt=end,
    ).filter(Q(status=casework.ActionStatus.TODO) | Q(status=casework.ActionStatus.DONE, done_on__gt=end))
    follow_ups = (
        casework.Referral.objects.filter(
            _in_programme(), community__in=communities, sent_on__lte=end, follow_up_on__lt=end
        )
        .exclude(case__anonymised_at__isnull=False)
        .filter(~Q(status__in=REFERRAL_ENDS) | Q(completed_on__gt=end))
    )
    checks = (
        casework.AgreementItem.objects.filter(
            _in_programme("agreement__"),
            agreement__community__in=communities,
            agreement__responsible__isnull=False,
            due_on__lt=end,
        )
        .exclude(agreement__status=casework.AgreementStatus.NO_AGREEMENT)
        .filter(Q(compliance=casework.Compliance.PENDING) | Q(checked_on__gt=end))
    )
    by_kind = dict(zip(TASK_KINDS, (actions.count(), follow_ups.count(), checks.count()), strict=True))
    return {"overdue_tasks": sum(by_kind.values()), "overdue_tasks_by_kind": by_kind}


def _per_community_figures(communities: ScopedCommunities, start: date | None, end: date) -> Raw:
    """One row per community in scope (zeros included), computed with one grouped query each for
    events, incidents, media and negotiators. Events and incidents are grouped by their community
    among the rows of the window only (not every community joined to all its records)."""

    def counted(queryset: QuerySet[Community], **annotations: Any) -> dict[int, Raw]:
        # Prefixed: the figures' names ("events", "incidents") are also relations of Community.
        prefixed = {f"figure_{name}": expression for name, expression in annotations.items()}
        return {
            row["pk"]: {name: row[f"figure_{name}"] for name in annotations}
            for row in queryset.annotate(**prefixed).values("pk", *prefixed)
        }

    def grouped(queryset: QuerySet[Any], zeros: Raw, **annotations: Any) -> dict[int, Raw]:
        found = _by_key(queryset.values("community_id").annotate(**annotations).order_by(), "community_id")
        return {pk: found.get(pk, dict(zeros)) for pk in scope_ids}

    scope = Community.objects.filter(pk__in=communities.values("pk")).order_by()
    media = counted(
        scope,
        media_mentions=Count(
            "media_mentions",
            filter=_date_window("media_mentions__published_on", start, end) & _in_programme("media_mentions__"),
        ),
    )
    scope_ids = list(media)  # every community in scope: the media are counted on each
    events = grouped(
        OutreachEvent.objects.filter(_date_window("date", start, end), _held(), _in_programme(), community__in=scope),
        {"events": 0, "participants": 0, "joint_events": 0, **{f"group_{group}": 0 for group in PARTICIPANT_BREAKDOWN}},
        events=Count("pk"),
        participants=_sum("participants_total"),
        joint_events=Count("pk", filter=Q(police_present=True)),
        **{f"group_{group}": _sum(f"participants_{group}") for group in PARTICIPANT_BREAKDOWN},
    )
    for counts in events.values():
        counts["participant_breakdown"] = _participant_breakdown(counts)
        for group in PARTICIPANT_BREAKDOWN:
            del counts[f"group_{group}"]
    occurred = _moment_window("occurred_at", start, end)
    resolved = _moment_window("closed_at", start, end) & Q(status=IncidentStatus.RESOLVED)
    # Open at the window's end, as incidents.open_at_end counts it (communities needing attention).
    end_moment = _day_start(end + timedelta(days=1))
    still_open = (Q(closed_at__isnull=True) | Q(closed_at__gte=end_moment)) & Q(occurred_at__lt=end_moment)
    incidents = grouped(
        Incident.objects.filter(occurred | resolved | still_open, _in_programme(), community__in=scope),
        {"incidents": 0, "police_involved": 0, "resolved": 0, "open_at_end": 0},
        incidents=Count("pk", filter=occurred),
        police_involved=Count("pk", filter=occurred & Q(police_involved=True)),
        resolved=Count("pk", filter=resolved),
        open_at_end=Count("pk", filter=still_open),
    )
    negotiators = {pk: {"negotiators": 0, "certified": 0} for pk in scope_ids} | _by_key(
        _negotiators_as_at(Negotiator.objects.filter(community__in=scope), end)
        .values("community_id")
        .annotate(
            negotiators=Count("pk", filter=Q(joined_on__lte=end, active_at_end=True)),
            certified=Count("pk", filter=Q(certified_on__lte=end)),
        )
        .order_by(),
        "community_id",
    )
    return {str(pk): events[pk] | incidents[pk] | media[pk] | negotiators[pk] for pk in scope_ids}


# --- safety planning ------------------------------------------------------------------------------

# An analysis is current for a year: a community "has a current analysis" at a moment if one was
# made in the 365 days up to it.
ANALYSIS_CURRENT_DAYS = 365


def _current_analyses(communities: ScopedCommunities, end: date) -> QuerySet[Analysis]:
    """Each community's latest analysis made in the :data:`ANALYSIS_CURRENT_DAYS` up to ``end``."""
    recent = Analysis.objects.filter(
        _in_programme(),
        community__in=communities,
        analysed_on__lte=end,
        analysed_on__gt=end - timedelta(days=ANALYSIS_CURRENT_DAYS),
    )
    latest = recent.filter(community=OuterRef("community")).order_by("-analysed_on", "-pk").values("pk")[:1]
    return recent.filter(pk=Subquery(latest))


def _plans_as_at(communities: ScopedCommunities, end: date) -> QuerySet[Any]:
    """The plans recorded by the end of ``end`` (their first status logged by then), each
    annotated with ``status_at_end``: the status of its last logged move by then.
    (Typed ``QuerySet[Any]``: django-stubs does not see the annotation.)"""
    logged = PlanStatusChange.objects.filter(_moment_window("at", None, end), plan=OuterRef("pk"))
    return (
        Plan.objects.filter(_in_programme(), community__in=communities)
        .annotate(status_at_end=Subquery(logged.order_by("-at", "-pk").values("to_status")[:1]))
        .filter(status_at_end__isnull=False)
    )


def _planning_figures(communities: ScopedCommunities, start: date | None, end: date) -> Raw:
    analyses = Analysis.objects.filter(_in_programme(), community__in=communities)
    current = _current_analyses(communities, end).aggregate(
        communities=Count("community", distinct=True), potential=Avg("conflict_potential")
    )
    # A few hundred plans at most: their status and kind are counted here rather than grouped by
    # a subquery's value, which not every database plans well.
    recorded = list(_plans_as_at(communities, end).order_by().values_list("status_at_end", "kind"))
    by_status = Counter(status for status, _kind in recorded)
    by_kind = Counter(kind for _status, kind in recorded)
    adopted_in_window = _date_window("adopted_on", start, end)
    adopted = Plan.objects.filter(_in_programme(), adopted_in_window, community__in=communities).aggregate(
        all=Count("pk"), **{f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in PlanKind.values}
    )
    due = Measure.objects.filter(
        _in_programme("plan__"),
        _date_window("due_on", start, end),
        plan__community__in=communities,
    ).exclude(status=MeasureStatus.DROPPED)
    measures = due.aggregate(
        due=Count("pk"), implemented=Count("pk", filter=Q(status=MeasureStatus.DONE, done_on__lte=end))
    )
    initiatives = Initiative.objects.filter(_in_programme(), _date_window("started_on", start, end))
    regulations = Regulation.objects.filter(_in_programme(), _date_window("adopted_on", start, end))
    potential = current["potential"]
    return {
        "analyses": analyses.filter(_date_window("analysed_on", start, end)).count(),
        "communities_with_current_analysis": current["communities"],
        "conflict_potential": round(float(potential), 2) if potential is not None else None,
        "plans": len(recorded),
        "plans_by_status": {status: by_status.get(status, 0) for status in PlanStatus.values},
        "plans_by_kind": {kind: by_kind.get(kind, 0) for kind in PlanKind.values},
        "plans_adopted": adopted["all"],
        "plans_adopted_by_kind": _keyed(adopted, "kind_", PlanKind.values),
        "strategies_adopted": adopted[f"kind_{PlanKind.SAFETY_STRATEGY}"],
        "measures_due": measures["due"],
        "measures_implemented": measures["implemented"],
        "measures_implemented_rate": _rate(measures["implemented"], measures["due"]),
        "initiatives_started": initiatives.filter(community__in=communities).count(),
        "regulations_adopted": regulations.filter(community__in=communities).count(),
    }


def _planning_rows(communities: ScopedCommunities, period: Period) -> dict[str, Raw]:
    """Per community: its latest analysis by the period's end (date, conflict potential, the risk
    matrix's counts) and its plans recorded by then with their status at the period's end."""
    latest = (
        Analysis.objects.filter(_in_programme(), community=OuterRef("community"), analysed_on__lte=period.end)
        .order_by("-analysed_on", "-pk")
        .values("pk")[:1]
    )
    analyses = Analysis.objects.filter(community__in=communities, pk=Subquery(latest)).values(
        "pk", "community_id", "analysed_on", "conflict_potential"
    )
    risks: dict[int, list[tuple[int, int]]] = {}
    for analysis_id, likelihood, impact in Risk.objects.filter(
        analysis__in=[row["pk"] for row in analyses]
    ).values_list("analysis_id", "likelihood", "impact"):
        risks.setdefault(analysis_id, []).append((likelihood, impact))
    rows: dict[str, Raw] = {}
    for row in analyses:
        placed = risks.get(row["pk"], [])
        rows[str(row["community_id"])] = {
            "analysis": {
                "analysed_on": row["analysed_on"].isoformat(),
                "conflict_potential": row["conflict_potential"],
                "risks": len(placed),
                "matrix": matrix_counts(placed),
            },
            "plans": [],
        }
    plans = (
        _plans_as_at(communities, period.end)
        .annotate(
            measures_count=Count("measures", distinct=True),
            measures_done=Count(
                "measures",
                filter=Q(measures__status=MeasureStatus.DONE, measures__done_on__lte=period.end),
                distinct=True,
            ),
        )
        .order_by("community_id", "starts_on", "pk")
        .values(
            "community_id",
            "title",
            "kind",
            "status_at_end",
            "adopted_on",
            "decision_number",
            "measures_count",
            "measures_done",
        )
    )
    for plan in plans:
        adopted_on = plan["adopted_on"] if plan["status_at_end"] in ADOPTED_STATUSES else None
        rows.setdefault(str(plan["community_id"]), {"analysis": None, "plans": []})["plans"].append(
            {
                "title": plan["title"],
                "kind": plan["kind"],
                "status": plan["status_at_end"],
                "adopted_on": adopted_on.isoformat() if adopted_on else None,
                "decision_number": plan["decision_number"] if adopted_on else "",
                "measures": plan["measures_count"],
                "measures_done": plan["measures_done"],
            }
        )
    return rows


def _snapshot(
    communities: ScopedCommunities, start: date | None, end: date, programme_wide: bool, module_codes: list[str]
) -> Raw:
    return {
        "communities": _community_figures(communities, start, end),
        "negotiators": _negotiator_figures(communities, start, end),
        "training": _training_figures(communities, start, end, programme_wide, module_codes),
        "events": _event_figures(communities, start, end),
        "webinars": _webinar_figures(communities, start, end),
        "incidents": _incident_figures(communities, start, end),
        "media": _media_figures(communities, start, end, programme_wide),
        "engagements": _engagement_figures(communities, start, end),
        "planning": _planning_figures(communities, start, end),
        "casework": _casework_figures(communities, start, end),
        "by_community": _per_community_figures(communities, start, end),
    }


# --- putting current, previous and to-date side by side ------------------------------------------


def _change(current: Any, previous: Any) -> Any:
    if current is None or previous is None:
        return None
    change = current - previous
    return round(change, 4) if isinstance(change, float) else change


def figure(current: Any, previous: Any, to_date: Any) -> Raw:
    """The shape of every figure: ``{"current", "previous", "change", "to_date"}``."""
    return {"current": current, "previous": previous, "change": _change(current, previous), "to_date": to_date}


def _merge(current: Any, previous: Any, to_date: Any) -> Any:
    if isinstance(current, dict):
        return {key: _merge(value, previous.get(key), to_date.get(key)) for key, value in current.items()}
    return figure(current, previous, to_date)


# --- safety assessments ---------------------------------------------------------------------------

SCORES = (*ASSESSMENT_DIMENSIONS, "overall")
Moment = Literal["current", "previous", "baseline"]
MOMENTS: tuple[Moment, ...] = ("current", "previous", "baseline")


def _first_instrument_q(prefix: str = "") -> Q:
    """Assessments made with the first instrument (``FIRST_INSTRUMENT``)."""
    code, version = FIRST_INSTRUMENT
    return Q(**{f"{prefix}instrument__code": code, f"{prefix}instrument__version": version})


def _score_float() -> Cast:
    return Cast("value", FloatField())


def _score_of(assessment: Any, dimension: AssessmentDimension | str) -> Subquery:
    """One assessment's score on ``dimension`` (a row, or the first instrument's code) as a float;
    null where it has none (``assessment``: a reference to its pk)."""
    on = {"dimension": dimension} if isinstance(dimension, AssessmentDimension) else {"dimension__code": dimension}
    score = AssessmentScore.objects.filter(assessment=assessment, **on).order_by()
    return Subquery(score.annotate(score=_score_float()).values("score")[:1], output_field=FloatField())


def _mean_of(scores: list[Any]) -> ExpressionWrapper[CombinedExpression]:
    """The mean of an assessment's scores (null if one is missing): their sum in the dimensions'
    order divided by their number, the arithmetic of the seven columns before instruments."""
    total = scores[0]
    for score in scores[1:]:
        total = total + score
    return ExpressionWrapper(total / Value(float(len(scores))), output_field=FloatField())


def _assessment_windows(period: Period) -> dict[str, tuple[Q, bool]]:
    """Which assessment stands for each moment: each community's latest in the period (current),
    its latest in the previous period (previous) and its first up to the period's end (baseline)."""
    up_to_end = Q(year__lt=period.year) | Q(year=period.year, half__lte=period.last_half)
    return {
        "current": (period.assessment_q(), False),
        "previous": (period.previous().assessment_q(), False),
        "baseline": (up_to_end, True),
    }


def _order(earliest: bool) -> list[str]:
    return ["year", "half"] if earliest else ["-year", "-half"]


def _picked_assessments(
    communities: ScopedCommunities, within: Q, earliest: bool, per_instrument: bool = False
) -> QuerySet[SafetyAssessment]:
    """Each community's latest (or first) assessment ``within``; ``per_instrument``: its latest
    (or first) of each instrument, so that a moment never compares two instruments."""
    within &= _in_programme()
    same = {"instrument": OuterRef("instrument")} if per_instrument else {}
    pick = SafetyAssessment.objects.filter(within, community=OuterRef("community"), **same).order_by(*_order(earliest))
    return SafetyAssessment.objects.filter(within, community__in=communities, pk=Subquery(pick.values("pk")[:1]))


def _round_score(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _score_row(values: dict[str, float | None]) -> Score:
    current, previous, baseline = (_round_score(values[moment]) for moment in MOMENTS)
    return {
        "current": current,
        "previous": previous,
        "change": _change(current, previous),
        "baseline": baseline,
        "change_since_baseline": _change(current, baseline),
    }


def _instrument_figures(communities: ScopedCommunities, windows: dict[str, tuple[Q, bool]]) -> list[Raw]:
    """One entry per instrument with assessments in scope by the period's end: per dimension the
    mean score over the communities assessed with it and their number, now, before and at the
    baseline, each moment taking a community's latest (first) assessment *of that instrument*."""
    in_scope = SafetyAssessment.objects.filter(windows["baseline"][0], _in_programme(), community__in=communities)
    instruments: dict[int, tuple[AssessmentInstrument, list[AssessmentDimension]]] = {}
    for dimension in (
        AssessmentDimension.objects.filter(instrument__in=in_scope.values("instrument"))
        .select_related("instrument")
        .order_by("instrument__code", "instrument__version", "position", "code")
    ):
        instruments.setdefault(dimension.instrument_id, (dimension.instrument, []))[1].append(dimension)
    if not instruments:
        return []
    by_dimension: dict[str, dict[int, Raw]] = {}
    by_instrument: dict[str, dict[int, Raw]] = {}
    for moment, (within, earliest) in windows.items():
        # A column per dimension (of every instrument): a row's score on it, or null. Averaged over
        # the picked rows as the seven columns were before instruments (the same sums, in the same
        # order, so the first instrument's figures came out of the migration to the last digit).
        picked = _picked_assessments(communities, within, earliest, per_instrument=True).annotate(
            **{
                f"d{dimension.pk}": _score_of(OuterRef("pk"), dimension)
                for _instrument, dimensions in instruments.values()
                for dimension in dimensions
            }
        )
        aggregates: dict[str, Aggregate] = {}
        for instrument, dimensions in instruments.values():
            for dimension in dimensions:
                aggregates[f"mean_d{dimension.pk}"] = Avg(f"d{dimension.pk}")
                aggregates[f"count_d{dimension.pk}"] = Count(f"d{dimension.pk}")
            aggregates[f"mean_i{instrument.pk}"] = Avg(
                _mean_of([F(f"d{dimension.pk}") for dimension in dimensions]), filter=Q(instrument=instrument.pk)
            )
            aggregates[f"count_i{instrument.pk}"] = Count("pk", filter=Q(instrument=instrument.pk))
        values = picked.aggregate(**aggregates)
        by_dimension[moment] = {
            dimension.pk: {"mean": values[f"mean_d{dimension.pk}"], "assessed": values[f"count_d{dimension.pk}"]}
            for _instrument, dimensions in instruments.values()
            for dimension in dimensions
        }
        by_instrument[moment] = {
            pk: {"mean": values[f"mean_i{pk}"], "assessed": values[f"count_i{pk}"]} for pk in instruments
        }

    def moments(rows: dict[str, dict[int, Raw]], key: int, value: str) -> dict[str, Any]:
        return {moment: rows[moment].get(key, {}).get(value) for moment in MOMENTS}

    entries = []
    for instrument, dimensions in instruments.values():
        comparable = len({(d.scale_min, d.scale_max, d.direction) for d in dimensions}) == 1
        assessed = moments(by_instrument, instrument.pk, "assessed")
        entries.append(
            {
                "code": instrument.code,
                "version": instrument.version,
                "name": instrument.name,
                "first": (instrument.code, instrument.version) == FIRST_INSTRUMENT,
                "communities_assessed": {moment: assessed[moment] or 0 for moment in MOMENTS},
                "dimensions": [
                    {
                        "code": dimension.code,
                        "name": dimension.localized_name(),
                        "group": dimension.group,
                        "scale": {"min": float(dimension.scale_min), "max": float(dimension.scale_max)},
                        "direction": dimension.direction,
                        "score": _score_row(moments(by_dimension, dimension.pk, "mean")),
                        "communities": {
                            moment: count or 0
                            for moment, count in moments(by_dimension, dimension.pk, "assessed").items()
                        },
                    }
                    for dimension in dimensions
                ],
                "overall": _score_row(moments(by_instrument, instrument.pk, "mean")) if comparable else None,
            }
        )
    return entries


def _first_instrument_dimensions(instruments: list[Raw]) -> dict[str, Score]:
    """The first instrument's scores under their codes and ``overall`` (the document's keys from
    before instruments existed): every score ``None`` where it has no assessment in scope."""
    empty = _score_row(dict.fromkeys(MOMENTS))
    first = next((entry for entry in instruments if entry["first"]), None)
    found = {} if first is None else {dimension["code"]: dimension["score"] for dimension in first["dimensions"]}
    if first is not None and first["overall"] is not None:
        found["overall"] = first["overall"]
    return {name: found.get(name, dict(empty)) for name in SCORES}


def _community_scores(communities: ScopedCommunities, windows: dict[str, tuple[Q, bool]]) -> dict[str, Raw]:
    """Per community, its first-instrument scores now, before and at its baseline, and when and by
    how many its latest assessment (of that instrument) in the period was answered.

    Each moment's assessments come in one query, ordered so that a community's picked one
    (latest, or first for the baseline) comes first, and their scores in one more: a correlated
    subquery per community, moment and dimension took tens of seconds at national scale. The
    scores are summed in the dimensions' order as floats, as the database did (``_mean_of``)."""
    picked: dict[str, dict[int, Raw]] = {}
    for moment, (within, earliest) in windows.items():
        rows = (
            SafetyAssessment.objects.filter(within, _in_programme(), _first_instrument_q(), community__in=communities)
            .order_by("community_id", *_order(earliest))
            .values("pk", "community_id", "year", "half", "respondents")
        )
        picked[moment] = {}
        for row in rows:
            picked[moment].setdefault(row["community_id"], dict(row))
    assessments = {row["pk"] for rows in picked.values() for row in rows.values()}
    scores: dict[int, dict[str, float]] = {}
    for assessment, code, score in AssessmentScore.objects.filter(
        assessment__in=assessments, dimension__code__in=ASSESSMENT_DIMENSIONS
    ).values_list("assessment_id", "dimension__code", "value"):
        scores.setdefault(assessment, {})[code] = float(score)
    found = {}
    for pk in Community.objects.filter(pk__in=communities.values("pk")).order_by().values_list("pk", flat=True):
        values: dict[str, dict[str, float | None]] = {name: {} for name in SCORES}
        for moment in MOMENTS:
            chosen = picked[moment].get(pk)
            own = scores.get(chosen["pk"], {}) if chosen else {}
            dimensions = [own.get(name) for name in ASSESSMENT_DIMENSIONS]
            for name, value in zip(ASSESSMENT_DIMENSIONS, dimensions, strict=True):
                values[name][moment] = value
            present = [value for value in dimensions if value is not None]
            values["overall"][moment] = None
            if present and len(present) == len(dimensions):
                total = present[0]
                for value in present[1:]:  # left to right, as the database added them
                    total += value
                values["overall"][moment] = total / float(len(dimensions))
        current = picked["current"].get(pk)
        found[str(pk)] = {
            "assessed": f"{current['year']}-H{current['half']}" if current else None,
            "respondents": current["respondents"] if current else None,
            "scores": {name: _score_row(values[name]) for name in SCORES},
        }
    return found


def _assessments(communities: ScopedCommunities, period: Period) -> Raw:
    """The safety assessments of ``communities``: how many were assessed (with any instrument) and
    by how many respondents, now, before and at the baseline; per instrument, each dimension's
    mean score over the communities assessed with it (``instruments``); the first instrument's
    scores also under the document's older keys (``dimensions``, with ``overall``), and per
    community.

    Each score is on its own dimension's scale (1 to 5 for the first instrument; see each
    dimension's ``scale`` and ``direction``) and is compared only with scores of the same
    dimension of the same instrument version: a community's baseline is its first assessment
    with that instrument, never one made with another. ``overall`` (the mean of an assessment's
    scores, averaged over the communities) exists only for an instrument whose dimensions share
    one scale and one direction; otherwise it is ``None``."""
    windows = _assessment_windows(period)
    counts = {}
    for moment, (within, earliest) in windows.items():
        counts[moment] = _picked_assessments(communities, within, earliest).aggregate(
            assessed=Count("pk"), total_respondents=_sum("respondents")
        )
    instruments = _instrument_figures(communities, windows)
    dimensions = _first_instrument_dimensions(instruments)
    for entry in instruments:
        del entry["first"]
    return {
        "communities_assessed": {moment: counts[moment]["assessed"] for moment in MOMENTS},
        "respondents": {moment: counts[moment]["total_respondents"] for moment in MOMENTS},
        "dimensions": dimensions,
        "instruments": instruments,
        "by_community": _community_scores(communities, windows),
    }


# --- communities, their partnership and their negotiators -----------------------------------------


def _community_rows(communities: ScopedCommunities, period: Period) -> list[Raw]:
    """Name, region and partnership status at the period's end of every community in scope."""
    latest = Partnership.objects.filter(community=OuterRef("pk"), joined_on__lte=period.end).order_by("-joined_on")
    rows = (
        Community.objects.filter(pk__in=communities.values("pk"))
        .annotate(
            joined_on=Subquery(latest.values("joined_on")[:1]),
            left_on=Subquery(latest.values("left_on")[:1]),
            leave_reason=Subquery(latest.values("leave_reason")[:1]),
        )
        .order_by("region__name", "name", "pk")
        .values(
            "pk",
            "name",
            "region__name",
            "region__country",
            "kind",
            "population",
            "joined_on",
            "left_on",
            "leave_reason",
        )
    )
    result = []
    for row in rows:
        if row["joined_on"] is None:
            status = "never"
        elif row["left_on"] is not None and row["left_on"] <= period.end:
            status = "left"
        else:
            status = "active"
        result.append(
            {
                "id": row["pk"],
                "name": row["name"],
                "region": row["region__name"],
                "country": row["region__country"],
                "kind": row["kind"],
                "population": row["population"],
                "partnership": {
                    "status": status,
                    "joined_on": row["joined_on"].isoformat() if row["joined_on"] else None,
                    "left_on": row["left_on"].isoformat() if status == "left" else None,
                    "leave_reason": row["leave_reason"] if status == "left" else "",
                },
            }
        )
    return result


def _negotiator_activity(communities: ScopedCommunities, period: Period) -> dict[str, list[Raw]]:
    """Per community, its negotiators without names (numbered within the community): cohort,
    status, events organised and incidents in charge in the period and to date.

    Each count is one GROUP BY over its table (a correlated subquery per negotiator is much slower
    on a million incidents); the rows are then put together by negotiator."""
    negotiators = Negotiator.objects.filter(community__in=communities, joined_on__lte=period.end)
    Organising = OutreachEvent.organisers.through
    events = _by_key(
        Organising.objects.filter(
            _in_programme("outreachevent__"),
            _held("outreachevent__"),
            negotiator__in=negotiators,
            outreachevent__date__lte=period.end,
        )
        .values("negotiator_id")
        .annotate(
            events_organised=Count("pk", filter=Q(outreachevent__date__gte=period.start)),
            events_organised_to_date=Count("pk"),
        ),
        "negotiator_id",
    )
    incidents = _by_key(
        Incident.objects.filter(
            _moment_window("occurred_at", None, period.end), _in_programme(), negotiator__in=negotiators
        )
        .values("negotiator_id")
        .annotate(
            incidents_in_charge=Count("pk", filter=_moment_window("occurred_at", period.start, period.end)),
            incidents_in_charge_to_date=Count("pk"),
        ),
        "negotiator_id",
    )
    rows = (
        _negotiators_as_at(negotiators, period.end)
        .annotate(number=Window(RowNumber(), partition_by=[F("community_id")], order_by=[F("pk").asc()]))
        .order_by("community_id", "pk")
        .values("pk", "community_id", "number", "cohort", "status", "active_at_end")
    )
    zero_events = {"events_organised": 0, "events_organised_to_date": 0}
    zero_incidents = {"incidents_in_charge": 0, "incidents_in_charge_to_date": 0}
    activity: dict[str, list[Raw]] = {}
    for row in cast("Iterable[Raw]", rows):
        negotiator = row.pop("pk")
        row["is_active"] = row.pop("active_at_end")
        row |= events.get(negotiator, zero_events) | incidents.get(negotiator, zero_incidents)
        activity.setdefault(str(row.pop("community_id")), []).append(row)
    return activity


def _by_key(rows: Iterable[Any], key: str) -> dict[int, Raw]:
    return {row.pop(key): row for row in rows}


def _earliest_record(communities: ScopedCommunities, programme_wide: bool) -> date | None:
    """The date of the first record in scope (a partnership, a negotiator, a held event, an
    incident, or for the whole programme a School session), or None without any."""
    dates = [
        Partnership.objects.filter(community__in=communities).aggregate(d=Min("joined_on"))["d"],
        Negotiator.objects.filter(community__in=communities).aggregate(d=Min("joined_on"))["d"],
        OutreachEvent.objects.filter(_held(), _in_programme(), community__in=communities).aggregate(d=Min("date"))["d"],
    ]
    first_incident = Incident.objects.filter(_in_programme(), community__in=communities).aggregate(
        d=Min("occurred_at")
    )["d"]
    if first_incident is not None:
        dates.append(first_incident.astimezone(_zone()).date())
    if programme_wide:
        dates.append(TrainingSession.objects.filter(_in_programme()).aggregate(d=Min("starts_on"))["d"])
    dates = [day for day in dates if day is not None]
    return min(dates) if dates else None


def first_record(
    *, communities: QuerySet[Community], programme_wide: bool = False, programme: Programme | None = None
) -> date | None:
    """The date of the first record in the scope :func:`compute_indicators` would be given (the
    same arguments), or None when nothing is recorded in it: a period that ends before it has
    nothing to report (:func:`reports.services.report_check_request` refuses it)."""
    if programme is not None:
        communities = communities.filter(
            pk__in=Participation.objects.filter(programme=programme).values("community_id")
        )
    token = _programme_scope.set(programme)
    try:
        return _earliest_record(communities, programme_wide)
    finally:
        _programme_scope.reset(token)


# --- per community: the latest assessment's notes; the data-quality page ------------------------


def _latest_assessments(communities: ScopedCommunities, period: Period) -> dict[str, Raw]:
    """Per community, its latest safety assessment (any instrument) up to the period's end: when,
    by how many respondents and how they were surveyed, and the risks and resources it recorded.
    One query, ordered so that each community's latest comes first."""
    up_to_end = Q(year__lt=period.year) | Q(year=period.year, half__lte=period.last_half)
    rows = (
        SafetyAssessment.objects.filter(up_to_end, _in_programme(), community__in=communities)
        .order_by("community_id", "-year", "-half", "-pk")
        .values("community_id", "year", "half", "respondents", "method", "identified_risks", "safety_resources")
    )
    latest: dict[str, Raw] = {}
    for row in rows:
        key = str(row["community_id"])
        if key not in latest:
            latest[key] = {
                "assessed": f"{row['year']}-H{row['half']}",
                "respondents": row["respondents"],
                "method": row["method"],
                "identified_risks": row["identified_risks"],
                "safety_resources": row["safety_resources"],
            }
    return latest


def _data_quality(communities: ScopedCommunities, period: Period, merged: Raw) -> Raw:
    """What a reader needs to weigh the period's figures: each assessment of the period with its
    respondents and survey method, those below ``settings.REPORT_MIN_RESPONDENTS``, and what was
    not recorded. Plain values for the period, not figures; counted with a few grouped queries
    (the parties' and the participants' from the figures already computed)."""
    threshold = int(settings.REPORT_MIN_RESPONDENTS)
    assessments = [
        {
            "community": row["community_id"],
            "name": row["community__name"],
            "assessed": f"{row['year']}-H{row['half']}",
            "instrument": f"{row['instrument__code']} v{row['instrument__version']}",
            "respondents": row["respondents"],
            "method": row["method"],
            "small_sample": row["respondents"] < threshold,
        }
        for row in SafetyAssessment.objects.filter(period.assessment_q(), _in_programme(), community__in=communities)
        .order_by("community__region__name", "community__name", "community_id", "year", "half")
        .values(
            "community_id",
            "community__name",
            "year",
            "half",
            "instrument__code",
            "instrument__version",
            "respondents",
            "method",
        )
    ]
    methods = Counter(row["method"] or NOT_RECORDED for row in assessments)
    places = Community.objects.filter(pk__in=communities.values("pk")).aggregate(
        total=Count("pk"),
        without_location=Count("pk", filter=Q(latitude__isnull=True) | Q(longitude__isnull=True)),
        without_population=Count("pk", filter=Q(population__isnull=True)),
    )
    events = OutreachEvent.objects.filter(
        _date_window("date", period.start, period.end), _held(), _in_programme(), community__in=communities
    ).aggregate(
        total=Count("pk"),
        without_breakdown=Count(
            "pk",
            filter=Q(participants_total__gt=0, **{f"participants_{group}": 0 for group in PARTICIPANT_BREAKDOWN}),
        ),
    )
    parties = merged["incidents"]["people_involved"]
    negotiators = merged["negotiators"]["by_sex"][NOT_RECORDED]
    return {
        "min_respondents": threshold,
        "assessments": assessments,
        "small_samples": sum(1 for row in assessments if row["small_sample"]),
        "respondents": sum(row["respondents"] for row in assessments),
        "methods": {method: methods[method] for method in [*SurveyMethod.values, NOT_RECORDED] if methods[method]},
        "not_recorded": {
            "participants": merged["events"]["participants"]["current"],
            "participants_without_sex": merged["events"]["participant_breakdown"][NOT_RECORDED]["current"],
            "events": events["total"],
            "events_without_breakdown": events["without_breakdown"],
            "people_involved": parties["total"]["current"],
            "people_involved_without_sex": parties["by_sex"][NOT_RECORDED]["current"],
            "people_involved_without_age_group": parties["by_age_group"][NOT_RECORDED]["current"],
            "negotiators": sum(figure["current"] for figure in merged["negotiators"]["by_sex"].values()),
            "negotiators_without_sex": negotiators["current"],
            "communities": places["total"],
            "communities_without_location": places["without_location"],
            "communities_without_population": places["without_population"],
        },
    }


# Basic modules first, then advanced, each in their order.
MODULE_ORDER = (Case(When(level=ModuleLevel.BASIC, then=Value(0)), default=Value(1)), "order", "code")


def _modules() -> list[Raw]:
    """The School's catalogue in order, each title in the active language (the Ukrainian one where
    staff entered none)."""
    return [
        {"code": module.code, "title": module.localized_title(), "level": module.level, "hours": module.hours}
        for module in TrainingModule.objects.order_by(*MODULE_ORDER).only(
            "code", "title", *(f"title_{language}" for language in TITLE_LANGUAGES), "level", "hours"
        )
    ]


# --- the public entry point -----------------------------------------------------------------------

# The figures a summary shows first: (key, section, figure).
HEADLINE = (
    ("communities_active", "communities", "active"),
    ("negotiators", "negotiators", "registered_at_end"),
    ("negotiators_certified", "negotiators", "certified"),
    ("negotiators_advanced", "negotiators", "advanced"),
    ("modules_delivered", "training", "modules_delivered"),
    ("training_sessions", "training", "sessions"),
    ("events", "events", "count"),
    ("participants", "events", "participants"),
    ("joint_events_with_police", "events", "with_police"),
    ("incidents_reported", "incidents", "reported"),
    ("incidents_resolved", "incidents", "resolved"),
    ("resolution_rate", "incidents", "resolution_rate"),
    ("median_days_to_resolution", "incidents", "median_days_to_resolution"),
    ("media_mentions", "media", "mentions"),
    ("media_reach", "media", "reach"),
    ("engagements_opened", "engagements", "opened"),
)


# Which way a figure should move, by its dotted path (``section.figure``): "higher" or "lower" is
# better. A figure not listed is neutral: neither way is good news in itself (more incidents reported
# may mean more trust in reporting as well as more trouble; more cases opened, more need or more
# reach). The PDF colours and words a change by it; the API gives it beside each headline figure.
BETTER: dict[str, str] = {
    "communities.active": "higher",
    "communities.partners_at_end": "higher",
    "communities.joined": "higher",
    "communities.left": "lower",
    "negotiators.registered_at_end": "higher",
    "negotiators.joined": "higher",
    "negotiators.trained": "higher",
    "negotiators.certified": "higher",
    "negotiators.advanced": "higher",
    "training.sessions": "higher",
    "training.modules_delivered": "higher",
    "training.hours": "higher",
    "training.present": "higher",
    "training.completed": "higher",
    "training.attendance_rate": "higher",
    "events.count": "higher",
    "events.participants": "higher",
    "events.communities_reached": "higher",
    "events.with_police": "higher",
    "events.with_local_government": "higher",
    "events.with_ngos": "higher",
    "webinars.attendance_rate": "higher",
    "webinars.feedback_score": "higher",
    "incidents.resolved": "higher",
    "incidents.closed_unresolved": "lower",
    "incidents.resolution_rate": "higher",
    "incidents.median_days_to_resolution": "lower",
    "incidents.open_at_end": "lower",
    "police.joint_events": "higher",
    "police.joint_event_participants": "higher",
    "police.police_community_incidents": "lower",
    "media.mentions": "higher",
    "media.reach": "higher",
    "engagements.implementation_rate": "higher",
    "planning.communities_with_current_analysis": "higher",
    "planning.conflict_potential": "lower",
    "planning.strategies_adopted": "higher",
    "planning.plans_adopted": "higher",
    "planning.measures_implemented": "higher",
    "planning.measures_implemented_rate": "higher",
    "planning.initiatives_started": "higher",
    "planning.regulations_adopted": "higher",
    "casework.referral_completion_rate": "higher",
    "casework.median_days_to_completion": "lower",
    "casework.goals_met_rate": "higher",
    "casework.agreement_items_kept_rate": "higher",
    "casework.overdue_tasks": "lower",
}

# The rates that carry their exact parts, by dotted path: (numerator, denominator), sibling figures
# of the same section. A reader (the PDF) rounds the exact fraction once, rather than the ratio the
# API rounds to four places (33 of 49 is 67.3 %, while 0.6735 would print as 67.4 %). The case-work
# rates are left out: their parts may be hidden as small cells.
RATE_PARTS: dict[str, tuple[str, str]] = {
    "incidents.resolution_rate": ("resolved", "closed"),
    "training.attendance_rate": ("present", "enrolled"),
    "webinars.attendance_rate": ("attended", "registrations"),
    "planning.measures_implemented_rate": ("measures_implemented", "measures_due"),
}
PART_MOMENTS = ("current", "previous", "to_date")


def _headline_snapshot(
    communities: ScopedCommunities, start: date, end: date, programme_wide: bool, module_codes: list[str]
) -> Raw:
    """The sections :data:`HEADLINE` draws on, and only those, for one window (the same period a
    year before): a half-year report costs a part of one snapshot more, not a whole one."""
    sections = {
        "communities": lambda: _community_figures(communities, start, end),
        "negotiators": lambda: _negotiator_figures(communities, start, end),
        "training": lambda: _training_figures(communities, start, end, programme_wide, module_codes),
        "events": lambda: _event_figures(communities, start, end),
        "incidents": lambda: _incident_figures(communities, start, end),
        "media": lambda: _media_figures(communities, start, end, programme_wide),
        "engagements": lambda: _engagement_figures(communities, start, end),
    }
    needed = dict.fromkeys(section for _key, section, _name in HEADLINE)
    return {section: sections[section]() for section in needed}


def _headline(merged: Raw, year_before: Raw) -> list[Raw]:
    """The headline figures, each with the same period a year before (``year_before``) and the
    change since (``change_year_before``); a rate's exact parts carry the year before too."""
    rows = []
    for key, section, name in HEADLINE:
        row = {"key": key, **merged[section][name], "better": better_of(f"{section}.{name}")}
        earlier = year_before[section][name]
        row["year_before"] = earlier
        row["change_year_before"] = _change(row["current"], earlier)
        parts = RATE_PARTS.get(f"{section}.{name}")
        if parts is not None:
            numerator, denominator = parts
            row["numerator"] = {**row["numerator"], "year_before": year_before[section][numerator]}
            row["denominator"] = {**row["denominator"], "year_before": year_before[section][denominator]}
        rows.append(row)
    return rows


def better_of(path: str) -> str | None:
    """``"higher"``, ``"lower"`` or ``None`` (neutral) for the figure at ``path`` (see :data:`BETTER`)."""
    return BETTER.get(path)


def _add_rate_parts(merged: Raw) -> None:
    for path, (numerator, denominator) in RATE_PARTS.items():
        section, name = path.split(".")
        figures = merged[section]
        figures[name]["numerator"] = {moment: figures[numerator][moment] for moment in PART_MOMENTS}
        figures[name]["denominator"] = {moment: figures[denominator][moment] for moment in PART_MOMENTS}


def compute_indicators(
    *,
    period: Period,
    communities: QuerySet[Community],
    programme_wide: bool = False,
    programme: Programme | None = None,
    module_codes: list[str] | None = None,
) -> IndicatorsDocument:
    """All monitoring indicators of ``communities`` for ``period``.

    ``communities`` is any queryset of communities (already scoped to who asks, e.g. from
    :func:`reports.selectors.scope_communities`). ``programme_wide`` adds what belongs to the whole
    programme rather than to a community: media mentions without a community and every School
    session (otherwise only sessions hosted in, or attended from, the communities count).
    ``programme`` narrows it to one programme: the communities are those of ``communities`` taking
    part in it (at any time), and every activity record counted (events, sessions, incidents,
    assessments, engagements, media mentions) is attributed to it.

    Returns a JSON-serialisable dict::

        {
          "period": {"code": "2025", "start": "2025-01-01", "end": "2025-12-31"},
          "previous_period": {"code": "2024", ...},
          "year_before_period": {"code": "2024", ...},  # the same period a year before
          "to_date": {"start": "2023-03-01" | None, "end": "2025-12-31"},
          "scope": {"communities": 26, "programme_wide": True},
          "modules": [{"code", "title", "level", "hours"}, ...],  # title in the active language
          "headline": [{"key": "events", "current", "previous", "change", "to_date",
                        "year_before", "change_year_before",
                        "better": "higher"|"lower"|None}, ...],
          "communities": {"active", "partners_at_end", "joined", "left", "left_by_reason": {reason: F}},
          "negotiators": {"registered_at_end", "joined", "trained", "certified", "advanced",
                          "by_cohort": {"pilot": F, "new": F}, "certified_by_cohort": {"pilot": F, "new": F},
                          "by_sex": {"female"|"male"|"not_recorded": F}, "certified_by_sex": {...same...}},
          "training": {"sessions", "modules_delivered", "hours", "enrolled", "present", "completed",
                       "attendance_rate", "by_module": {code: {"sessions", "present", "completed"}}},
          "events": {"count", "participants", "participant_breakdown": {women|men|youth|idps|veterans|
                     vulnerable|not_recorded: F}, "communities_reached", "with_police", "participants_with_police",
                     "with_local_government", "with_ngos",
                     "by_kind": {kind: {"events": F, "participants": F}}, "by_topic": {topic: F}},
          "webinars": {"events", "registrations", "attended", "attendance_rate", "unique_participants",
                       "communities_reached", "oblasts_reached", "attendees_by_role": {role: F},
                       "questions", "materials_sent", "feedback_score", "feedback_count"},
          "incidents": {"reported", "by_category": {category: F}, "by_severity": {"1".."4": F},
                        "by_status_now": {status: F}, "by_category_status_now": {category: {status: F}},
                        "police_involved", "police_community", "closed", "resolved", "referred",
                        "closed_unresolved", "resolution_rate",
                        "median_days_to_resolution", "referrals_by_agency": {agency: F}, "open_at_end",
                        "people_involved": {"total": F, "by_sex": {sex|"not_recorded": F},
                                    "by_age_group": {group|"not_recorded": F},
                                    "by_vulnerable_group": {group|"none"|"not_recorded": F}}},
          "media": {"mentions", "reach", "by_medium": {medium: {"mentions": F, "reach": F}}},
          "engagements": {"opened", "closed", "running", "opened_by_mode": {mode: F},
                          "opened_by_topic": {topic: F}, "closed_by_topic": {topic: F},
                          "activities", "hours",
                          "activities_by_line": {line: {"activities": F, "hours": F}},
                          "activities_by_mode": {mode: {"activities": F, "hours": F}},
                          "activities_by_step": {step: F}, "mediation_sessions",
                          "recommendations_made", "recommendations_implemented",
                          "recommendations_rejected", "implementation_rate"},
          "planning": {"analyses", "communities_with_current_analysis", "conflict_potential": M,
                       "plans", "plans_by_status": {status: F}, "plans_by_kind": {kind: F},
                       "plans_adopted", "plans_adopted_by_kind": {kind: F}, "strategies_adopted",
                       "measures_due", "measures_implemented", "measures_implemented_rate": M,
                       "initiatives_started", "regulations_adopted"},
          "casework": {"opened", "active_at_end", "closed", "closed_by_outcome": {outcome: F},
                       "people", "people_by_sex": {sex: F}, "people_by_age_group": {group: F},
                       "people_by_vulnerability": {vulnerability: F}, "cases_assessed",
                       "needs_by_domain": {domain: F}, "referrals_sent", "referrals_ended",
                       "referrals_completed", "referrals_declined", "referrals_no_answer",
                       "referral_completion_rate", "median_days_to_completion",
                       "referrals_by_agency_kind": {kind: {"sent", "ended", "completed", "declined",
                                                           "no_answer", "completion_rate",
                                                           "median_days_to_completion"}},
                       "goals_set", "goals_met", "goals_met_rate", "agreement_items_checked",
                       "agreement_items_kept", "agreement_items_kept_rate", "overdue_tasks",
                       "overdue_tasks_by_kind": {kind: F}},
          "police": {"joint_events", "joint_event_participants", "incidents_police_involved",
                     "police_community_incidents", "referrals_to_police", "trust_in_police": S,
                     "police_interaction": S},
          "assessments": {"communities_assessed": {"current", "previous", "baseline"},
                          "respondents": {...same...},
                          "dimensions": {dimension|"overall": S},  # the first instrument's
                          "instruments": [{"code", "version", "name",
                                           "communities_assessed": {"current", "previous", "baseline"},
                                           "dimensions": [{"code", "name", "group",
                                                           "scale": {"min", "max"},
                                                           "direction": "higher"|"lower", "score": S,
                                                           "communities": {"current", "previous",
                                                                           "baseline"}}],
                                           "overall": S | None}]},
          "community_rows": [{"id", "name", "region", "country", "kind", "population",
                              "partnership": {"status": "active"|"left"|"never", "joined_on",
                                              "left_on", "leave_reason"},
                              "figures": {"events", "participants", "joint_events", "incidents",
                                          "police_involved", "resolved", "open_at_end",
                                          "media_mentions", "negotiators", "certified": F,
                                          "participant_breakdown": {group|"not_recorded": F}},
                              "assessment": {"assessed": "2025-H2"|None, "respondents",
                                             "scores": {dimension|"overall": S}},
                              "negotiators": [{"number", "cohort", "status", "is_active",
                                               "events_organised", "events_organised_to_date",
                                               "incidents_in_charge", "incidents_in_charge_to_date"}],
                              "latest_assessment": {"assessed", "respondents", "method",
                                                    "identified_risks", "safety_resources"} | None,
                              "planning": {"analysis": {"analysed_on", "conflict_potential", "risks",
                                                        "matrix": [[int] * 5] * 5} | None,
                                           "plans": [{"title", "kind", "status", "adopted_on",
                                                      "decision_number", "measures",
                                                      "measures_done"}]}}],
          "webinar_rows": [{"id", "title", "date", "kind", "series", "part", "parts", "registrations",
                            "attended", "attendance_rate", "questions", "communities_reached",
                            "oblasts_reached", "feedback_score", "feedback_count"}],
          "engagement_rows": [{"id", "community", "community_name", "mode", "topic", "starts_on",
                               "ends_on", "follows",
                               "activities": [{"line", "step", "date", "hours", "mediators"}],
                               "recommendations": [{"line", "text", "made_on", "status",
                                                    "status_on"}]}],
          "data_quality": {"min_respondents", "respondents", "small_samples",
                           "assessments": [{"community", "name", "assessed", "instrument",
                                            "respondents", "method", "small_sample"}],
                           "methods": {method|"not_recorded": int},
                           "not_recorded": {"participants", "participants_without_sex", "events",
                                            "events_without_breakdown", "people_involved",
                                            "people_involved_without_sex",
                                            "people_involved_without_age_group",
                                            "negotiators", "negotiators_without_sex", "communities",
                                            "communities_without_location",
                                            "communities_without_population"}},
        }

    where every ``F`` is ``{"current", "previous", "change", "to_date"}`` (the period, the previous
    period, current minus previous, and cumulative from the earliest record to the period's end;
    stock figures such as ``registered_at_end`` are the same in ``current`` and ``to_date``) and
    every ``S`` is a score ``{"current", "previous", "change", "baseline", "change_since_baseline"}``.
    The rates of :data:`RATE_PARTS` (e.g. ``incidents.resolution_rate``) also carry their exact
    ``numerator`` and ``denominator``, each ``{"current", "previous", "to_date"}``; a headline figure
    says which way is ``better`` (:data:`BETTER`). A headline figure also carries the same period
    one year earlier (``year_before``: 2025-H1 -> 2024-H1; for a year, the previous year) and
    ``change_year_before`` (current minus it); only the headline's sections are computed for that
    window, and for a year it is the previous period's snapshot, at no cost. A headline rate's
    ``numerator`` and ``denominator`` carry ``year_before`` too.
    Rates are fractions (0..1), medians days; a figure without data is ``None``. Scores are on their
    dimension's own scale (1..5 for the first instrument, the one ``dimensions`` and the community
    rows show) and compared only within one instrument version (see :func:`_assessments`).
    Only held events count (``status`` held): planned, postponed and cancelled ones never do.
    ``planning`` (safety planning, seed 001): ``analyses`` made in the window (by ``analysed_on``);
    ``communities_with_current_analysis`` and ``conflict_potential`` (the mean, 1 calm to 5 open
    conflict likely, ``M`` a float or None) at the window's end, over each community's latest
    analysis of the 365 days up to it; ``plans``, ``plans_by_status`` and ``plans_by_kind``: the
    plans recorded by the window's end, by their status then (from the status log);
    ``plans_adopted`` (any kind) and ``strategies_adopted`` (community safety strategies) by the
    council's ``adopted_on`` in the window; ``measures_due`` (due in the window, not dropped) and
    ``measures_implemented`` (of those, done by the window's end) with their rate;
    ``initiatives_started`` and ``regulations_adopted`` in the window. A community row's
    ``planning`` has its latest analysis by the period's end (``matrix``: risk counts in rows of
    likelihood 5 down to 1, columns of impact 1 to 5) and its plans with their status at the end.
    ``webinars`` are the held events that took registrations: counts only, never a registrant;
    ``webinar_rows`` lists them for the period (plain values, not ``F``).
    ``engagements`` counts the activities dated in the window (hours are their sum; a mediation
    session is an activity of that step) and the recommendations made, implemented and rejected
    in it; ``implementation_rate`` is a stock at the window's end: implemented by then / (made by
    then - rejected by then). ``engagement_rows`` lists the engagements running in the period with
    their activities of the period and the recommendations made by its end (status today), never
    a mediator's or an interviewee's name.
    ``casework`` is individual support in exact counts (see :func:`_casework_figures`); whoever
    does not read every case gets it through :mod:`reports.suppression`, small cells hidden, and
    so do ``incidents.people_involved`` (the parties of the incidents reported in the window; blank fields
    are ``not_recorded``). A breakdown that need not add up to its total says what it leaves out
    as ``not_recorded``: the participants neither women nor men, the negotiators without a sex on
    their contact record. A community row's ``latest_assessment`` is its latest assessment (any
    instrument) up to the period's end: ``assessed``, ``respondents``, ``method``,
    ``identified_risks``, ``safety_resources``, or None. ``data_quality`` holds plain values for
    the period (see :func:`_data_quality`): its assessments below ``REPORT_MIN_RESPONDENTS`` are
    ``small_sample``.
    """
    if programme is not None:
        communities = communities.filter(
            pk__in=Participation.objects.filter(programme=programme).values("community_id")
        )
    if module_codes is None:
        module_codes = list(TrainingModule.objects.order_by(*MODULE_ORDER).values_list("code", flat=True))
    token = _programme_scope.set(programme)
    try:
        return _compute(period, communities, programme_wide, programme, module_codes)
    finally:
        _programme_scope.reset(token)


def _compute(
    period: Period,
    communities: QuerySet[Community],
    programme_wide: bool,
    programme: Programme | None,
    module_codes: list[str],
) -> IndicatorsDocument:
    previous = period.previous()
    year_before = period.year_before()
    windows = [(period.start, period.end), (previous.start, previous.end), (None, period.end)]
    snapshots = [_snapshot(communities, start, end, programme_wide, module_codes) for start, end in windows]
    # A year's previous period is the year before; a half-year's is not: only its headline is computed.
    year_before_figures = (
        snapshots[1]
        if year_before == previous
        else _headline_snapshot(communities, year_before.start, year_before.end, programme_wide, module_codes)
    )
    merged = _merge(*snapshots)
    _add_rate_parts(merged)
    by_community = merged.pop("by_community")
    assessments = _assessments(communities, period)
    activity = _negotiator_activity(communities, period)
    planning = _planning_rows(communities, period)
    community_rows = _community_rows(communities, period)
    latest_assessments = _latest_assessments(communities, period)
    for row in community_rows:
        key = str(row["id"])
        row["figures"] = by_community[key]
        row["assessment"] = assessments["by_community"].get(key)
        row["negotiators"] = activity.get(key, [])
        row["planning"] = planning.get(key, {"analysis": None, "plans": []})
        row["latest_assessment"] = latest_assessments.get(key)
    del assessments["by_community"]
    earliest = _earliest_record(communities, programme_wide)
    if earliest is not None and earliest > period.end:
        earliest = None  # nothing was recorded by the period's end: "to date" is empty
    events, incidents = merged["events"], merged["incidents"]
    police = {
        "joint_events": dict(events["with_police"]),
        "joint_event_participants": dict(events["participants_with_police"]),
        "incidents_police_involved": dict(incidents["police_involved"]),
        "police_community_incidents": dict(incidents["police_community"]),
        "referrals_to_police": dict(incidents["referrals_by_agency"][Agency.POLICE.value]),
        "trust_in_police": dict(assessments["dimensions"]["trust_in_police"]),
        "police_interaction": dict(assessments["dimensions"]["police_interaction"]),
    }
    modules = _modules()
    # Gathered generically (three snapshots merged key by key); reports.figures describes the result.
    document: Raw = {
        "period": period.as_dict(),
        "previous_period": previous.as_dict(),
        "to_date": {"start": earliest.isoformat() if earliest else None, "end": period.end.isoformat()},
        "scope": {
            "communities": len(community_rows),
            "programme_wide": programme_wide,
            "programme": programme.pk if programme is not None else None,
        },
        "modules": modules,
        "year_before_period": year_before.as_dict(),
        "headline": _headline(merged, year_before_figures),
        **merged,
        "police": police,
        "assessments": assessments,
        "community_rows": community_rows,
        "webinar_rows": _webinar_rows(communities, period),
        "engagement_rows": _engagement_rows(communities, period),
        "data_quality": _data_quality(communities, period, merged),
    }
    return cast(IndicatorsDocument, document)


# --- the same figures as rows, for spreadsheets ---------------------------------------------------

# What is not a figure: the document's own details and the negotiators' list of each community.
NOT_FIGURES = (
    "period",
    "previous_period",
    "year_before_period",
    "to_date",
    "scope",
    "modules",
    "headline",
    "community_rows",
    "webinar_rows",
    "engagement_rows",
)
ROW_VALUES = ("current", "previous", "change", "to_date", "baseline")


def _is_figure(value: object) -> TypeGuard[Raw]:
    return isinstance(value, dict) and {"current", "previous", "change"} <= value.keys()


def _walk_figures(value: object, path: str) -> Iterator[tuple[str, Raw]]:
    if _is_figure(value):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_figures(item, f"{path}.{key}" if path else str(key))


def figure_rows(document: IndicatorsDocument) -> list[Raw]:
    """The figures of a :func:`compute_indicators` document, one row each: the programme's (no
    community) first, then each community's, named by their dotted path (``events.participants``,
    ``assessments.dimensions.trust_in_police``)."""
    period = document["period"]["code"]

    def rows(tree: Raw, community: CommunityRow | None) -> list[Raw]:
        return [
            {
                "period": period,
                "community": community["id"] if community else None,
                "community_name": community["name"] if community else "",
                "indicator": path,
                **{name: value.get(name) for name in ROW_VALUES},
            }
            for path, value in _walk_figures(tree, "")
        ]

    found = rows({key: value for key, value in document.items() if key not in NOT_FIGURES}, None)
    for community in document["community_rows"]:
        scores = community["assessment"]["scores"] if community["assessment"] else {}
        found += rows({"figures": community["figures"], "assessment": scores}, community)
    return found
