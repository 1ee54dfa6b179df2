"""The portal's *my tasks* (``/casework/tasks/``): mine, overdue then due, and for a supervisor
the team's overdue tasks with whose they are; for those who work cases only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from tests.accounts.support import verified_login
from tests.casework.factories import CaseFactory, CaseWorkerUserFactory, GoalFactory, PlanActionFactory, ReferralFactory

pytestmark = pytest.mark.django_db

URL = "/casework/tasks/"


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    """The pages in English, so that the tests read the messages they check."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_page_is_mounted_under_casework():
    assert reverse("casework:tasks") == URL


def test_staff_see_their_tasks_overdue_then_due_and_their_teams_overdue_ones(client, staff_user):
    today = timezone.localdate()
    mine = CaseFactory(case_worker=staff_user, beneficiary__code="UA-000301")
    PlanActionFactory(goal=GoalFactory(case=mine), due_on=today - timedelta(days=2))
    ReferralFactory(case=mine, follow_up_on=today + timedelta(days=3), agency__name="Служба зайнятості")
    volunteer = CaseWorkerUserFactory(first_name="Бахтияр", last_name="Алиев")
    team = CaseFactory(case_worker=volunteer, supervisor=staff_user, beneficiary__code="UA-000302")
    PlanActionFactory(goal=GoalFactory(case=team), due_on=today - timedelta(days=9))
    PlanActionFactory(goal=GoalFactory(case=team), due_on=today + timedelta(days=9))  # not overdue yet
    CaseFactory(beneficiary__code="UA-000303")  # someone else's

    verified_login(client, staff_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    overdue, due, team_part = page.split("<h2>")[1:4]
    assert "UA-000301 · Documents and legal status" in overdue
    assert "UA-000301 · Служба зайнятості" in due
    assert "UA-000302" in team_part
    assert team_part.count("UA-000302") == 1
    assert "Бахтияр Алиев" in team_part
    assert "UA-000303" not in page
    assert reverse("field:case_detail", args=[mine.pk]) in overdue
    assert "Оксана Петренко" not in page


def test_a_user_who_supervises_no_one_sees_no_team_section(client, staff_user):
    verified_login(client, staff_user)
    page = client.get(URL).content.decode()
    assert "Nothing overdue." in page
    assert "team" not in page


def test_the_portal_home_links_my_tasks_for_those_who_work_cases(client, staff_user, manager_user):
    verified_login(client, staff_user)
    assert URL in client.get(reverse("home")).content.decode()
    verified_login(client, manager_user)
    assert URL not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.PARTNER, Role.DATA_PROTECTION])
def test_those_who_do_not_work_cases_find_no_such_page(client, role):
    user = CaseWorkerUserFactory(role=role)
    if role == Role.PARTNER:
        client.force_login(user)
    else:
        verified_login(client, user)
    assert client.get(URL).status_code == 404


def test_a_case_worker_sees_their_own_tasks_here_too(client):
    worker = CaseWorkerUserFactory()
    case = CaseFactory(case_worker=worker, beneficiary__code="UA-000304")
    PlanActionFactory(goal=GoalFactory(case=case), due_on=timezone.localdate())
    client.force_login(worker)
    assert "UA-000304" in client.get(URL).content.decode()


def test_signed_out_the_page_asks_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
