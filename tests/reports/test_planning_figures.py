"""The safety-planning figures of ``compute_indicators`` against counts made by hand."""

from datetime import UTC, date, datetime

import pytest

from communities.models import Community
from planning.models import Measure, MeasureStatus, PlanKind, PlanStatus
from planning.services import plan_move
from reports.indicators import Period, compute_indicators
from tests.communities.factories import CommunityFactory
from tests.planning.factories import AnalysisFactory, InitiativeFactory, RegulationFactory, RiskFactory, plan_in

pytestmark = pytest.mark.django_db

DECISION = {"adopted_by": "Сесія ради", "decision_number": "7/1"}


def moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def planned(staff_user):
    """Two communities over 2024 and 2025 (the period: 2025-H1, the previous one 2024-H2)."""
    north, south = CommunityFactory(), CommunityFactory()
    # Analyses: north in 2024-08 (potential 4) and 2025-03 (potential 2); south in 2023-05 (3,
    # no longer current in 2025) and 2025-06 (5).
    AnalysisFactory(community=north, analysed_on=date(2024, 8, 1), conflict_potential=4)
    latest_north = AnalysisFactory(community=north, analysed_on=date(2025, 3, 1), conflict_potential=2)
    AnalysisFactory(community=south, analysed_on=date(2023, 5, 1), conflict_potential=3)
    AnalysisFactory(community=south, analysed_on=date(2025, 6, 10), conflict_potential=5)
    RiskFactory(analysis=latest_north, likelihood=5, impact=1)
    RiskFactory(analysis=latest_north, likelihood=5, impact=1)
    RiskFactory(analysis=latest_north, likelihood=2, impact=4)
    # A strategy of north: drafted 2024-10, submitted 2025-02, adopted 2025-03-15.
    strategy = plan_in(north, actor=staff_user, title="Стратегія безпеки")
    strategy.status_changes.update(at=moment(date(2024, 10, 1)))
    plan_move(plan=strategy, to_status=PlanStatus.SUBMITTED, actor=staff_user, at=moment(date(2025, 2, 1)))
    plan_move(
        plan=strategy,
        to_status=PlanStatus.ADOPTED,
        actor=staff_user,
        at=moment(date(2025, 3, 15)),
        adopted_on=date(2025, 3, 15),
        **DECISION,
    )
    # A development plan of south, adopted 2024-09, in implementation since 2025-01.
    development = plan_in(
        south,
        actor=staff_user,
        kind=PlanKind.DEVELOPMENT_PLAN,
        status=PlanStatus.ADOPTED,
        adopted_on=date(2024, 9, 1),
        starts_on=date(2024, 9, 1),
    )
    development.status_changes.update(at=moment(date(2024, 9, 1)))
    plan_move(plan=development, to_status=PlanStatus.IN_IMPLEMENTATION, actor=staff_user, at=moment(date(2025, 1, 5)))
    # Its measures: due in 2025-H1 three (one done in time, one done after, one dropped), one in H2.
    for due_on, status, done_on in [
        (date(2025, 2, 1), MeasureStatus.DONE, date(2025, 1, 20)),
        (date(2025, 4, 1), MeasureStatus.DONE, date(2025, 7, 10)),
        (date(2025, 5, 1), MeasureStatus.DROPPED, None),
        (date(2025, 5, 2), MeasureStatus.PLANNED, None),
        (date(2025, 9, 1), MeasureStatus.PLANNED, None),
    ]:
        Measure.objects.create(plan=development, title="Захід", due_on=due_on, status=status, done_on=done_on)
    # A draft recorded after the period: not there yet at its end.
    plan_in(north, actor=staff_user, title="Пізній план")
    InitiativeFactory(community=north, started_on=date(2025, 4, 1))
    InitiativeFactory(community=south, started_on=date(2024, 11, 1))
    RegulationFactory(community=north, adopted_on=date(2025, 5, 20))
    return Community.objects.filter(pk__in=[north.pk, south.pk]), north, south


def test_planning_figures_match_the_hand_counts(planned):
    communities, _north, _south = planned
    document = compute_indicators(period=Period.parse("2025-H1"), communities=communities)
    figures = document["planning"]
    triple = lambda name: tuple(figures[name][key] for key in ("current", "previous", "to_date"))  # noqa: E731
    assert triple("analyses") == (2, 1, 4)
    # End of 2025-H1: north (2025-03) and south (2025-06); end of 2024: north (2024-08) only.
    assert triple("communities_with_current_analysis") == (2, 1, 2)
    assert triple("conflict_potential") == (3.5, 4.0, 3.5)
    assert figures["conflict_potential"]["change"] == -0.5
    # The late draft was logged today, after the period: two plans at its end and at 2024's end
    # (the strategy a draft then, the development plan adopted).
    assert triple("plans") == (2, 2, 2)
    assert figures["plans_by_status"]["adopted"]["current"] == 1
    assert figures["plans_by_status"]["in_implementation"]["current"] == 1
    assert figures["plans_by_status"]["adopted"]["previous"] == 1
    assert figures["plans_by_status"]["draft"]["previous"] == 1
    assert figures["plans_by_status"]["draft"]["current"] == 0
    assert figures["plans_by_kind"]["safety_strategy"]["current"] == 1
    assert triple("plans_adopted") == (1, 1, 2)
    assert triple("strategies_adopted") == (1, 0, 1)
    # Due in H1 and not dropped: 3; of them done by the end of June: 1.
    assert triple("measures_due") == (3, 0, 3)
    assert triple("measures_implemented") == (1, 0, 1)
    assert figures["measures_implemented_rate"]["current"] == pytest.approx(1 / 3, abs=1e-4)
    assert triple("initiatives_started") == (1, 1, 2)
    assert triple("regulations_adopted") == (1, 0, 1)


def test_a_community_row_shows_its_risk_matrix_and_plan_status(planned):
    communities, north, south = planned
    document = compute_indicators(period=Period.parse("2025-H1"), communities=communities)
    rows = {row["id"]: row["planning"] for row in document["community_rows"]}
    analysis = rows[north.pk]["analysis"]
    assert (analysis["analysed_on"], analysis["conflict_potential"], analysis["risks"]) == ("2025-03-01", 2, 3)
    # Likelihood 5 is the first row, impact 1 the first column.
    assert analysis["matrix"][0] == [2, 0, 0, 0, 0]
    assert analysis["matrix"][3] == [0, 0, 0, 1, 0]
    assert [(plan["title"], plan["status"], plan["decision_number"]) for plan in rows[north.pk]["plans"]] == [
        ("Стратегія безпеки", "adopted", "7/1")
    ]
    south_plan = rows[south.pk]["plans"][0]
    assert (south_plan["status"], south_plan["measures"], south_plan["measures_done"]) == ("in_implementation", 5, 1)
