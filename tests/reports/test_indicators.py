"""The indicators against values computed by hand on a small world, and the period arithmetic."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from communities.models import ASSESSMENT_DIMENSIONS, LeaveReason
from incidents.models import Incident, IncidentStatus
from reports.indicators import (
    Period,
    compute_indicators,
    median_days_portable,
    median_days_postgresql,
    median_days_to_resolution,
)
from reports.selectors import scope_communities
from tests.communities.factories import (
    CommunityFactory,
    EngagementFactory,
    PartnershipFactory,
    RegionFactory,
    SafetyAssessmentFactory,
)
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import MediaMentionFactory, NegotiatorFactory, OutreachEventFactory
from tests.training.factories import TrainingModuleFactory, TrainingSessionFactory
from training.models import ModuleLevel
from training.services import attendance_record

KYIV = ZoneInfo("Europe/Kyiv")


def at(*args):
    return datetime(*args, tzinfo=KYIV)


# --- periods ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "previous"),
    [
        ("2025-H1", date(2025, 1, 1), date(2025, 6, 30), "2024-H2"),
        ("2025-h2", date(2025, 7, 1), date(2025, 12, 31), "2025-H1"),
        (" 2025 ", date(2025, 1, 1), date(2025, 12, 31), "2024"),
    ],
)
def test_period_parses_its_three_forms(text, start, end, previous):
    period = Period.parse(text)
    assert (period.start, period.end, period.previous().code) == (start, end, previous)


@pytest.mark.parametrize("text", ["2025-H3", "25", "2025-1", "H1-2025", "", "1999", "abcd"])
def test_period_rejects_anything_else_with_a_message(text):
    with pytest.raises(ValueError, match=r"\S"):
        Period.parse(text)


def test_period_message_is_translated():
    from django.utils import translation

    with translation.override("uk"), pytest.raises(ValueError, match="2025-H1") as error:
        Period.parse("2025-H3")
    assert "період" in str(error.value)


# --- a small world, computed by hand ------------------------------------------------------------------


@pytest.fixture
def world(db):
    region, elsewhere = RegionFactory(name="Область А"), RegionFactory(name="Область Б")
    a = CommunityFactory(region=region, name="А-громада")
    b = CommunityFactory(region=region, name="Б-громада")
    c = CommunityFactory(region=elsewhere, name="В-громада")
    PartnershipFactory(community=a, joined_on=date(2024, 1, 1))
    PartnershipFactory(
        community=b, joined_on=date(2025, 2, 1), left_on=date(2025, 5, 10), leave_reason=LeaveReason.ELECTIONS
    )
    PartnershipFactory(community=c, joined_on=date(2020, 1, 1))

    basic = TrainingModuleFactory(code="M1", level=ModuleLevel.BASIC, order=1, hours=16)
    advanced = TrainingModuleFactory(code="M2", level=ModuleLevel.ADVANCED, order=1, hours=8)
    na1 = NegotiatorFactory(community=a, cohort="new", joined_on=date(2024, 2, 1))
    na2 = NegotiatorFactory(community=a, cohort="pilot", joined_on=date(2023, 1, 1), certified_on=date(2023, 6, 30))
    nc = NegotiatorFactory(community=c, cohort="new", joined_on=date(2024, 2, 1))
    s1 = TrainingSessionFactory(module=basic, starts_on=date(2025, 3, 10), host_community=a)
    s2 = TrainingSessionFactory(module=advanced, starts_on=date(2024, 11, 1))
    s3 = TrainingSessionFactory(module=basic, starts_on=date(2025, 8, 1), host_community=c)
    attendance_record(session=s1, negotiator=na1, present=True, completed=True)
    attendance_record(session=s1, negotiator=nc, present=True, completed=True)
    attendance_record(session=s2, negotiator=na2, present=True, completed=True)
    attendance_record(session=s3, negotiator=nc, present=True, completed=False)

    e1 = OutreachEventFactory(
        community=a,
        date=date(2025, 3, 1),
        kind="information_session",
        participants_total=10,
        participants_women=6,
        participants_men=4,
        participants_youth=2,
        police_present=True,
    )
    e1.organisers.add(na1)
    OutreachEventFactory(
        community=a, date=date(2025, 8, 1), kind="round_table", participants_total=20, participants_women=10,
        participants_men=10,
    )  # fmt: skip
    OutreachEventFactory(
        community=a, date=date(2024, 12, 31), kind="public_meeting", participants_total=5, participants_women=3,
        participants_men=2,
    )  # fmt: skip
    OutreachEventFactory(
        community=b, date=date(2025, 6, 30), kind="information_session", participants_total=7, participants_women=4,
        participants_men=3, police_present=True,
    )  # fmt: skip
    OutreachEventFactory(community=c, date=date(2025, 3, 1), kind="forum", participants_total=100)

    resolved, referred = IncidentStatus.RESOLVED, IncidentStatus.REFERRED
    IncidentFactory(
        community=a, occurred_at=at(2025, 1, 10, 12), status=resolved, closed_at=at(2025, 1, 20, 12), negotiator=na1
    )
    IncidentFactory(
        community=a, occurred_at=at(2025, 2, 1, 12), status=resolved, closed_at=at(2025, 2, 5, 12),
        category="public_order", severity=3, police_involved=True,
    )  # fmt: skip
    IncidentFactory(
        community=a, occurred_at=at(2025, 3, 1, 10), status=referred, referred_to="police",
        closed_at=at(2025, 3, 2, 10), category="police_community", severity=1, police_involved=True,
    )  # fmt: skip
    # 01:00 in Kyiv on 1 July is still 30 June in UTC: it belongs to the second half-year.
    IncidentFactory(community=b, occurred_at=at(2025, 7, 1, 1), category="youth")
    IncidentFactory(community=b, occurred_at=at(2024, 12, 20, 12), status=IncidentStatus.IN_PROGRESS, category="youth")
    IncidentFactory(community=c, occurred_at=at(2025, 3, 1, 12), status=resolved, closed_at=at(2025, 3, 3, 12))
    IncidentFactory(community=a, occurred_at=at(2024, 10, 1, 12), status=resolved, closed_at=at(2025, 1, 5, 12))

    def scores(value):
        return {dimension: Decimal(value) for dimension in ASSESSMENT_DIMENSIONS}

    SafetyAssessmentFactory(community=a, year=2024, half=2, respondents=50, **scores("3.00"))
    SafetyAssessmentFactory(community=a, year=2025, half=1, respondents=60, **scores("3.50"))
    SafetyAssessmentFactory(community=b, year=2025, half=1, respondents=40, **scores("2.00"))
    SafetyAssessmentFactory(community=c, year=2025, half=1, respondents=70, **scores("5.00"))

    MediaMentionFactory(community=a, published_on=date(2025, 4, 1), reach=1000, medium="tv")
    MediaMentionFactory(community=None, published_on=date(2025, 4, 2), reach=5000, medium="online")
    MediaMentionFactory(community=c, published_on=date(2025, 4, 1), reach=7)

    EngagementFactory(community=b, mode="acute", topic="housing", starts_on=date(2025, 3, 1), ends_on=date(2025, 5, 1))
    return {"region": region, "a": a, "b": b, "c": c, "na1": na1, "na2": na2}


@pytest.fixture
def h1(world):
    communities = scope_communities(scope="region", region=world["region"])
    return compute_indicators(period=Period.parse("2025-H1"), communities=communities)


def triple(figure):
    return (figure["current"], figure["previous"], figure["change"], figure["to_date"])


def test_communities_active_joined_and_left(h1):
    communities = h1["communities"]
    assert triple(communities["active"]) == (2, 1, 1, 2)
    assert triple(communities["partners_at_end"]) == (1, 1, 0, 1)
    assert triple(communities["joined"]) == (1, 0, 1, 2)
    assert triple(communities["left"]) == (1, 0, 1, 1)
    assert communities["left_by_reason"]["elections"]["current"] == 1
    assert h1["scope"]["communities"] == 2


def test_negotiators_trained_certified_advanced(h1):
    negotiators = h1["negotiators"]
    assert triple(negotiators["registered_at_end"]) == (2, 2, 0, 2)
    assert triple(negotiators["trained"]) == (1, 1, 0, 2)
    assert triple(negotiators["certified"]) == (1, 0, 1, 2)
    assert triple(negotiators["advanced"]) == (0, 1, -1, 1)
    assert negotiators["by_cohort"]["pilot"]["current"] == 1
    by_cohort = negotiators["certified_by_cohort"]
    for key in ("current", "previous", "to_date"):
        assert by_cohort["pilot"][key] + by_cohort["new"][key] == negotiators["certified"][key]


def test_a_negotiator_who_leaves_later_still_counts_at_the_end_of_a_past_period(world):
    communities = scope_communities(scope="region", region=world["region"])
    # Entered in good time: the history holds their state during 2025.
    world["na1"].history.update(history_date=at(2025, 1, 15, 12))
    for negotiator in (world["na1"], world["na2"]):  # both leave now, long after the half-year
        negotiator.is_active = False
        negotiator.save()

    def active(period):
        figures = compute_indicators(period=Period.parse(period), communities=communities)
        row = next(row for row in figures["community_rows"] if row["name"] == "А-громада")
        flags = [negotiator["is_active"] for negotiator in row["negotiators"]]
        return figures["negotiators"]["registered_at_end"]["current"], row["figures"]["negotiators"]["current"], flags

    assert active("2025-H1") == (2, 2, [True, True])
    assert active("2026-H2") == (0, 0, [False, False])


def test_training_sessions_by_module_and_attendance(h1):
    training = h1["training"]
    assert triple(training["sessions"]) == (1, 1, 0, 2)
    assert triple(training["hours"]) == (16, 8, 8, 24)
    assert (training["enrolled"]["current"], training["present"]["current"], training["completed"]["current"]) == (
        1,
        1,
        1,
    )
    assert training["by_module"]["M1"]["completed"]["current"] == 1
    assert training["by_module"]["M2"]["sessions"]["to_date"] == 1
    assert training["attendance_rate"]["current"] == 1.0


def test_programme_wide_training_counts_every_session(world):
    communities = scope_communities(scope="region", region=world["region"])
    scoped = compute_indicators(period=Period(2025), communities=communities)
    whole = compute_indicators(period=Period(2025), communities=communities, programme_wide=True)
    assert scoped["training"]["sessions"]["current"] == 1
    assert whole["training"]["sessions"]["current"] == 2


def test_events_by_kind_with_participant_breakdown(h1):
    events = h1["events"]
    assert triple(events["count"]) == (2, 1, 1, 3)
    assert triple(events["participants"]) == (17, 5, 12, 22)
    assert events["participant_breakdown"]["women"]["current"] == 10
    assert events["participant_breakdown"]["men"]["current"] == 7
    assert events["participant_breakdown"]["youth"]["current"] == 2
    assert events["by_kind"]["information_session"]["events"]["current"] == 2
    assert events["by_kind"]["public_meeting"]["participants"]["previous"] == 5
    assert (events["with_police"]["current"], events["participants_with_police"]["current"]) == (2, 17)


def test_incidents_by_category_resolution_and_referrals(h1):
    incidents = h1["incidents"]
    assert triple(incidents["reported"]) == (3, 2, 1, 5)
    assert incidents["by_category"]["neighbour_dispute"]["current"] == 1
    assert incidents["by_category"]["youth"]["current"] == 0  # 1 July 01:00 in Kyiv is the next half-year
    assert incidents["by_category_status_now"]["police_community"]["referred"]["current"] == 1
    assert incidents["by_severity"]["3"]["current"] == 1
    assert (incidents["closed"]["current"], incidents["resolved"]["current"], incidents["referred"]["current"]) == (
        4,
        3,
        1,
    )
    assert incidents["resolution_rate"]["current"] == 0.75
    assert incidents["resolution_rate"]["previous"] is None
    assert incidents["median_days_to_resolution"]["current"] == 10.0  # of 4, 10 and 96 days
    assert incidents["referrals_by_agency"]["police"]["current"] == 1
    assert incidents["open_at_end"]["current"] == 1
    assert incidents["police_involved"]["current"] == 2


def test_assessment_scores_with_change_and_baseline(h1):
    trust = h1["assessments"]["dimensions"]["trust_in_police"]
    assert trust == {
        "current": 2.75,
        "previous": 3.0,
        "change": -0.25,
        "baseline": 2.5,
        "change_since_baseline": 0.25,
    }
    assert h1["assessments"]["dimensions"]["overall"]["current"] == 2.75
    assert h1["assessments"]["communities_assessed"] == {"current": 2, "previous": 1, "baseline": 2}
    assert h1["assessments"]["respondents"]["current"] == 100
    assert h1["police"]["trust_in_police"] == trust


def test_per_community_rows(h1, world):
    rows = {row["name"]: row for row in h1["community_rows"]}
    assert set(rows) == {"А-громада", "Б-громада"}
    a, b = rows["А-громада"], rows["Б-громада"]
    assert a["partnership"]["status"] == "active"
    assert (b["partnership"]["status"], b["partnership"]["leave_reason"]) == ("left", "elections")
    assert triple(a["figures"]["events"]) == (1, 1, 0, 2)
    assert a["figures"]["participants"]["current"] == 10
    assert b["figures"]["participants"]["current"] == 7
    assert a["assessment"]["scores"]["cohesion"]["change"] == 0.5
    assert b["assessment"]["scores"]["cohesion"]["previous"] is None
    assert a["assessment"]["assessed"] == "2025-H1"
    first, second = a["negotiators"]
    assert (first["number"], first["events_organised"], first["incidents_in_charge"]) == (1, 1, 1)
    assert (second["number"], second["cohort"], second["status"]) == (2, "pilot", "advanced")


def test_media_counts_programme_wide_mentions_only_for_the_whole_programme(world):
    communities = scope_communities(scope="region", region=world["region"])
    scoped = compute_indicators(period=Period(2025, 1), communities=communities)
    whole = compute_indicators(period=Period(2025, 1), communities=communities, programme_wide=True)
    assert (scoped["media"]["mentions"]["current"], scoped["media"]["reach"]["current"]) == (1, 1000)
    assert (whole["media"]["mentions"]["current"], whole["media"]["reach"]["current"]) == (2, 6000)


def test_engagements_opened_and_closed_by_topic(h1):
    engagements = h1["engagements"]
    assert (engagements["opened"]["current"], engagements["closed"]["current"]) == (1, 1)
    assert engagements["opened_by_topic"]["housing"]["current"] == 1
    assert engagements["opened_by_mode"]["acute"]["current"] == 1


def test_headline_lists_stable_keys(h1):
    keys = [row["key"] for row in h1["headline"]]
    assert keys[:2] == ["communities_active", "negotiators"]
    assert {"events", "participants", "incidents_reported", "media_reach"} <= set(keys)


def test_indicators_are_plain_json(h1):
    import json

    assert json.loads(json.dumps(h1)) == h1


def test_figures_need_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    communities = scope_communities(scope="programme")
    # 79 (the assessments take 15, 3 for each instrument's moments, however many instruments), 9
    # for the support to municipalities (activities and recommendations per window, and the
    # engagements of the period with theirs), 19 for safety planning (6 per window, and each
    # community's latest analysis with its risks and plans), 3 for the incidents referred (closed as
    # referred or with a referral sent, per window), 3 for the incidents reported, closed and open
    # (one pass per window) and 30 for case work (10 per window: cases, needs, referrals, two
    # medians, goals, agreement items and three kinds of tasks); 3 for the incidents' parties (one
    # per window) and 4 for the data-quality page and each community's latest assessment.
    with django_assert_max_num_queries(150):
        compute_indicators(period=Period(2025), communities=communities, programme_wide=True)


# --- the median ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "median"), [([4, 10, 96], 10.0), ([1, 2, 3, 40], 2.5), ([7], 7.0), ([], None)])
def test_median_days_portable(db, community, days, median):
    for number, length in enumerate(days):
        IncidentFactory(
            community=community,
            occurred_at=at(2025, 1, 1 + number, 12),
            status=IncidentStatus.RESOLVED,
            closed_at=at(2025, 1, 1 + number, 12) + timedelta(days=length),
        )
    assert median_days_portable(Incident.objects.all()) == median
    assert median_days_to_resolution(Incident.objects.all()) == median


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PERCENTILE_CONT needs PostgreSQL")
def test_postgresql_median_agrees_with_the_portable_one(db, community):
    for number, hours in enumerate([5, 49, 49, 120, 300, 1000]):
        occurred = at(2025, 2, 1 + number, 8)
        IncidentFactory(
            community=community,
            occurred_at=occurred,
            status=IncidentStatus.RESOLVED,
            closed_at=occurred + timedelta(hours=hours),
        )
    incidents = Incident.objects.all()
    assert median_days_postgresql(incidents) == median_days_portable(incidents) == 3.5
