"""The field app's case work pages (``/field/cases/``, ``/field/referrals/``, ``/field/tasks/``):
who may open what (anyone but the case's team finds nothing), what the phone may keep (case
codes and tasks only), the view log of identifying data, and the forms' exactly-once sending."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from casework.models import (
    ActionStatus,
    CaseContact,
    ContactKind,
    Referral,
    ReferralStatus,
)
from communities.models import Country
from privacy.models import PersonalDataView, ViewChannel
from tests.accounts.support import verified_login
from tests.casework.factories import (
    AgencyFactory,
    CaseFactory,
    CaseWorkerUserFactory,
    GoalFactory,
    PlanActionFactory,
    ReferralFactory,
)
from tests.communities.factories import UserFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory

pytestmark = pytest.mark.django_db

JSON = {"accept": "application/json"}
NAME = "Оксана Петренко"


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def kept_pages(response) -> list[str]:
    match = re.search(r'data-keep="([^"]*)"', response.content.decode())
    assert match
    return match.group(1).split()


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    """The pages in English, so that the tests read the messages they check."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def worker(db):
    return CaseWorkerUserFactory(username="aigul", first_name="Айгуль")


@pytest.fixture
def case(worker, community):
    case = CaseFactory(case_worker=worker, beneficiary__community=community, beneficiary__code="UA-000101")
    action = PlanActionFactory(goal=GoalFactory(case=case), due_on=timezone.localdate() - timedelta(days=3))
    case.overdue_action = action
    return case


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Центр надання адмінпослуг", country=Country.UKRAINE)


def case_pages(case) -> list[str]:
    referral: Referral = ReferralFactory(case=case)  # type: ignore[assignment]
    return [
        reverse("field:case_detail", args=[case.pk]),
        reverse("field:case_person", args=[case.pk]),
        reverse("field:referral_new", args=[case.pk]),
        reverse("field:referral_detail", args=[referral.pk]),
    ]


# --- who may open what ----------------------------------------------------------------------------


