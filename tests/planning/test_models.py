"""The rules of safety planning: scales from 1 to 5, an adopted plan's decision, a measure within
its plan's period, moves only along the life cycle, each logged with who and when."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from access.viewer import Viewer
from communities.models import Community
from incidents.services import incident_report
from planning.models import PLAN_STATUS_MOVES, Measure, MeasureStatus, Plan, PlanStatus, PlanStatusChange, Risk
from planning.services import initiative_add, plan_move, risk_link_incidents
from tests.communities.factories import CommunityFactory
from tests.planning.factories import AnalysisFactory, RiskFactory, plan_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The errors are read in English (the catalogues translate them for uk, cs and ru)."""
    with translation.override("en"):
        yield


DECISION = {"adopted_by": "Сесія міської ради", "adopted_on": date(2025, 4, 1), "decision_number": "12/3"}


@pytest.mark.parametrize("field", ["likelihood", "impact"])
@pytest.mark.parametrize("value", [0, 6])
def test_a_risk_outside_1_to_5_is_refused_with_a_clear_error(field, value):
    risk = RiskFactory.build(analysis=AnalysisFactory(), **{field: value})
    with pytest.raises(ValidationError) as error:
        risk.full_clean()
    assert error.value.message_dict[field] == ["Give a value from 1 to 5."]


def test_the_database_refuses_a_likelihood_of_6_too():
    risk = RiskFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=risk.pk).update(likelihood=6)


def test_an_analysis_takes_the_programme_its_community_takes_part_in():
    analysis = AnalysisFactory()
    assert analysis.programme.code == "TEST"


def test_a_plan_is_recorded_with_its_first_status_logged(staff_user, community):
    plan = plan_in(community, actor=staff_user)
    assert list(plan.status_changes.values_list("from_status", "to_status", "by")) == [
        ("", PlanStatus.DRAFT, staff_user.pk)
    ]


def test_a_plan_moves_along_its_life_cycle_and_each_move_is_logged(staff_user, community):
    plan = plan_in(community, actor=staff_user)
    plan_move(plan=plan, to_status=PlanStatus.CONSULTATION, actor=staff_user, note="Громадські слухання")
    plan_move(plan=plan, to_status=PlanStatus.SUBMITTED, actor=staff_user)
    plan_move(plan=plan, to_status=PlanStatus.ADOPTED, actor=staff_user, **DECISION)
    plan.refresh_from_db()
    assert (plan.status, plan.decision_number, plan.adopted_on) == (PlanStatus.ADOPTED, "12/3", date(2025, 4, 1))
    moves = list(PlanStatusChange.objects.filter(plan=plan).values_list("from_status", "to_status", "by", "note"))
    assert moves == [
        ("", "draft", staff_user.pk, ""),
        ("draft", "consultation", staff_user.pk, "Громадські слухання"),
        ("consultation", "submitted", staff_user.pk, ""),
        ("submitted", "adopted", staff_user.pk, ""),
    ]
    assert all(change.at is not None for change in plan.status_changes.all())


def test_a_draft_cannot_jump_to_adopted_and_nothing_changes(staff_user, community):
    plan = plan_in(community, actor=staff_user)
    with pytest.raises(ValidationError) as error:
        plan_move(plan=plan, to_status=PlanStatus.ADOPTED, actor=staff_user, **DECISION)
    assert "cannot go from “Draft” to “Adopted”" in error.value.message_dict["status"][0]
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT
    assert plan.status_changes.count() == 1


def test_adopting_needs_the_body_the_date_and_the_decision_number(staff_user, community):
    plan = plan_in(community, actor=staff_user, status=PlanStatus.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        plan_move(plan=plan, to_status=PlanStatus.ADOPTED, actor=staff_user, adopted_by="Рада")
    assert {"adopted_on", "decision_number"} <= error.value.message_dict.keys()
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


def test_the_database_refuses_an_adopted_plan_without_a_decision(community):
    plan = plan_in(community)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.ADOPTED)


def test_evaluated_and_expired_end_the_life_cycle():
    assert PLAN_STATUS_MOVES[PlanStatus.EVALUATED] == frozenset()
    assert PLAN_STATUS_MOVES[PlanStatus.EXPIRED] == frozenset()
    reachable, frontier = set(), {PlanStatus.DRAFT.value}
    while frontier:
        status = frontier.pop()
        reachable.add(status)
        frontier |= set(PLAN_STATUS_MOVES[status]) - reachable
    assert reachable == set(PlanStatus.values)


@pytest.mark.parametrize(
    ("due_on", "valid"), [(date(2024, 12, 31), False), (date(2025, 1, 1), True), (date(2028, 1, 1), False)]
)
def test_a_measure_is_due_within_its_plans_period(community, due_on, valid):
    measure = Measure(plan=plan_in(community), title="Освітлення", due_on=due_on)
    if valid:
        measure.full_clean()
        return
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "within the plan's period" in error.value.message_dict["due_on"][0]


def test_a_done_measure_needs_the_date_it_was_done(community):
    measure = Measure(plan=plan_in(community), title="Освітлення", due_on=date(2025, 6, 1), status=MeasureStatus.DONE)
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "done_on" in error.value.message_dict


def test_a_risk_links_only_incidents_of_its_community(staff_user, community, other_community):
    risk = RiskFactory(analysis=AnalysisFactory(community=community))
    elsewhere = incident_report(
        actor=staff_user,
        community=other_community,
        category="public_order",
        occurred_at=datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
        title="Бійка",
    )
    with pytest.raises(ValidationError):
        risk_link_incidents(risk=risk, incidents=[elsewhere])
    assert risk.incidents.count() == 0


def test_a_plan_builds_on_an_analysis_of_its_own_community(community, other_community):
    plan = Plan(
        community=community,
        kind="safety_strategy",
        title="Стратегія",
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 1, 1),
        analysis=AnalysisFactory(community=other_community),
    )
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "analysis" in error.value.message_dict


def test_a_negotiator_adds_an_initiative_in_their_own_community_only(negotiator_user, community):
    viewer = Viewer.for_user(negotiator_user)
    initiative = initiative_add(
        viewer=viewer, community=community, title="Світло у дворах", started_on=date(2025, 5, 1)
    )
    assert initiative.negotiator == negotiator_user.negotiator
    assert initiative.programme.code == "TEST"
    elsewhere: Community = CommunityFactory()
    with pytest.raises(PermissionDenied):
        initiative_add(viewer=viewer, community=elsewhere, title="Чуже", started_on=date(2025, 5, 1))


def test_linking_or_deleting_an_incident_logs_a_change_of_the_analysis(staff_user, community):
    from api.models import Change

    risk = RiskFactory(analysis=AnalysisFactory(community=community))
    incident = incident_report(
        actor=staff_user,
        community=community,
        category="public_order",
        occurred_at=datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
        title="Бійка",
    )
    changes = Change.objects.filter(collection="analyses", object_id=risk.analysis_id)
    before = changes.count()
    risk_link_incidents(risk=risk, incidents=[incident])
    linked = changes.count()
    assert linked > before
    incident.delete()
    assert changes.count() > linked
