"""Tasks are derived from the records: whose they are, when they are due, what their titles say."""

from datetime import date

import pytest
from django.urls import reverse

from casework.models import (
    ActionResponsible,
    ActionStatus,
    AgreementStatus,
    CaseOutcome,
    CaseStatus,
    Compliance,
    Referral,
    ReferralStatus,
)
from casework.todo import TaskKind, overdue_referrals, tasks_for, team_overdue
from tests.casework.factories import (
    AgreementItemFactory,
    CaseFactory,
    CaseWorkerUserFactory,
    GoalFactory,
    MediationAgreementFactory,
    PlanActionFactory,
    ReferralFactory,
)
from tests.communities.factories import UserFactory
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 4, 15)


@pytest.fixture
def worker():
    return CaseWorkerUserFactory()


@pytest.fixture
def supervisor():
    return CaseWorkerUserFactory()


@pytest.fixture
def case(worker, supervisor):
    return CaseFactory(case_worker=worker, supervisor=supervisor)


@pytest.fixture
def goal(case):
    return GoalFactory(case=case, domain="documents", description="Passport for Oksana Petrenko")


def test_an_unassigned_action_of_the_case_worker_is_the_case_workers_task(worker, goal):
    action = PlanActionFactory(goal=goal, due_on=date(2025, 4, 10))
    [task] = tasks_for(worker, today=TODAY)
    assert (task.kind, task.source, task.due_on, task.overdue) == (TaskKind.PLAN_ACTION, action, action.due_on, True)
    assert (task.case_code, task.case_id, task.owner_id) == (goal.case.beneficiary.code, goal.case.pk, worker.pk)


def test_an_assigned_action_is_the_assignees_task_only(worker, supervisor, goal):
    PlanActionFactory(goal=goal, assignee=supervisor, due_on=date(2025, 4, 20))
    assert tasks_for(worker, today=TODAY) == []
    [task] = tasks_for(supervisor, today=TODAY)
    assert not task.overdue


def test_actions_nobody_of_the_team_does_are_no_task(worker, goal):
    PlanActionFactory(goal=goal, responsible=ActionResponsible.BENEFICIARY)
    PlanActionFactory(goal=goal, due_on=None)
    PlanActionFactory(goal=goal, status=ActionStatus.DONE, done_on=date(2025, 4, 1))
    PlanActionFactory(goal=goal, status=ActionStatus.CANCELLED)
    assert tasks_for(worker, today=TODAY) == []


def test_a_closed_cases_actions_are_no_task(worker):
    closed = CaseFactory(
        case_worker=worker, status=CaseStatus.CLOSED, closed_on=date(2025, 4, 1), outcome=CaseOutcome.PERSON_LEFT
    )
    PlanActionFactory(goal=GoalFactory(case=closed))
    assert tasks_for(worker, today=TODAY) == []


def test_a_task_title_names_the_case_code_and_domain_never_the_person(worker, goal):
    PlanActionFactory(goal=goal)
    [task] = tasks_for(worker, today=TODAY)
    assert goal.case.beneficiary.code in task.title
    assert "Petrenko" not in task.title
    assert "Оксана" not in task.title
    assert "міграційної" not in task.title


def test_a_referral_follow_up_is_the_case_workers_task_until_it_ends(worker, case):
    waiting = ReferralFactory(case=case, follow_up_on=date(2025, 4, 20))
    ReferralFactory(case=case, follow_up_on=None)
    ReferralFactory(case=case, status=ReferralStatus.COMPLETED, completed_on=date(2025, 4, 1), follow_up_on=TODAY)
    [task] = tasks_for(worker, today=TODAY)
    assert (task.kind, task.source, task.overdue) == (TaskKind.REFERRAL_FOLLOW_UP, waiting, False)
    assert waiting.agency.name in task.title


def test_an_incident_referral_is_the_task_of_whoever_recorded_it(negotiator_user, community):
    referral = ReferralFactory(
        case=None,
        incident=IncidentFactory(community=community),
        recorded_by=negotiator_user,
        follow_up_on=date(2025, 4, 1),
    )
    [task] = tasks_for(negotiator_user, today=TODAY)
    assert (task.source, task.case_code, task.overdue) == (referral, "", True)


def test_pending_agreement_items_are_the_responsibles_tasks(worker):
    agreement = MediationAgreementFactory(responsible=worker, status=AgreementStatus.SIGNED)
    pending = AgreementItemFactory(agreement=agreement, due_on=date(2025, 4, 1))
    AgreementItemFactory(agreement=agreement, compliance=Compliance.KEPT, checked_on=date(2025, 4, 2))
    AgreementItemFactory(agreement=MediationAgreementFactory(responsible=None))
    [task] = tasks_for(worker, today=TODAY)
    assert (task.kind, task.source, task.title, task.overdue) == (
        TaskKind.AGREEMENT_CHECK,
        pending,
        agreement.title,
        True,
    )


def test_tasks_come_earliest_first(worker, case, goal):
    PlanActionFactory(goal=goal, due_on=date(2025, 5, 1))
    ReferralFactory(case=case, follow_up_on=date(2025, 3, 20))
    AgreementItemFactory(agreement=MediationAgreementFactory(responsible=worker), due_on=date(2025, 4, 1))
    assert [task.due_on for task in tasks_for(worker, today=TODAY)] == [
        date(2025, 3, 20),
        date(2025, 4, 1),
        date(2025, 5, 1),
    ]


def test_nobody_signed_in_has_no_task():
    assert tasks_for(None) == []


def test_a_supervisor_sees_the_overdue_tasks_of_the_cases_they_supervise(worker, supervisor, case, goal):
    late = PlanActionFactory(goal=goal, due_on=date(2025, 4, 1))
    PlanActionFactory(goal=goal, due_on=date(2025, 5, 1))
    late_referral = ReferralFactory(case=case, follow_up_on=date(2025, 4, 2))
    PlanActionFactory(goal=GoalFactory(case=CaseFactory(case_worker=worker)), due_on=date(2025, 4, 1))
    tasks = team_overdue(supervisor, today=TODAY)
    assert [task.source for task in tasks] == [late, late_referral]
    assert {task.owner_id for task in tasks} == {worker.pk}
    assert team_overdue(UserFactory(), today=TODAY) == []


def test_overdue_referrals_are_those_not_ended_past_their_follow_up(case):
    late = ReferralFactory(case=case, follow_up_on=date(2025, 4, 1))
    ReferralFactory(case=case, follow_up_on=date(2025, 4, 30))
    ReferralFactory(
        case=case, status=ReferralStatus.DECLINED, completed_on=date(2025, 4, 2), follow_up_on=date(2025, 4, 1)
    )
    assert list(overdue_referrals(Referral.objects.all(), today=TODAY)) == [late]


def test_a_task_links_to_the_admin_page_of_its_record(worker, case, goal):
    PlanActionFactory(goal=goal, due_on=date(2025, 4, 1))
    referral = ReferralFactory(case=case, follow_up_on=date(2025, 4, 2))
    item = AgreementItemFactory(agreement=MediationAgreementFactory(responsible=worker), due_on=date(2025, 4, 3))
    assert [task.url for task in tasks_for(worker, today=TODAY)] == [
        reverse("admin:casework_case_change", args=[case.pk]),
        reverse("admin:casework_referral_change", args=[referral.pk]),
        reverse("admin:casework_mediationagreement_change", args=[item.agreement_id]),
    ]
