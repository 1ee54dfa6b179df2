"""The staff admin of case work: every page opens for staff, nobody else finds it, the forms go
through the services (errors on the form, nothing lost) and every opening is logged."""

from datetime import date

import pytest
from django.apps import apps
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from casework.admin import CaseAdmin
from casework.models import (
    AgreementParty,
    Beneficiary,
    BeneficiaryIdentity,
    Case,
    CaseOutcome,
    CaseStatus,
    FollowUpVisit,
    MediationSession,
    ReferralStatus,
)
from casework.services import case_move, needs_assess, referral_move
from privacy.models import PersonalDataView
from privacy.viewlog import view_label
from tests.accounts.support import verified_login
from tests.casework.factories import (
    AgencyFactory,
    AgreementItemFactory,
    CaseFactory,
    CaseWorkerUserFactory,
    GoalFactory,
    PlanActionFactory,
    ReferralFactory,
)
from tests.communities.factories import UserFactory
from tests.support.factories import MediatorFactory

pytestmark = pytest.mark.django_db

CASEWORK_MODELS = [
    model for model in apps.get_app_config("casework").get_models() if not model.__name__.startswith("Historical")
]
READ_ONLY = {"casestatuschange", "referralstatuschange", "need", "beneficiaryidentity", "planaction"}


def page_data(response) -> dict:
    """The values a change page's form (and its inlines) would send back untouched."""
    data = {}
    context = response.context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value()
        forms.extend(formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = value if not isinstance(value, date) else value.isoformat()
    return data


@pytest.fixture
def worker():
    return CaseWorkerUserFactory()


@pytest.fixture
def case(worker):
    case = CaseFactory(case_worker=worker, beneficiary__identity__full_name="Зарина Юсупова")
    goal = GoalFactory(case=case)
    PlanActionFactory(goal=goal)
    ReferralFactory(case=case, follow_up_on=date(2025, 3, 20))
    return case


@pytest.fixture
def staff_client(client, staff_user):
    verified_login(client, staff_user)
    return client


def urls_of(record_of_each):
    for model in CASEWORK_MODELS:
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_changelist".format(*info)) + "?q=а"
        yield reverse("admin:{}_{}_changelist".format(*info))
        if model._meta.model_name not in READ_ONLY:
            yield reverse("admin:{}_{}_add".format(*info))
        record = record_of_each.get(model)
        if record is not None:
            yield reverse("admin:{}_{}_change".format(*info), args=[record.pk])
            if hasattr(model, "history"):
                yield reverse("admin:{}_{}_history".format(*info), args=[record.pk])


@pytest.fixture
def one_of_each(case):
    item_agreement = AgreementItemFactory().agreement
    AgreementParty.objects.create(agreement=item_agreement, beneficiary=case.beneficiary, side="tenant")
    MediationSession.objects.create(agreement=item_agreement, held_on=date(2025, 2, 10), mediator=MediatorFactory())
    FollowUpVisit.objects.create(agreement=item_agreement, visited_on=date(2025, 6, 1))
    needs_assess(case, assessed_on=date(2025, 3, 2), needs={"documents": (3, "No passport")}, by=case.case_worker)
    case_move(
        case, CaseStatus.CLOSED, on=date(2025, 3, 3), outcome=CaseOutcome.PARTLY_MET, by=UserFactory(role=Role.STAFF)
    )
    referral_move(case.referrals.get(), ReferralStatus.ACCEPTED, on=date(2025, 3, 12), by=case.case_worker)
    return {model: model.objects.order_by("pk").first() for model in CASEWORK_MODELS}


def test_every_case_work_page_opens_for_staff(staff_client, one_of_each):
    failures = [(url, status) for url in urls_of(one_of_each) if (status := staff_client.get(url).status_code) != 200]
    assert failures == []


@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.DATA_PROTECTION])
def test_case_work_is_not_found_for_managers_and_the_dpo(client, one_of_each, role):
    verified_login(client, UserFactory(role=role))
    directory = reverse("admin:casework_agency_changelist")
    for url in urls_of(one_of_each):
        if "/casework/agency/" in url:
            continue
        assert client.get(url).status_code == 404, url
    index = client.get(reverse("admin:index")).content.decode()
    for model in CASEWORK_MODELS:
        if model._meta.model_name != "agency":
            assert f"/casework/{model._meta.model_name}/" not in index
    expected = 200 if role == Role.PROGRAMME_MANAGER else 403
    assert client.get(directory).status_code == expected


