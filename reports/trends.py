"""Headline figures per half-year, from the scope's first record to a period's end: the series the
report's sparklines draw (and the dashboard's chart of events over time).

Each series is counted exactly as :func:`reports.indicators.compute_indicators` counts the figure
of one half-year, but all half-years at once: one grouped query for events and participants, one
for incidents reported and resolved (not ``compute_indicators`` once per half-year).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from communities.models import Community
from incidents.models import Incident, IncidentStatus
from negotiators.models import EventStatus, OutreachEvent
from programmes.models import Participation, Programme
from reports.figures import Trends
from reports.indicators import Period

# The figures drawn as sparklines, by their key in the document's headline (and their path, which
# says which way is good news: reports.indicators.BETTER).
TREND_FIGURES = (
    ("events", "events.count"),
    ("participants", "events.participants"),
    ("incidents_reported", "incidents.reported"),
    ("incidents_resolved", "incidents.resolved"),
)
# The most half-years a series holds (the latest ones): twenty years.
MAX_HALF_YEARS = 40

HalfKey = tuple[int, int]


def half_years_between(first: date, last: Period) -> list[Period]:
    """The half-years from the one containing ``first`` to ``last``'s last one, oldest first
    (at most :data:`MAX_HALF_YEARS`, the latest)."""
    end = Period(last.year, last.last_half)
    halves = [end]
    start = Period(first.year, 1 if first.month <= 6 else 2)
    while halves[-1] > start and len(halves) < MAX_HALF_YEARS:
        halves.append(halves[-1].previous())
    return halves[::-1]


def _half(month_field: str) -> Case:
    return Case(When(Q(**{f"{month_field}__lte": 6}), then=Value(1)), default=Value(2), output_field=IntegerField())


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _in_scope(communities: QuerySet[Community], programme: Programme | None) -> QuerySet[Community]:
    if programme is None:
        return communities
    return communities.filter(pk__in=Participation.objects.filter(programme=programme).values("community_id"))


def event_counts(
    communities: QuerySet[Community], start: date, end: date, programme: Programme | None = None
) -> dict[HalfKey, tuple[int, int]]:
    """Held events and their participants per ``(year, half)`` dated ``start``..``end``, in
    ``communities`` (of ``programme``, and taking part in it, when one is given)."""
    events = OutreachEvent.objects.filter(
        status=EventStatus.HELD, community__in=_in_scope(communities, programme), date__gte=start, date__lte=end
    )
    if programme is not None:
        events = events.filter(programme=programme)
    rows = (
        events.annotate(
            year=ExtractYear("date"),
            half=_half("date__month"),
        )
        .values("year", "half")
        .annotate(count=Count("pk"), participants=Coalesce(Sum("participants_total"), 0))
        .order_by()
    )
    return {(row["year"], row["half"]): (row["count"], row["participants"]) for row in rows}


def incident_counts(
    communities: QuerySet[Community], start: date, end: date, programme: Programme | None = None
) -> dict[str, dict[HalfKey, int]]:
    """Incidents reported (by the local day they occurred) and resolved (closed as resolved, by
    the local day they were closed) per ``(year, half)`` within ``start``..``end``."""
    zone = ZoneInfo(str(settings.TIME_ZONE))
    low, high = _day_start(start, zone), _day_start(end + timedelta(days=1), zone)
    incidents = Incident.objects.filter(community__in=_in_scope(communities, programme))
    if programme is not None:
        incidents = incidents.filter(programme=programme)
    found: dict[str, dict[HalfKey, int]] = {"reported": {}, "resolved": {}}
    queries = {
        "reported": incidents.filter(occurred_at__gte=low, occurred_at__lt=high).annotate(
            year=ExtractYear("occurred_at", tzinfo=zone), month=ExtractMonth("occurred_at", tzinfo=zone)
        ),
        "resolved": incidents.filter(status=IncidentStatus.RESOLVED, closed_at__gte=low, closed_at__lt=high).annotate(
            year=ExtractYear("closed_at", tzinfo=zone), month=ExtractMonth("closed_at", tzinfo=zone)
        ),
    }
    for key, queryset in queries.items():
        rows = queryset.annotate(half=_half("month")).values("year", "half").annotate(n=Count("pk"))
        found[key] = {(row["year"], row["half"]): row["n"] for row in rows.order_by()}
    return found


def half_year_trends(
    *, communities: QuerySet[Community], period: Period, first: date | None, programme: Programme | None = None
) -> Trends:
    """The series of :data:`TREND_FIGURES`, one value per half-year from the one of ``first`` (the
    scope's first record: the document's ``to_date.start``) to ``period``'s end. Nothing recorded
    by then (``first`` None): empty series."""
    halves = half_years_between(first, period) if first is not None else []
    series: dict[str, list[int]] = {key: [] for key, _path in TREND_FIGURES}
    if halves:
        start, end = halves[0].start, halves[-1].end
        events = event_counts(communities, start, end, programme)
        incidents = incident_counts(communities, start, end, programme)
        for half in halves:
            key = (half.year, half.half or 2)
            count, participants = events.get(key, (0, 0))
            series["events"].append(count)
            series["participants"].append(participants)
            series["incidents_reported"].append(incidents["reported"].get(key, 0))
            series["incidents_resolved"].append(incidents["resolved"].get(key, 0))
    return {"periods": [half.code for half in halves], "series": series}
