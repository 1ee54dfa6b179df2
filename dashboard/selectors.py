"""Reads behind the dashboard, scoped to who is asking: the periods it offers, the communities a
choice of scope covers, the figures (through :func:`dashboard_indicators`, the dashboard's one
call of the indicators), events per half-year and the newest serious incidents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from access.capabilities import Capability
from access.viewer import Viewer
from communities.models import Community, PartnerOrganisation, Region
from communities.selectors import visible_partners
from incidents.models import Incident, Severity
from incidents.selectors import visible_incidents
from negotiators.models import EventStatus, OutreachEvent
from negotiators.selectors import visible_events
from programmes.models import Programme
from reports.cache import cached_indicators
from reports.figures import IndicatorsDocument
from reports.indicators import Period
from reports.selectors import indicator_communities, indicator_scope
from reports.suppression import figures_for
from reports.trends import event_counts


def has_dashboard(viewer: Viewer) -> bool:
    """Staff and programme managers (every community) and partner members (their covered ones)
    get the figures; every other role keeps the home page's list of where to go."""
    return viewer.can(Capability.SEES_EVERY_COMMUNITY) or viewer.can(Capability.SEES_COVERED_COMMUNITIES)


def dashboard_indicators(
    viewer: Viewer,
    *,
    period: Period,
    communities: QuerySet[Community],
    programme_wide: bool,
    programme: Programme | None = None,
) -> IndicatorsDocument:
    """The figures the dashboard shows: :func:`reports.indicators.compute_indicators` (the PDF's and
    the API's ``indicators/``) as ``viewer`` may see them, through the cache the API shares
    (:mod:`reports.cache`)."""
    document = cached_indicators(
        period=period, communities=communities, programme_wide=programme_wide, programme=programme
    )
    return figures_for(viewer, document)


# --- periods ---------------------------------------------------------------------------------------


def _held_events(communities: QuerySet[Community]) -> QuerySet[OutreachEvent]:
    return OutreachEvent.objects.filter(status=EventStatus.HELD, community__in=communities)


def _record_years(viewer: Viewer, today: date) -> tuple[int | None, int | None]:
    """The years of the first and of the newest held event or incident ``viewer`` sees (none after
    ``today``). Plain minimum and maximum of the dates, which their indexes answer."""
    events = (
        visible_events(viewer)
        .filter(status=EventStatus.HELD, date__lte=today)
        .aggregate(first=Min("date"), last=Max("date"))
    )
    until = datetime.combine(today + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
    incidents = (
        visible_incidents(viewer)
        .filter(occurred_at__lt=until)
        .aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    )
    days = [
        moment if isinstance(moment, date) and not isinstance(moment, datetime) else timezone.localdate(moment)
        for moment in (events["first"], events["last"], incidents["first"], incidents["last"])
        if moment is not None
    ]
    return (min(days).year, max(days).year) if days else (None, None)


@dataclass(frozen=True)
class PeriodChoices:
    """The periods offered, newest first (each year before its half-years), and the default."""

    periods: list[Period]
    default: Period


def period_choices(viewer: Viewer, today: date | None = None) -> PeriodChoices:
    """The years and half-years from the first record ``viewer`` sees to ``today`` (half-years
    only once begun); by default the year of the newest record, so a programme that ended shows
    its last year rather than an empty current one."""
    today = today or timezone.localdate()
    first, last = _record_years(viewer, today)
    first = min(first or today.year, today.year)
    periods: list[Period] = []
    for year in range(today.year, first - 1, -1):
        periods.append(Period(year))
        periods += [Period(year, half) for half in (2, 1) if Period(year, half).start <= today]
    return PeriodChoices(periods=periods, default=Period(last or today.year))


# --- scope -----------------------------------------------------------------------------------------


def choosable_regions(viewer: Viewer) -> QuerySet[Region]:
    return Region.objects.filter(pk__in=indicator_communities(viewer).values("region_id")).order_by("country", "name")


def choosable_partners(viewer: Viewer) -> QuerySet[PartnerOrganisation]:
    """The partner organisations whose communities ``viewer`` may look at together: every active one
    for staff and managers, a partner member's own."""
    return visible_partners(viewer).filter(is_active=True).order_by("name")


def choosable_communities(viewer: Viewer) -> QuerySet[Community]:
    return indicator_communities(viewer).select_related("region").order_by("name")


@dataclass
class Scope:
    """The communities the dashboard covers and how they were chosen."""

    communities: QuerySet[Community]
    programme_wide: bool
    programme: Programme | None = None
    region: Region | None = None
    partner: PartnerOrganisation | None = None
    community: Community | None = None

    @property
    def is_whole_programme(self) -> bool:
        """No region, partner organisation or community narrows it: the programme's own figures."""
        return self.region is None and self.partner is None and self.community is None


def dashboard_scope(
    viewer: Viewer,
    *,
    programme: Programme | None = None,
    region: Region | None = None,
    partner: PartnerOrganisation | None = None,
    community: Community | None = None,
) -> Scope:
    """What ``viewer`` asked for, already checked to be within their scope (the form's choices):
    the same communities and ``programme_wide`` flag as the API's ``indicators/`` with
    ``community`` and ``region``; a partner organisation narrows them to the ones it covers."""
    communities, programme_wide = indicator_scope(
        viewer,
        community=community.pk if community is not None else None,
        region=region.pk if region is not None else None,
    )
    if partner is not None:
        communities = communities.filter(partner_organisations=partner).distinct()
        programme_wide = False
    return Scope(communities, programme_wide, programme, region, partner, community)


# --- over time -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HalfYear:
    period: Period
    events: int
    participants: int


def half_years_up_to(period: Period, count: int) -> list[Period]:
    """The ``count`` half-years ending with ``period``'s last one, oldest first."""
    halves = [Period(period.year, period.last_half)]
    while len(halves) < count:
        halves.append(halves[-1].previous())
    return halves[::-1]


def event_series(scope: Scope, periods: list[Period]) -> list[HalfYear]:
    """Held events and their participants per half-year of ``periods``, counted as
    :func:`reports.indicators.compute_indicators` counts ``events.count`` and
    ``events.participants`` (held events dated in the half-year, in the scope's communities, of the
    programme when one is chosen), in one query."""
    if not periods:
        return []
    found = event_counts(scope.communities, periods[0].start, periods[-1].end, scope.programme)
    return [HalfYear(period, *found.get((period.year, period.last_half), (0, 0))) for period in periods]


# --- incidents -------------------------------------------------------------------------------------

SERIOUS = (Severity.HIGH, Severity.CRITICAL)


def serious_incidents(viewer: Viewer, scope: Scope, period: Period, limit: int = 8) -> list[Incident]:
    """The newest high and critical incidents of the period in the scope that ``viewer`` sees
    (:func:`incidents.selectors.visible_incidents`)."""
    incidents = visible_incidents(viewer).filter(
        community__in=scope.communities,
        severity__in=SERIOUS,
        occurred_at__date__gte=period.start,
        occurred_at__date__lte=period.end,
    )
    if scope.programme is not None:
        incidents = incidents.filter(programme=scope.programme)
    return list(incidents.select_related("community").order_by("-occurred_at", "-pk")[:limit])
