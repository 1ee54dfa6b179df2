"""The rules of case work: a basis for every case, moves along the life cycles, the supervisor's
approvals, dates in order, nothing lost."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from casework.models import (
    ActionStatus,
    AgeGroup,
    Beneficiary,
    BeneficiaryIdentity,
    CaseOutcome,
    CaseStatus,
    ConsentMethod,
    GoalStatus,
    LegalBasis,
    NeedDomain,
    NeedLevel,
    ReferralStatus,
)
from casework.services import (
    action_add,
    action_done,
    beneficiary_register,
    case_move,
    case_open,
    consent_withdraw,
    contact_log,
    goal_add,
    goal_set_status,
    identity_save,
    needs_assess,
    referral_create,
    referral_move,
)
from incidents.models import IncidentStatus
from tests.casework.factories import (
    AgencyFactory,
    BeneficiaryFactory,
    CaseFactory,
    CaseWorkerUserFactory,
    GoalFactory,
    ReferralFactory,
)
from tests.communities.factories import CommunityFactory, RegionFactory
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db

CONSENT = {"purpose": "Case management", "given_on": date(2025, 1, 10), "method": ConsentMethod.WRITTEN}


@pytest.fixture(autouse=True)
def _english():
    """The messages are compared in English (the services speak the active language)."""
    with translation.override("en"):
        yield


def message_of(error: ValidationError, field: str) -> str:
    return " ".join(str(message) for message in error.message_dict[field])


@pytest.fixture
def worker():
    return CaseWorkerUserFactory()


@pytest.fixture
def supervisor():
    return CaseWorkerUserFactory()


@pytest.fixture
def case(worker, supervisor):
    return CaseFactory(case_worker=worker, supervisor=supervisor)


# --- the person -----------------------------------------------------------------------------------


def test_registering_gives_a_case_code_of_the_country_and_keeps_the_identity_encrypted(worker):
    community = CommunityFactory(region=RegionFactory(country="KG", name="Чүй"))
    beneficiary = beneficiary_register(
        community=community,
        identity={"full_name": "Айгуль Садыкова", "year_of_birth": "1950", "phone": "+996 555 123 456"},
        consent=CONSENT,
        sex="female",
        vulnerabilities=["refugee", "older_person"],
        languages="кыргызча, русский",
        by=worker,
    )
    assert re.fullmatch(r"KG-\d{6}", beneficiary.code)
    assert beneficiary.age_group == AgeGroup.OLDER
    assert beneficiary.vulnerabilities() == ["refugee", "older_person"]
    assert beneficiary.identity.full_name == "Айгуль Садыкова"
    consent = beneficiary.consents.get()
    assert consent.recorded_by == worker
    assert consent.in_force(date(2025, 2, 1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM casework_beneficiaryidentity WHERE id = %s", [beneficiary.identity.pk])
        assert "Айгуль" not in cursor.fetchone()[0]


def test_registering_without_a_consent_or_legal_basis_is_refused(worker, community):
    with pytest.raises(ValidationError) as error:
        beneficiary_register(community=community, identity={"full_name": "Ніна Коваль"}, consent={}, by=worker)
    assert "consent or another legal basis" in message_of(error.value, "consent")
    assert not Beneficiary.objects.exists()


def test_registering_reports_the_identitys_and_the_consents_errors_together(worker, community):
    with pytest.raises(ValidationError) as error:
        beneficiary_register(
            community=community,
            identity={"full_name": "", "year_of_birth": "84"},
            consent={"purpose": "Case management", "given_on": timezone.localdate() + timedelta(days=1)},
            by=worker,
        )
    assert {"full_name", "year_of_birth", "method", "given_on"} <= set(error.value.message_dict)
    assert not BeneficiaryIdentity.objects.exists()


def test_another_legal_basis_needs_no_method(worker, community):
    beneficiary = beneficiary_register(
        community=community,
        identity={"full_name": "Ігор Бондар"},
        consent={"basis": LegalBasis.VITAL_INTERESTS, "purpose": "Urgent shelter", "given_on": date(2025, 1, 10)},
        by=worker,
    )
    assert beneficiary.consents.get().method == ConsentMethod.NOT_APPLICABLE
    assert beneficiary.age_group == AgeGroup.UNKNOWN


def test_unknown_vulnerabilities_and_identity_fields_are_refused(worker, community):
    with pytest.raises(ValidationError) as error:
        beneficiary_register(
            community=community, identity={"full_name": "X"}, consent=CONSENT, vulnerabilities=["rich"], by=worker
        )
    assert "vulnerabilities" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        beneficiary_register(community=community, identity={"nickname": "X"}, consent=CONSENT, by=worker)
    assert "identity" in error.value.message_dict


def test_only_users_who_work_cases_register_people(manager_user, community):
    with pytest.raises(PermissionDenied):
        beneficiary_register(community=community, identity={"full_name": "X"}, consent=CONSENT, by=manager_user)


def test_saving_the_identity_updates_the_age_group(worker):
    beneficiary = BeneficiaryFactory(identity__year_of_birth="1984")
    identity_save(beneficiary, year_of_birth=str(timezone.localdate().year - 10), phone="", by=worker)
    beneficiary.refresh_from_db()
    assert beneficiary.age_group == AgeGroup.CHILD
    assert beneficiary.identity.phone == ""
    assert beneficiary.identity.full_name.startswith("Оксана")


def test_an_anonymised_persons_identity_cannot_be_changed(worker):
    beneficiary = BeneficiaryFactory(anonymised_at=timezone.now())
    with pytest.raises(ValidationError):
        identity_save(beneficiary, full_name="Someone", by=worker)


def test_a_consent_is_withdrawn_once_and_not_in_the_future(worker):
    consent = BeneficiaryFactory().consents.get()
    with pytest.raises(ValidationError):
        consent_withdraw(consent, on=timezone.localdate() + timedelta(days=1), by=worker)
    consent_withdraw(consent, on=date(2025, 6, 1), by=worker)
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2025, 6, 1)
    with pytest.raises(ValidationError):
        consent_withdraw(consent, on=date(2025, 7, 1), by=worker)


# --- opening a case -------------------------------------------------------------------------------


def test_opening_a_case_logs_its_first_status(worker, supervisor):
    beneficiary = BeneficiaryFactory()
    case = case_open(
        beneficiary=beneficiary,
        community=beneficiary.community,
        case_worker=worker,
        supervisor=supervisor,
        opened_on=date(2025, 3, 1),
        by=worker,
    )
    assert case.status == CaseStatus.OPENED
    assert case.programme is not None
    change = case.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("", CaseStatus.OPENED, worker)


def test_no_case_is_opened_without_a_basis_in_force(worker):
    beneficiary = BeneficiaryFactory(consent__given_on=date(2025, 5, 1), consent__withdrawn_on=date(2025, 8, 1))
    for opened_on in (date(2025, 4, 30), date(2025, 8, 1)):
        with pytest.raises(ValidationError) as error:
            case_open(
                beneficiary=beneficiary,
                community=beneficiary.community,
                case_worker=worker,
                opened_on=opened_on,
                by=worker,
            )
        assert "legal basis" in message_of(error.value, "opened_on")
    assert not beneficiary.cases.exists()


def test_the_case_worker_must_work_cases_and_not_supervise_themselves(worker, manager_user):
    beneficiary = BeneficiaryFactory()
    common = {"beneficiary": beneficiary, "community": beneficiary.community, "opened_on": date(2025, 3, 1)}
    with pytest.raises(ValidationError) as error:
        case_open(case_worker=manager_user, by=worker, **common)
    assert "case_worker" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        case_open(case_worker=worker, supervisor=worker, by=worker, **common)
    assert "supervisor" in error.value.message_dict


# --- the life cycle -------------------------------------------------------------------------------


def test_a_case_moves_only_along_its_life_cycle(case, worker):
    with pytest.raises(ValidationError) as error:
        case_move(case, CaseStatus.IN_PROGRESS, on=date(2025, 3, 5), by=worker)
    assert "cannot move" in message_of(error.value, "status")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPENED


def test_errors_speak_the_users_language(case, worker):
    with translation.override("uk"), pytest.raises(ValidationError) as error:
        case_move(case, CaseStatus.IN_PROGRESS, on=date(2025, 3, 5), by=worker)
    assert "не можна перевести" in message_of(error.value, "status")


def test_the_plan_is_agreed_by_the_supervisor_with_at_least_one_goal(case, worker, supervisor):
    case_move(case, CaseStatus.ASSESSED, on=date(2025, 3, 5), by=worker)
    with pytest.raises(ValidationError) as error:
        case_move(case, CaseStatus.PLAN_AGREED, on=date(2025, 3, 6), by=supervisor)
    assert "goal" in message_of(error.value, "status")
    GoalFactory(case=case)
    with pytest.raises(ValidationError) as error:
        case_move(case, CaseStatus.PLAN_AGREED, on=date(2025, 3, 6), by=worker)
    assert "supervisor" in message_of(error.value, "status")
    case = case_move(case, CaseStatus.PLAN_AGREED, on=date(2025, 3, 6), by=supervisor)
    assert (case.plan_approved_by, case.plan_approved_on) == (supervisor, date(2025, 3, 6))


def test_staff_approve_the_plan_of_a_case_without_a_supervisor(worker, staff_user):
    case = CaseFactory(case_worker=worker, status=CaseStatus.ASSESSED)
    GoalFactory(case=case)
    with pytest.raises(ValidationError):
        case_move(case, CaseStatus.PLAN_AGREED, on=date(2025, 3, 6), by=worker)
    case = case_move(case, CaseStatus.PLAN_AGREED, on=date(2025, 3, 6), by=staff_user)
    assert case.plan_approved_by == staff_user


def test_closing_needs_an_outcome_and_the_supervisors_approval(case, worker, supervisor):
    with pytest.raises(ValidationError) as error:
        case_move(case, CaseStatus.CLOSED, on=date(2025, 4, 1), by=supervisor)
    assert "outcome" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        case_move(case, CaseStatus.CLOSED, on=date(2025, 4, 1), by=worker, outcome=CaseOutcome.GOALS_MET)
    assert "supervisor" in message_of(error.value, "status")
    case = case_move(case, CaseStatus.CLOSED, on=date(2025, 4, 1), by=supervisor, outcome=CaseOutcome.GOALS_MET)
    assert (case.status, case.closed_on, case.outcome) == (CaseStatus.CLOSED, date(2025, 4, 1), CaseOutcome.GOALS_MET)
    assert (case.closure_approved_by, case.closure_approved_on) == (supervisor, date(2025, 4, 1))
    change = case.status_changes.get(to_status=CaseStatus.CLOSED)
    assert (change.from_status, change.outcome, change.changed_by) == (
        CaseStatus.OPENED,
        CaseOutcome.GOALS_MET,
        supervisor,
    )


def test_a_withdrawn_consent_lets_the_worker_close_and_stops_every_other_move(case, worker):
    consent_withdraw(case.beneficiary.consents.get(), on=date(2025, 3, 20), by=worker)
    with pytest.raises(ValidationError) as error:
        case_move(case, CaseStatus.ASSESSED, on=date(2025, 3, 21), by=worker)
    assert "legal basis" in message_of(error.value, "status")
    case = case_move(case, CaseStatus.CLOSED, on=date(2025, 3, 21), by=worker, outcome=CaseOutcome.CONSENT_WITHDRAWN)
    assert case.outcome == CaseOutcome.CONSENT_WITHDRAWN
    assert case.closure_approved_by is None


def test_the_outcome_consent_withdrawn_needs_a_withdrawn_consent(case, supervisor):
    with pytest.raises(ValidationError) as error:
        case_move(case, CaseStatus.CLOSED, on=date(2025, 4, 1), by=supervisor, outcome=CaseOutcome.CONSENT_WITHDRAWN)
    assert "still in force" in message_of(error.value, "outcome")


def test_reopening_needs_a_reason_and_clears_the_closure(case, worker, supervisor):
    case_move(case, CaseStatus.CLOSED, on=date(2025, 4, 1), by=supervisor, outcome=CaseOutcome.PERSON_LEFT)
    with pytest.raises(ValidationError) as error:
        case_move(case, CaseStatus.IN_PROGRESS, on=date(2025, 5, 1), by=worker, reason="  ")
    assert "reason" in error.value.message_dict
    case = case_move(case, CaseStatus.IN_PROGRESS, on=date(2025, 5, 1), by=worker, reason="The person came back")
    assert (case.closed_on, case.outcome, case.closure_approved_by) == (None, "", None)
    change = case.status_changes.get(to_status=CaseStatus.IN_PROGRESS)
    assert change.reason == "The person came back"


def test_a_move_is_dated_neither_before_the_last_one_nor_in_the_future(case, worker):
    case_move(case, CaseStatus.ASSESSED, on=date(2025, 3, 10), by=worker)
    GoalFactory(case=case)
    for on in (date(2025, 3, 9), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            case_move(case, CaseStatus.CLOSED, on=on, by=case.supervisor, outcome=CaseOutcome.PARTLY_MET)
        assert "on" in error.value.message_dict


def test_someone_who_does_not_work_the_case_cannot_move_it(case):
    with pytest.raises(PermissionDenied):
        case_move(case, CaseStatus.ASSESSED, on=date(2025, 3, 5), by=CaseWorkerUserFactory())


# --- needs and the plan ---------------------------------------------------------------------------


def test_assessing_needs_moves_an_opened_case_to_assessed(case, worker):
    assessment = needs_assess(
        case,
        assessed_on=date(2025, 3, 4),
        needs={NeedDomain.DOCUMENTS: (NeedLevel.HIGH, "No passport"), NeedDomain.HOUSING: (NeedLevel.LOW, "")},
        notes="First visit",
        by=worker,
    )
    assert {need.domain: need.level for need in assessment.needs.all()} == {"documents": 3, "housing": 1}
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSED
    assert case.status_changes.filter(to_status=CaseStatus.ASSESSED, changed_on=date(2025, 3, 4)).exists()


def test_an_assessment_with_an_unknown_domain_or_before_the_opening_is_refused(case, worker):
    with pytest.raises(ValidationError) as error:
        needs_assess(case, assessed_on=date(2025, 3, 4), needs={"luck": (1, "")}, by=worker)
    assert "needs" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        needs_assess(case, assessed_on=date(2025, 2, 1), needs={"health": (1, "")}, by=worker)
    assert "assessed_on" in error.value.message_dict
    assert not case.assessments.exists()


def test_goals_and_actions_make_the_plan(case, worker, supervisor):
    first = goal_add(case, domain=NeedDomain.DOCUMENTS, description="Passport", by=worker)
    second = goal_add(case, domain=NeedDomain.EMPLOYMENT, description="A job", by=worker)
    assert (first.position, second.position) == (1, 2)
    action = action_add(first, description="Apply", assignee=supervisor, due_on=date(2025, 4, 1), by=worker)
    action = action_done(action, on=date(2025, 3, 20), by=worker)
    assert (action.status, action.done_on) == (ActionStatus.DONE, date(2025, 3, 20))
    with pytest.raises(ValidationError):
        action_done(action, on=date(2025, 3, 21), by=worker)
    assert goal_set_status(first, GoalStatus.MET, by=worker).status == GoalStatus.MET


def test_an_action_is_assigned_only_to_someone_who_works_the_case(case, worker):
    goal = GoalFactory(case=case)
    with pytest.raises(ValidationError) as error:
        action_add(goal, description="Call", assignee=CaseWorkerUserFactory(), by=worker)
    assert "assignee" in error.value.message_dict


def test_a_closed_case_takes_no_new_goal_or_contact(worker, supervisor):
    case = CaseFactory(
        case_worker=worker,
        status=CaseStatus.CLOSED,
        closed_on=date(2025, 4, 1),
        outcome=CaseOutcome.GOALS_MET,
    )
    with pytest.raises(ValidationError):
        goal_add(case, domain=NeedDomain.HEALTH, description="Clinic", by=worker)
    with pytest.raises(ValidationError):
        contact_log(case, kind="phone", happened_on=date(2025, 4, 2), by=worker)


def test_a_contact_is_logged_between_the_opening_and_today(case, worker):
    contact = contact_log(case, kind="visit", happened_on=date(2025, 3, 3), note="Home visit", by=worker)
    assert (contact.recorded_by, contact.note) == (worker, "Home visit")
    with pytest.raises(ValidationError) as error:
        contact_log(case, kind="visit", happened_on=date(2025, 2, 3), by=worker)
    assert "happened_on" in error.value.message_dict


# --- referrals ------------------------------------------------------------------------------------


def test_a_case_referral_takes_the_cases_community_and_logs_it_sent(case, worker):
    referral = referral_create(
        agency=AgencyFactory(),
        sent_on=date(2025, 3, 10),
        case=case,
        reason="Lost passport",
        follow_up_on=date(2025, 3, 20),
        by=worker,
    )
    assert (referral.community, referral.status, referral.recorded_by) == (case.community, ReferralStatus.SENT, worker)
    change = referral.status_changes.get()
    assert (change.to_status, change.changed_on) == (ReferralStatus.SENT, date(2025, 3, 10))


def test_referring_an_incident_leaves_it_open(negotiator_user, community):
    incident = IncidentFactory(community=community, status=IncidentStatus.IN_PROGRESS)
    referral = referral_create(agency=AgencyFactory(), sent_on=date(2025, 3, 12), incident=incident, by=negotiator_user)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.IN_PROGRESS
    assert referral.community == community


def test_an_incident_of_another_community_cannot_be_referred(negotiator_user, other_community):
    with pytest.raises(PermissionDenied):
        referral_create(
            agency=AgencyFactory(),
            sent_on=date(2025, 3, 12),
            incident=IncidentFactory(community=other_community),
            by=negotiator_user,
        )


def test_a_referral_needs_an_active_agency_and_a_follow_up_after_sending(case, worker):
    with pytest.raises(ValidationError) as error:
        referral_create(agency=AgencyFactory(active=False), sent_on=date(2025, 3, 10), case=case, by=worker)
    assert "agency" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        referral_create(
            agency=AgencyFactory(), sent_on=date(2025, 3, 10), case=case, follow_up_on=date(2025, 3, 9), by=worker
        )
    assert "follow_up_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        referral_create(agency=AgencyFactory(), sent_on=date(2025, 3, 10), by=worker)
    assert "case" in error.value.message_dict


def test_a_referral_is_followed_to_completion_keeping_every_feedback(worker, case):
    referral = ReferralFactory(case=case, sent_on=date(2025, 3, 10))
    referral = referral_move(referral, ReferralStatus.ACCEPTED, on=date(2025, 3, 12), feedback="Received", by=worker)
    assert referral.accepted_on == date(2025, 3, 12)
    referral = referral_move(
        referral, ReferralStatus.IN_PROGRESS, on=date(2025, 3, 15), follow_up_on=date(2025, 4, 1), by=worker
    )
    assert referral.follow_up_on == date(2025, 4, 1)
    referral = referral_move(referral, ReferralStatus.COMPLETED, on=date(2025, 4, 2), feedback="Issued", by=worker)
    assert (referral.accepted_on, referral.completed_on) == (date(2025, 3, 12), date(2025, 4, 2))
    assert referral.feedback == "2025-03-12: Received\n\n2025-04-02: Issued"
    assert list(referral.status_changes.values_list("to_status", flat=True)) == [
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.COMPLETED,
    ]
    with pytest.raises(ValidationError):
        referral_move(referral, ReferralStatus.DECLINED, on=date(2025, 4, 3), by=worker)


def test_an_answer_after_no_answer_reopens_the_referral(worker, case):
    referral = ReferralFactory(case=case, sent_on=date(2025, 3, 10))
    referral = referral_move(referral, ReferralStatus.NO_ANSWER, on=date(2025, 4, 10), by=worker)
    assert referral.completed_on == date(2025, 4, 10)
    referral = referral_move(referral, ReferralStatus.ACCEPTED, on=date(2025, 4, 12), by=worker)
    assert (referral.completed_on, referral.accepted_on) == (None, date(2025, 4, 12))


def test_referral_dates_stay_in_order(worker, case):
    referral = ReferralFactory(case=case, sent_on=date(2025, 3, 10))
    for on in (date(2025, 3, 9), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            referral_move(referral, ReferralStatus.ACCEPTED, on=on, by=worker)
        assert "on" in error.value.message_dict
    referral_move(referral, ReferralStatus.ACCEPTED, on=date(2025, 3, 20), by=worker)
    with pytest.raises(ValidationError):
        referral_move(referral, ReferralStatus.COMPLETED, on=date(2025, 3, 19), by=worker)


def test_a_referral_outside_ones_cases_cannot_be_moved(case):
    referral = ReferralFactory(case=case)
    with pytest.raises(PermissionDenied):
        referral_move(referral, ReferralStatus.ACCEPTED, on=date(2025, 3, 12), by=CaseWorkerUserFactory())
