"""Only held events count in the figures: planned, postponed and cancelled events leave the demo's
figures as they were. (A module of its own: the demo it seeds stays for the whole module.)"""

import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from negotiators.models import EventKind, EventStatus, Negotiator, OutreachEvent
from reports.indicators import Period, compute_indicators, figure_rows
from reports.selectors import scope_communities

KYIV = ZoneInfo("Europe/Kyiv")


def indicators(period: str, **scope) -> dict:
    document = compute_indicators(
        period=Period.parse(period), communities=scope_communities(scope="programme"), programme_wide=True, **scope
    )
    return json.loads(json.dumps(document))


def test_planned_postponed_and_cancelled_events_leave_the_demo_figures_as_they_were(demo_programme, db):
    # The demo's events were held, but for its webinar planned next month.
    assert set(OutreachEvent.objects.exclude(status=EventStatus.HELD).values_list("kind", flat=True)) == {
        EventKind.WEBINAR
    }
    negotiator = Negotiator.objects.filter(events__isnull=False).order_by("pk").first()
    held = OutreachEvent.objects.filter(community=negotiator.community).order_by("pk").first()
    programme = held.programme
    programme_before = indicators("2025", programme=programme)
    periods = ("2024", "2024-H2", "2025", "2025-H1")
    before = {period: indicators(period) for period in periods}
    rows_before = figure_rows(compute_indicators(period=Period(2025), communities=scope_communities(scope="programme")))

    # Events that did not (or did not yet) take place, in every period and community of the demo,
    # with organisers, participants and police: everything a figure could count.
    future = timezone.now() + timedelta(days=30)
    for number, (status, day) in enumerate(
        [
            (EventStatus.CANCELLED, date(2024, 3, 5)),
            (EventStatus.CANCELLED, date(2025, 9, 9)),
            (EventStatus.POSTPONED, date(2025, 4, 1)),
            (EventStatus.POSTPONED, date(2024, 11, 20)),
            (EventStatus.PLANNED, future.astimezone(KYIV).date()),
        ]
    ):
        event = OutreachEvent.objects.create(
            community=negotiator.community,
            programme=held.programme,
            kind=EventKind.ROUND_TABLE,
            title=f"Не відбулася {number}",
            status=status,
            date=day,
            topic=held.topic,
            participants_total=40,
            participants_women=20,
            participants_men=20,
            participants_youth=5,
            police_present=True,
            local_government_present=True,
            ngos_present=True,
        )
        event.organisers.add(negotiator)
    earlier = OutreachEvent.objects.create(
        community=negotiator.community,
        programme=held.programme,
        kind=EventKind.FORUM,
        title="Скасована ще до початку програми",
        status=EventStatus.CANCELLED,
        date=date(2020, 1, 10),
        topic=held.topic,
        participants_total=0,
    )
    assert earlier.pk

    after = {period: indicators(period) for period in periods}
    for period in periods:
        assert after[period] == before[period], period
    rows_after = figure_rows(compute_indicators(period=Period(2025), communities=scope_communities(scope="programme")))
    assert rows_after == rows_before
    # Per programme too (the scope of the results framework).
    assert indicators("2025", programme=programme) == programme_before