def test_a_case_worker_lists_their_cases_by_code_with_the_next_task(client, worker, case):
    other = CaseFactory(beneficiary__code="UA-000999")
    client.force_login(worker)
    response = client.get(reverse("field:case_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "UA-000101" in page
    assert "Plan action" in page or "overdue" in page
    assert other.beneficiary.code not in page
    assert NAME not in page


def test_the_case_page_shows_the_plan_and_referrals_without_the_persons_identity(client, worker, case, agency):
    ReferralFactory(case=case, agency=agency, follow_up_on=timezone.localdate())
    client.force_login(worker)
    response = client.get(reverse("field:case_detail", args=[case.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "UA-000101" in page
    assert "Отримати паспорт громадянина" in page  # the goal
    assert "Центр надання адмінпослуг" in page
    assert NAME not in page
    assert "FA 123456" not in page
    assert reverse("field:case_person", args=[case.pk]) in page
    assert no_store(response)
    assert not PersonalDataView.objects.exists()


@pytest.mark.parametrize("who", ["another case worker", "negotiator here", "negotiator elsewhere", "manager"])
def test_anyone_but_the_cases_team_finds_no_case(client, case, community, other_community, who):
    if who == "another case worker":
        user = CaseWorkerUserFactory()
    elif who == "manager":
        user = UserFactory(role=Role.PROGRAMME_MANAGER)
    else:
        user = UserFactory(role=Role.NEGOTIATOR)
        NegotiatorFactory(user=user, community=community if who == "negotiator here" else other_community)
    if who == "manager":
        verified_login(client, user)
    else:
        client.force_login(user)
    for url in case_pages(case):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("field:action_done", args=[case.overdue_action.pk]), headers=JSON).status_code == 404
    assert case.beneficiary.code not in client.get(reverse("field:case_list")).content.decode()
    assert not PersonalDataView.objects.exists()


def test_a_programme_manager_has_no_case_work_pages(client, manager_user, case):
    verified_login(client, manager_user)
    for name in ("field:case_list", "field:tasks", "field:contact_new"):
        assert client.get(reverse(name)).status_code == 404, name


def test_a_partner_is_kept_out_of_the_field_app(client, partner_user, case):
    client.force_login(partner_user)
    response = client.get(reverse("field:case_detail", args=[case.pk]))
    assert response.status_code == 403
    assert case.beneficiary.code not in response.content.decode()


def test_the_supervisor_and_staff_open_the_case(client, case, staff_user):
    supervisor = CaseWorkerUserFactory(role=Role.NEGOTIATOR)
    case.supervisor = supervisor
    case.save()
    client.force_login(supervisor)
    assert client.get(reverse("field:case_detail", args=[case.pk])).status_code == 200
    assert "UA-000101" in client.get(reverse("field:case_list")).content.decode()
    verified_login(client, staff_user)
    assert client.get(reverse("field:case_detail", args=[case.pk])).status_code == 200
    # Staff may open any case, but theirs are those they work or supervise.
    assert "UA-000101" not in client.get(reverse("field:case_list")).content.decode()


# --- identifying data -----------------------------------------------------------------------------


def test_the_persons_identifying_data_is_never_kept_and_each_opening_is_logged(client, worker, case):
    client.force_login(worker)
    url = reverse("field:case_person", args=[case.pk])
    for _opening in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert NAME in response.content.decode()
        assert "FA 123456" in response.content.decode()
        assert no_store(response)
    views = PersonalDataView.objects.order_by("pk")
    assert views.count() == 2
    view = views.first()
    assert (view.user, view.channel, view.object_id, view.path) == (
        worker,
        ViewChannel.FIELD,
        str(case.beneficiary.identity.pk),
        url,
    )
    assert NAME not in view.label


def test_pages_the_phone_keeps_name_cases_by_code_only(client, worker, case):
    ReferralFactory(case=case, follow_up_on=timezone.localdate())
    client.force_login(worker)
    for name in ("field:home", "field:case_list", "field:tasks", "field:contact_new"):
        response = client.get(reverse(name))
        page = response.content.decode()
        assert response.status_code == 200, name
        assert "no-store" not in response.get("Cache-Control", ""), name
        assert name == "field:home" or "UA-000101" in page, name
        for personal in (NAME, "FA 123456", "+380 67 123 45 67", "Відновлення втраченого паспорта"):
            assert personal not in page, (name, personal)
    assert not PersonalDataView.objects.exists()


# --- a case worker's field app --------------------------------------------------------------------


def test_a_case_worker_lands_on_their_case_work_and_sees_no_communitys_records(client, worker, case, community):
    incident = IncidentFactory(community=community, title="Сварка біля магазину")
    worker.set_password("secret-password")
    worker.save()
    signed_in = client.post(reverse("login"), {"username": worker.username, "password": "secret-password"})
    home = client.get(signed_in["Location"])
    assert home["Location"] == reverse("field:home")
    response = client.get(reverse("field:home"))
    page = response.content.decode()
    assert "My case work" in page
    assert reverse("field:case_list") in page
    assert reverse("field:incident_list") not in page
    assert reverse("field:event_new") not in page
    assert kept_pages(response) == ["/field/", "/field/cases/", "/field/tasks/", "/field/cases/contact/"]
    for name in ("field:incident_list", "field:planning"):
        assert incident.title not in client.get(reverse(name)).content.decode()
    assert client.get(reverse("field:incident_detail", args=[incident.pk])).status_code == 404


def test_a_negotiator_with_cases_keeps_their_case_pages_too_and_one_without_does_not(client, negotiator_user):
    client.force_login(negotiator_user)
    pages = kept_pages(client.get(reverse("field:home")))
    assert "/field/incidents/" in pages
    assert "/field/cases/" not in pages
    CaseFactory(case_worker=negotiator_user)
    pages = kept_pages(client.get(reverse("field:home")))
    assert {"/field/incidents/", "/field/cases/", "/field/tasks/", "/field/cases/contact/"} <= set(pages)


def test_my_tasks_lists_overdue_and_due_tasks_and_the_teams_overdue_ones(client, worker, case):
    soon = timezone.localdate() + timedelta(days=5)
    ReferralFactory(case=case, follow_up_on=soon, agency__name="Міграційна служба")
    supervised = CaseFactory(supervisor=worker, beneficiary__code="UA-000202")
    PlanActionFactory(goal=GoalFactory(case=supervised), due_on=timezone.localdate() - timedelta(days=10))
    client.force_login(worker)
    page = client.get(reverse("field:tasks")).content.decode()
    overdue, rest = page.split("Due</h2>", 1)
    assert "UA-000101 · Documents and legal status" in overdue
    assert "UA-000101 · Міграційна служба" in rest
    assert "My team&#x27;s overdue tasks" in rest or "My team's overdue tasks" in rest
    assert "UA-000202" in rest.split("overdue tasks", 1)[1]
    assert reverse("field:action_done", args=[case.overdue_action.pk]) in overdue


# --- the forms, exactly once ----------------------------------------------------------------------


def test_a_contact_is_logged_once_per_idempotency_key(client, worker, case):
    client.force_login(worker)
    url = reverse("field:contact_new")
    data = {
        "case": case.pk,
        "kind": ContactKind.VISIT,
        "happened_on": timezone.localdate().isoformat(),
        "note": "Вдома",
    }
    first = client.post(url, data, headers={**JSON, "Idempotency-Key": "contact-1"})
    again = client.post(url, data, headers={**JSON, "Idempotency-Key": "contact-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotency-Replayed"] == "true"
    assert first.json() == again.json()
    assert first.json()["url"] == reverse("field:case_detail", args=[case.pk])
    assert no_store(first)
    contact = CaseContact.objects.get()
    assert (contact.case, contact.kind, contact.note, contact.recorded_by) == (case, ContactKind.VISIT, "Вдома", worker)

    changed = client.post(url, {**data, "note": "Інше"}, headers={**JSON, "Idempotency-Key": "contact-1"})
    assert changed.status_code == 422
    assert changed.json()["code"] == "idempotency_conflict"
    assert CaseContact.objects.count() == 1


def test_a_contact_in_someone_elses_case_or_in_the_future_is_refused_at_its_field(client, worker, case):
    other = CaseFactory()
    client.force_login(worker)
    url = reverse("field:contact_new")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, {"case": other.pk, "kind": "visit", "happened_on": tomorrow}, headers=JSON)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"case"}
    response = client.post(url, {"case": case.pk, "kind": "visit", "happened_on": tomorrow}, headers=JSON)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"happened_on"}
    assert not CaseContact.objects.exists()


def test_a_contact_form_without_javascript_keeps_what_was_typed(client, worker, case):
    client.force_login(worker)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("field:contact_new"),
        {"case": case.pk, "kind": "phone", "happened_on": tomorrow, "note": "Дзвінок", "idempotency_key": "k-1"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Дзвінок" in page
    assert 'value="k-1"' in page
    response = client.post(
        reverse("field:contact_new"),
        {"case": case.pk, "kind": "phone", "happened_on": timezone.localdate().isoformat(), "idempotency_key": "k-1"},
    )
    assert response.status_code == 302
    assert CaseContact.objects.get().kind == "phone"


def test_a_referral_goes_to_an_agency_of_the_cases_country_and_is_created_once(client, worker, case, agency):
    czech = AgencyFactory(name="Úřad práce", country=Country.CZECHIA)
    client.force_login(worker)
    url = reverse("field:referral_new", args=[case.pk])
    form = client.get(url).content.decode()
    assert agency.name in form
    assert czech.name not in form
    follow_up = (timezone.localdate() + timedelta(days=14)).isoformat()
    data = {
        "agency": agency.pk,
        "reason": "Паспорт",
        "sent_on": timezone.localdate().isoformat(),
        "follow_up_on": follow_up,
    }
    first = client.post(url, data, headers={**JSON, "Idempotency-Key": "referral-1"})
    again = client.post(url, data, headers={**JSON, "Idempotency-Key": "referral-1"})
    assert first.status_code == again.status_code == 201
    referral = Referral.objects.get()
    assert first.json()["url"] == reverse("field:referral_detail", args=[referral.pk])
    assert (referral.case, referral.agency, referral.status, referral.reason) == (case, agency, "sent", "Паспорт")
    assert referral.follow_up_on.isoformat() == follow_up

    refused = client.post(url, {**data, "agency": czech.pk}, headers={**JSON, "Idempotency-Key": "referral-2"})
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"agency"}
    assert Referral.objects.count() == 1


def test_a_referral_moves_only_along_its_life_cycle_with_the_agencys_feedback(client, worker, case):
    referral = ReferralFactory(case=case)
    client.force_login(worker)
    url = reverse("field:referral_detail", args=[referral.pk])
    page = client.get(url).content.decode()
    assert 'value="completed"' in page
    assert no_store(client.get(url))
    today = timezone.localdate().isoformat()

    before = client.post(url, {"to_status": "accepted", "on": "2025-03-01"}, headers=JSON)
    assert before.status_code == 400
    assert set(before.json()["errors"]) == {"on"}

    data = {"to_status": "completed", "on": today, "feedback": "Паспорт видано"}
    done = client.post(url, data, headers={**JSON, "Idempotency-Key": "move-1"})
    assert done.status_code == 200
    assert client.post(url, data, headers={**JSON, "Idempotency-Key": "move-1"})["Idempotency-Replayed"] == "true"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.completed_on == timezone.localdate()
    assert "Паспорт видано" in referral.feedback
    assert list(referral.status_changes.values_list("to_status", flat=True)) == ["completed"]

    # Ended: no more moves, and a stale form's post is refused at the status.
    assert "Save the status" not in client.get(url).content.decode()
    late = client.post(url, {"to_status": "declined", "on": today}, headers=JSON)
    assert late.status_code == 400
    assert set(late.json()["errors"]) == {"to_status"}


def test_a_negotiator_follows_their_incidents_referral_in_the_field_app(client, negotiator_user, community):
    incident = IncidentFactory(community=community, title="Конфлікт сусідів")
    referral = ReferralFactory(case=None, incident=incident, recorded_by=negotiator_user)
    client.force_login(negotiator_user)
    response = client.get(reverse("field:referral_detail", args=[referral.pk]))
    assert response.status_code == 200
    assert reverse("field:incident_detail", args=[incident.pk]) in response.content.decode()


def test_a_plan_action_is_marked_done_once(client, worker, case):
    client.force_login(worker)
    url = reverse("field:action_done", args=[case.overdue_action.pk])
    first = client.post(url, headers={**JSON, "Idempotency-Key": "done-1"})
    assert first.status_code == 200
    assert first.json()["url"] == reverse("field:case_detail", args=[case.pk])
    action = case.overdue_action
    action.refresh_from_db()
    assert (action.status, action.done_on) == (ActionStatus.DONE, timezone.localdate())
    assert client.post(url, headers={**JSON, "Idempotency-Key": "done-1"})["Idempotency-Replayed"] == "true"
    # Another key: the action is no longer to do.
    second = client.post(url, headers={**JSON, "Idempotency-Key": "done-2"})
    assert second.status_code == 400
    assert "no longer to do" in " ".join(second.json()["errors"]["__all__"])


def test_a_closed_case_offers_no_forms(client, worker, case):
    case.status = "closed"
    case.outcome = "goals_met"
    case.closed_on = timezone.localdate()
    case.save()
    client.force_login(worker)
    page = client.get(reverse("field:case_detail", args=[case.pk])).content.decode()
    assert reverse("field:referral_new", args=[case.pk]) not in page
    assert client.get(reverse("field:referral_new", args=[case.pk])).status_code == 404
    assert "UA-000101" not in client.get(reverse("field:contact_new")).content.decode()


def test_staff_log_a_contact_in_a_case_they_do_not_work_from_its_page(client, staff_user, case):
    verified_login(client, staff_user)
    url = reverse("field:contact_new")
    assert "UA-000101" not in client.get(url).content.decode()
    assert "UA-000101" in client.get(url, {"case": case.pk}).content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(url, {"case": case.pk, "kind": "office", "happened_on": today}, headers=JSON)
    assert response.status_code == 201
    assert CaseContact.objects.get().recorded_by == staff_user


def test_my_tasks_lists_the_first_ones_on_a_phone_and_all_on_request(client, worker, case):
    from casework import views

    goal = GoalFactory(case=case)
    for days in range(1, views.TASKS_SHOWN + 5):
        PlanActionFactory(goal=goal, due_on=timezone.localdate() + timedelta(days=days))
    client.force_login(worker)
    url = reverse("field:tasks")
    page = client.get(url).content.decode()
    assert page.count("Mark done") == views.TASKS_SHOWN
    assert "Tasks not shown: 5." in page
    assert client.get(url, {"all": "1"}).content.decode().count("Mark done") == views.TASKS_SHOWN + 5