def test_the_manager_group_holds_no_case_work_permission_but_the_directory(manager_user):
    codenames = {permission for permission in manager_user.get_all_permissions() if permission.startswith("casework.")}
    assert codenames == {"casework.view_agency", "casework.view_historicalagency"}


def test_the_admin_keeps_only_the_cases_a_viewer_may_open(case, worker):
    other = CaseFactory()
    request = RequestFactory().get("/")
    request.user = worker
    queryset = CaseAdmin(Case, None).get_queryset(request)
    assert list(queryset) == [case]
    assert other not in queryset


def test_registering_a_person_in_the_admin(staff_client, community, staff_user):
    response = staff_client.post(
        reverse("admin:casework_beneficiary_add"),
        {
            "community": community.pk,
            "sex": "female",
            "vulnerabilities": ["refugee"],
            "languages": "uzbek",
            "full_name": "Дилноза Каримова",
            "year_of_birth": "1990",
            "basis": "consent",
            "purpose": "Case management",
            "given_on": "2025-01-10",
            "method": "written",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    beneficiary = Beneficiary.objects.get()
    assert beneficiary.identity.full_name == "Дилноза Каримова"
    assert beneficiary.vulnerable_refugee
    assert beneficiary.consents.get().recorded_by == staff_user


def test_registering_without_a_consent_shows_the_error_and_keeps_what_was_typed(staff_client, community):
    response = staff_client.post(
        reverse("admin:casework_beneficiary_add"),
        {"community": community.pk, "sex": "female", "full_name": "Дилноза Каримова", "basis": "consent"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "purpose" in form.errors
    assert form["full_name"].value() == "Дилноза Каримова"
    assert not Beneficiary.objects.exists()
    assert not BeneficiaryIdentity.objects.exists()


def test_closing_a_case_without_an_outcome_is_an_error_on_the_form(staff_client, case):
    url = reverse("admin:casework_case_change", args=[case.pk])
    data = page_data(staff_client.get(url))
    data.update({"move_to": "closed", "move_on": "2025-04-01", "move_reason": "Moved abroad", "summary": "New"})
    response = staff_client.post(url, data, headers={"accept-language": "en"})
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "move_outcome" in form.errors
    assert form["move_reason"].value() == "Moved abroad"
    case.refresh_from_db()
    assert (case.status, case.summary) == (CaseStatus.OPENED, "")


def test_staff_close_a_case_without_a_supervisor_from_the_admin(staff_client, case, staff_user):
    url = reverse("admin:casework_case_change", args=[case.pk])
    data = page_data(staff_client.get(url))
    data.update({"move_to": "closed", "move_on": "2025-04-01", "move_outcome": "goals_met", "summary": "Done"})
    response = staff_client.post(url, data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome, case.summary) == (CaseStatus.CLOSED, "goals_met", "Done")
    assert case.closure_approved_by == staff_user
    assert case.status_changes.filter(to_status="closed", changed_by=staff_user).exists()


def test_a_contact_and_a_goal_are_added_on_the_case_page(staff_client, case, staff_user):
    url = reverse("admin:casework_case_change", args=[case.pk])
    data = page_data(staff_client.get(url))
    data.update(
        {
            "contacts-TOTAL_FORMS": "1",
            "contacts-0-happened_on": "2025-03-05",
            "contacts-0-kind": "phone",
            "contacts-0-note": "Called about the passport",
            "goals-TOTAL_FORMS": str(int(data["goals-TOTAL_FORMS"]) + 1),
            f"goals-{data['goals-TOTAL_FORMS']}-domain": "housing",
            f"goals-{data['goals-TOTAL_FORMS']}-description": "A room",
            f"goals-{data['goals-TOTAL_FORMS']}-status": "open",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context and [
        f.errors for s in response.context["inline_admin_formsets"] for f in s.formset.forms
    ]
    contact = case.contacts.get()
    assert (contact.note, contact.recorded_by) == ("Called about the passport", staff_user)
    assert case.goals.get(domain="housing").description == "A room"


def test_a_referral_moves_with_the_agencys_feedback_in_the_admin(staff_client, case):
    referral = case.referrals.get()
    url = reverse("admin:casework_referral_change", args=[referral.pk])
    data = page_data(staff_client.get(url))
    data.update({"move_to": "completed", "move_on": "2025-03-25", "move_feedback": "Passport issued"})
    assert staff_client.post(url, data).status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.completed_on) == (ReferralStatus.COMPLETED, date(2025, 3, 25))
    assert referral.feedback == "2025-03-25: Passport issued"


def test_a_referral_move_refused_keeps_the_feedback_typed(staff_client, case):
    referral = case.referrals.get()
    url = reverse("admin:casework_referral_change", args=[referral.pk])
    data = page_data(staff_client.get(url))
    data.update({"move_to": "completed", "move_on": "2025-03-01", "move_feedback": "Passport issued"})
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form["move_feedback"].value() == "Passport issued"
    assert "move_on" in response.context["adminform"].form.errors
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_the_overdue_filter_lists_referrals_past_their_follow_up(staff_client, case):
    ReferralFactory(case=case, follow_up_on=timezone.localdate())
    response = staff_client.get(reverse("admin:casework_referral_changelist"), {"overdue": "yes"})
    assert [row.pk for row in response.context["cl"].result_list] == [case.referrals.order_by("pk").first().pk]


def test_a_referral_is_added_through_the_service(staff_client, case, staff_user):
    agency = AgencyFactory()
    response = staff_client.post(
        reverse("admin:casework_referral_add"),
        {"case": case.pk, "agency": agency.pk, "sent_on": "2025-03-11", "reason": "School place"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    referral = agency.referrals.get()
    assert (referral.community, referral.recorded_by) == (case.community, staff_user)
    assert referral.status_changes.get().to_status == ReferralStatus.SENT


# --- the view log ---------------------------------------------------------------------------------


def logged(path):
    return {(view.username, view.label) for view in PersonalDataView.objects.filter(path=path)}


def test_opening_a_case_logs_the_case_and_the_identity(staff_client, case, staff_user):
    url = reverse("admin:casework_case_change", args=[case.pk])
    page = staff_client.get(url).content.decode()
    assert "Зарина Юсупова" in page
    identity = case.beneficiary.identity
    assert logged(url) == {(staff_user.username, view_label(case)), (staff_user.username, view_label(identity))}


def test_opening_a_person_and_their_history_is_logged(staff_client, case, staff_user):
    beneficiary = case.beneficiary
    for url in (
        reverse("admin:casework_beneficiary_change", args=[beneficiary.pk]),
        reverse("admin:casework_beneficiary_history", args=[beneficiary.pk]),
        reverse("admin:casework_beneficiaryidentity_change", args=[beneficiary.identity.pk]),
    ):
        assert staff_client.get(url).status_code == 200
        assert (staff_user.username, view_label(beneficiary.identity)) in logged(url), url


def test_the_identity_list_is_logged_the_case_list_is_not(staff_client, case, staff_user):
    identities = reverse("admin:casework_beneficiaryidentity_changelist")
    cases = reverse("admin:casework_case_changelist")
    assert "Зарина Юсупова" in staff_client.get(identities).content.decode()
    assert "Зарина Юсупова" not in staff_client.get(cases).content.decode()
    assert logged(identities) == {(staff_user.username, view_label(case.beneficiary.identity))}
    assert logged(cases) == set()
