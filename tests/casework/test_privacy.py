"""A beneficiary's data: anonymised with their cases' free text and its history, exported whole
(subject access), anonymised by retention once their cases have long been closed."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from casework.models import (
    AgreementParty,
    BeneficiaryIdentity,
    CaseContact,
    CaseOutcome,
    CaseStatus,
    Goal,
    PlanAction,
    Referral,
)
from casework.privacy import BENEFICIARY
from casework.services import (
    case_move,
    contact_log,
    goal_add,
    identity_save,
    needs_assess,
    referral_create,
    referral_move,
)
from privacy.anonymous import REDACTED
from privacy.erasure import own_history, person_anonymise, record_redact
from privacy.models import ErasureRecord, ErasureSource
from privacy.retention import enforce_retention
from privacy.subject_access import person_export, render_export_json
from tests.casework.factories import (
    AgencyFactory,
    AgreementItemFactory,
    BeneficiaryFactory,
    CaseFactory,
    CaseWorkerUserFactory,
)
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


NAME = "Гульнара Абдуллаева"
PHONE = "+998 90 123 45 67"
OLD_NAME = "Гульнара Абдуллаевна"


@pytest.fixture
def worker():
    return CaseWorkerUserFactory()


@pytest.fixture
def case(worker, staff_user):
    """A case with everything that holds text about the person, and an identity changed once."""
    case = CaseFactory(
        case_worker=worker,
        summary=f"{NAME} needs a passport",
        beneficiary__identity__full_name=OLD_NAME,
        beneficiary__identity__phone=PHONE,
    )
    identity_save(case.beneficiary, full_name=NAME, by=worker)
    needs_assess(case, assessed_on=date(2025, 3, 2), needs={"documents": (3, f"{NAME} has no passport")}, by=worker)
    goal = goal_add(case, domain="documents", description="A passport", by=worker)
    PlanAction.objects.create(goal=goal, description=f"Call {PHONE}", due_on=date(2025, 4, 1))
    contact_log(case, kind="phone", happened_on=date(2025, 3, 3), note=f"Talked to {NAME}", by=worker)
    referral = referral_create(
        agency=AgencyFactory(name="Migration service of Tashkent"),
        sent_on=date(2025, 3, 4),
        case=case,
        reason=f"Passport for {NAME}",
        by=worker,
    )
    referral_move(referral, "accepted", on=date(2025, 3, 5), feedback=f"{NAME} came in", by=worker)
    case.refresh_from_db()
    case.summary = f"{NAME} needs a passport and work"
    case.save()
    return case


def texts_of(case):
    case.refresh_from_db()
    return {
        "summary": case.summary,
        "contact": CaseContact.objects.get(case=case).note,
        "need": case.assessments.get().needs.get().description,
        "action": PlanAction.objects.get(goal__case=case).description,
        "referral": (Referral.objects.get(case=case).reason, Referral.objects.get(case=case).feedback),
    }


def history_texts(record, fields):
    return [getattr(row, name) for row in own_history(record) for name in fields]


def test_anonymising_a_person_empties_their_identity_and_its_history(case, staff_user):
    beneficiary = case.beneficiary
    erasure = person_anonymise(kind=BENEFICIARY, pk=beneficiary.pk, actor=staff_user, reason="Request")
    identity = BeneficiaryIdentity.objects.get(beneficiary=beneficiary)
    assert identity.full_name == f"anon:{erasure.token}"
    assert (identity.phone, identity.year_of_birth, identity.document_number) == ("", "", "")
    names = history_texts(identity, ["full_name", "phone"])
    assert not {NAME, OLD_NAME, PHONE} & set(names)
    beneficiary.refresh_from_db()
    assert beneficiary.anonymised_at is not None
    # What the figures count stays.
    assert (beneficiary.age_group, beneficiary.vulnerable_displaced) == ("30-59", True)


def test_anonymising_a_person_overwrites_their_cases_free_text_and_its_history(case, staff_user):
    person_anonymise(kind=BENEFICIARY, pk=case.beneficiary.pk, actor=staff_user, reason="Request")
    texts = texts_of(case)
    assert texts == {
        "summary": REDACTED,
        "contact": REDACTED,
        "need": REDACTED,
        "action": REDACTED,
        "referral": (REDACTED, REDACTED),
    }
    assert case.anonymised_at is not None
    assert case.status == CaseStatus.ASSESSED
    for record, fields in (
        (case, ["summary"]),
        (CaseContact.objects.get(case=case), ["note"]),
        (Goal.objects.get(case=case), ["description"]),
        (Referral.objects.get(case=case), ["reason", "feedback"]),
    ):
        assert all(NAME not in (text or "") for text in history_texts(record, fields)), record


def test_a_persons_name_is_replaced_in_other_records_free_text(case, staff_user):
    other = CaseFactory(summary=f"Neighbour of {NAME}")
    incident = IncidentFactory(description=f"{NAME} complained about the noise")
    erasure = person_anonymise(kind=BENEFICIARY, pk=case.beneficiary.pk, actor=staff_user, reason="Request")
    other.refresh_from_db()
    incident.refresh_from_db()
    assert other.summary == f"Neighbour of [anon:{erasure.token}]"
    assert NAME not in incident.description


def test_anonymising_someone_else_scrubs_their_name_from_case_notes(case, staff_user, worker):
    party = IncidentFactory().parties.create(role="witness", full_name="Рустам Назаров", phone="+998 91 000 00 00")
    contact_log(case, kind="visit", happened_on=date(2025, 3, 6), note="Рустам Назаров was there", by=worker)
    person_anonymise(kind="party", pk=party.pk, actor=staff_user, reason="Request")
    notes = [contact.note for contact in CaseContact.objects.filter(case=case)]
    assert not any("Рустам Назаров" in note for note in notes)


def test_the_export_holds_everything_about_the_person(case, staff_user):
    AgreementParty.objects.create(
        agreement=AgreementItemFactory().agreement, beneficiary=case.beneficiary, side="tenant"
    )
    document = person_export(kind=BENEFICIARY, pk=case.beneficiary.pk, actor=staff_user)
    linked = document["linked"]
    assert document["name"] == case.beneficiary.code
    assert linked["identity"]["full_name"] == NAME
    assert OLD_NAME in [row["values"]["full_name"] for row in linked["identity_history"]]
    assert linked["consents"][0]["purpose"]
    [exported] = linked["cases"]
    assert exported["summary"] == case.summary
    assert exported["contacts"][0]["note"] == f"Talked to {NAME}"
    assert exported["plan"][0]["actions"][0]["description"] == f"Call {PHONE}"
    assert exported["referrals"][0]["agency"] == "Migration service of Tashkent"
    assert [change["to_status"] for change in exported["referrals"][0]["status_changes"]] == ["Sent", "Accepted"]
    assert linked["mediation_agreements"][0]["side"] == "tenant"
    assert render_export_json(document)


def test_a_cases_free_text_is_redacted_on_its_own(case, staff_user):
    record_redact(kind="case", pk=case.pk, fields=["summary", "contacts"], reason="Typed by mistake", actor=staff_user)
    texts = texts_of(case)
    assert (texts["summary"], texts["contact"]) == (REDACTED, REDACTED)
    assert texts["need"] == f"{NAME} has no passport"
    assert all(NAME not in (text or "") for text in history_texts(case, ["summary"]))


# --- retention ------------------------------------------------------------------------------------


@pytest.fixture
def five_years(settings):
    settings.PRIVACY_RETENTION = {**settings.PRIVACY_RETENTION, "cases_years": 5}


def closed_case(closed_on, **kwargs):
    return CaseFactory(
        opened_on=closed_on - timedelta(days=30),
        status=CaseStatus.CLOSED,
        closed_on=closed_on,
        outcome=CaseOutcome.GOALS_MET,
        **kwargs,
    )


def test_people_whose_cases_closed_past_the_period_are_anonymised(five_years):
    today = timezone.localdate()
    long_ago = closed_case(today - timedelta(days=6 * 366))
    recently = closed_case(today - timedelta(days=366))
    still_open = closed_case(today - timedelta(days=6 * 366))
    CaseFactory(beneficiary=still_open.beneficiary, opened_on=today - timedelta(days=10))

    assert enforce_retention(dry_run=True)["closed_cases"] == 1
    assert enforce_retention()["closed_cases"] == 1

    long_ago.beneficiary.refresh_from_db()
    assert long_ago.beneficiary.anonymised_at is not None
    assert long_ago.beneficiary.identity.full_name.startswith("anon:")
    erasure = ErasureRecord.objects.get()
    assert (erasure.kind, erasure.object_id, erasure.source) == (
        BENEFICIARY,
        long_ago.beneficiary.pk,
        ErasureSource.RETENTION,
    )
    for kept in (recently, still_open):
        kept.beneficiary.refresh_from_db()
        assert kept.beneficiary.anonymised_at is None
    assert enforce_retention()["closed_cases"] == 0


def test_people_registered_long_ago_without_a_case_are_anonymised(five_years):
    forgotten = BeneficiaryFactory()
    type(forgotten).objects.filter(pk=forgotten.pk).update(created_at=timezone.now() - timedelta(days=6 * 366))
    BeneficiaryFactory()
    assert enforce_retention()["closed_cases"] == 1
    forgotten.refresh_from_db()
    assert forgotten.anonymised_at is not None


def test_an_anonymised_case_cannot_move_or_change(case, staff_user, worker):
    person_anonymise(kind=BENEFICIARY, pk=case.beneficiary.pk, actor=staff_user, reason="Request")
    with pytest.raises(ValidationError, match="anonymised"):
        case_move(case, CaseStatus.CLOSED, on=date(2025, 4, 1), by=staff_user, outcome=CaseOutcome.PERSON_LEFT)
    with pytest.raises(ValidationError, match="anonymised"):
        identity_save(case.beneficiary, full_name="Back", by=worker)
