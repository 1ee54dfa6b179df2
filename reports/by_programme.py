"""What a report without a programme (the whole portal, a region, a partner organisation's
communities) holds, programme by programme: so that a donor reading it sees which programmes and
countries its totals add up, rather than a Czech municipality silently inside a Ukrainian total.

Every activity record belongs to exactly one programme, so each column's lines add up to the
report's own total; a community taking part in two programmes is counted in both. Case work
is left out: a programme's few cases in a small scope could point at a person.
"""

from django.db.models import Count, Q, QuerySet, Sum

from communities.models import Community, Engagement
from incidents.models import Incident
from negotiators.models import EventStatus, OutreachEvent
from programmes.models import Participation, Programme
from reports.figures import ProgrammeLine
from reports.indicators import Period, _date_window, _moment_window


def _counts(queryset: QuerySet, **aggregates: object) -> dict[int, dict[str, int]]:
    rows = queryset.order_by().values("programme").annotate(**aggregates)
    return {row.pop("programme"): {key: int(value or 0) for key, value in row.items()} for row in rows}


def programme_lines(communities: QuerySet[Community], period: Period) -> list[ProgrammeLine]:
    """A line per programme with communities in ``communities`` during ``period`` or records in
    it, ordered by code. Five queries, whatever the number of programmes."""
    start, end = period.start, period.end
    taking_part = (
        Participation.objects.filter(Q(left_on__isnull=True) | Q(left_on__gte=start), joined_on__lte=end)
        .filter(community__in=communities)
        .values_list("programme", "community", "community__region__country")
    )
    members: dict[int, set[int]] = {}
    countries: dict[int, set[str]] = {}
    for programme_id, community_id, country in taking_part:
        members.setdefault(programme_id, set()).add(community_id)
        countries.setdefault(programme_id, set()).add(country)
    events = _counts(
        OutreachEvent.objects.filter(
            _date_window("date", start, end), status=EventStatus.HELD, community__in=communities
        ),
        events=Count("pk"),
        participants=Sum("participants_total"),
    )
    incidents = _counts(
        Incident.objects.filter(_moment_window("occurred_at", start, end), community__in=communities),
        incidents=Count("pk"),
    )
    engagements = _counts(
        Engagement.objects.filter(_date_window("starts_on", start, end), community__in=communities),
        engagements=Count("pk"),
    )
    ids = set(members) | set(events) | set(incidents) | set(engagements)
    lines: list[ProgrammeLine] = []
    for programme in Programme.objects.filter(pk__in=ids).order_by("code"):
        figures = events.get(programme.pk, {}) | incidents.get(programme.pk, {})
        figures |= engagements.get(programme.pk, {})
        lines.append(
            {
                "code": programme.code,
                "name": programme.name,
                "countries": sorted(countries.get(programme.pk, set())),
                "communities": len(members.get(programme.pk, set())),
                "events": figures.get("events", 0),
                "participants": figures.get("participants", 0),
                "incidents": figures.get("incidents", 0),
                "engagements": figures.get("engagements", 0),
            }
        )
    return lines
