"""Mediation agreements: started between parties, held in sessions by mediators of the roster,
signed with their commitments, each checked, the agreement's status following its items, and
visits after the signature. Only the moves described are allowed, with dates in order."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from casework.agreements import (
    agreement_item_check,
    agreement_not_reached,
    agreement_party_add,
    agreement_session_add,
    agreement_sign,
    agreement_start,
    followup_visit_add,
    status_from_items,
)
from casework.models import AgreementStatus, Compliance, MediationAgreement
from incidents.models import IncidentParty
from privacy.screening import contact_details
from tests.casework.factories import BeneficiaryFactory
from tests.incidents.factories import IncidentFactory
from tests.support.factories import MediatorFactory

pytestmark = pytest.mark.django_db

START = date(2025, 2, 3)
SIGNED = date(2025, 3, 3)
SIDES = [{"side": "nájemníci domu č. 5"}, {"side": "sousedé z dvora"}]


def start(community, by, **overrides):
    values = {
        "community": community,
        "title": "Dohoda o užívání společného dvora",
        "started_on": START,
        "parties": SIDES,
        "notes": "Spor o hluk a parkování.",
    } | overrides
    return agreement_start(by=by, **values)


@pytest.fixture
def mediator(db):
    return MediatorFactory()


@pytest.fixture
def signed(community, staff_user, mediator):
    agreement = start(community, staff_user)
    agreement_session_add(agreement, held_on=START + timedelta(days=7), mediator=mediator, by=staff_user)
    items = [
        ("Klid po 22. hodině", SIGNED + timedelta(days=30)),
        ("Parkování jen na vyznačených místech", SIGNED + timedelta(days=30)),
        ("Společný úklid dvora jednou za měsíc", SIGNED + timedelta(days=60)),
    ]
    return agreement_sign(agreement, signed_on=SIGNED, items=items, by=staff_user)


def check(agreement, compliances, by, on=None):
    for item, compliance in zip(agreement.items.order_by("pk"), compliances, strict=True):
        agreement_item_check(item, compliance, on=on or SIGNED + timedelta(days=61), by=by)
    agreement.refresh_from_db()
    return agreement.status


def test_a_mediation_starts_between_parties_in_its_community(community, staff_user):
    agreement = start(community, staff_user)
    assert (agreement.status, agreement.programme) == (AgreementStatus.IN_MEDIATION, agreement.programme)
    assert agreement.programme is not None
    assert sorted(agreement.parties.values_list("side", flat=True)) == ["nájemníci domu č. 5", "sousedé z dvora"]
    assert agreement.history.first().history_user == staff_user


def test_a_title_with_a_phone_number_or_an_email_is_refused(community, staff_user):
    for title in ("Dohoda, volat +420 777 123 456", "Dohoda, psát na jana.novakova@seznam.cz"):
        with translation.override("en"), pytest.raises(ValidationError) as error:
            start(community, staff_user, title=title)
        assert "shared with partner organisations" in error.value.message_dict["title"][0]
    assert not MediationAgreement.objects.exists()


def test_the_screen_lets_dates_and_numbers_of_rooms_through():
    assert contact_details("Dohoda z 2025-03-03, dům č. 12, byt 5") == []
    assert contact_details("Договір №123456") == []
    assert contact_details("тел. (044) 123-45-67") != []


def test_a_negotiator_of_another_community_cannot_start_one(other_community, negotiator_user):
    with pytest.raises(PermissionDenied):
        start(other_community, negotiator_user)


def test_the_parties_of_an_incident_take_part_only_in_its_mediation(community, staff_user):
    incident = IncidentFactory(community=community)
    party = IncidentParty.objects.create(incident=incident, role="complainant", full_name="Jana Nováková")
    other = IncidentParty.objects.create(
        incident=IncidentFactory(community=community), role="respondent", full_name="X"
    )
    person = BeneficiaryFactory(community=community)
    agreement = start(
        community,
        staff_user,
        incident=incident,
        started_on=date(2025, 3, 20),
        parties=[{"side": "stěžovatelka", "incident_party": party}, {"side": "nájemník", "beneficiary": person}],
    )
    assert {(p.incident_party, p.beneficiary) for p in agreement.parties.all()} == {(party, None), (None, person)}
    with translation.override("en"), pytest.raises(ValidationError) as error:
        agreement_party_add(agreement, side="soused", incident_party=other, by=staff_user)
    assert error.value.message_dict["parties"] == [
        "A party of an incident takes part only in that incident's mediation."
    ]
    with pytest.raises(ValidationError):
        start(community, staff_user, incident=incident, started_on=date(2025, 3, 1))  # before it happened


def test_sessions_are_held_by_active_mediators_of_the_roster(community, staff_user, mediator):
    agreement = start(community, staff_user)
    session = agreement_session_add(agreement, held_on=START, mediator=mediator, notes="První setkání", by=staff_user)
    assert session.mediator == mediator
    retired = MediatorFactory(is_active=False)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        agreement_session_add(agreement, held_on=START, mediator=retired, by=staff_user)
    assert error.value.message_dict == {"mediator": ["This mediator is no longer active in the roster."]}
    for held_on in (START - timedelta(days=1), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(ValidationError):
            agreement_session_add(agreement, held_on=held_on, mediator=mediator, by=staff_user)
    assert agreement.sessions.count() == 1


def test_signing_needs_two_parties_a_session_and_a_commitment_due_after_it(community, staff_user, mediator):
    agreement = start(community, staff_user, parties=SIDES[:1])
    items = [("Klid po 22. hodině", SIGNED)]
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            agreement_sign(agreement, signed_on=SIGNED, items=items, by=staff_user)
        assert error.value.message_dict == {"parties": ["An agreement is signed by two parties or more."]}
        agreement_party_add(agreement, side="sousedé", by=staff_user)
        with pytest.raises(ValidationError) as error:
            agreement_sign(agreement, signed_on=SIGNED, items=items, by=staff_user)
        assert list(error.value.message_dict) == ["signed_on"]
        agreement_session_add(agreement, held_on=SIGNED, mediator=mediator, by=staff_user)
        with pytest.raises(ValidationError) as error:
            agreement_sign(agreement, signed_on=SIGNED, items=[], by=staff_user)
        assert list(error.value.message_dict) == ["items"]
        with pytest.raises(ValidationError) as error:
            agreement_sign(agreement, signed_on=SIGNED, items=[("Klid", SIGNED - timedelta(days=1))], by=staff_user)
        assert list(error.value.message_dict) == ["items"]
    assert agreement.items.count() == 0
    agreement = agreement_sign(agreement, signed_on=SIGNED, items=items, by=staff_user)
    assert (agreement.status, agreement.signed_on, agreement.items.count()) == ("signed", SIGNED, 1)
    with pytest.raises(ValidationError):
        agreement_sign(agreement, signed_on=SIGNED, items=items, by=staff_user)
    with pytest.raises(ValidationError):
        agreement_party_add(agreement, side="další", by=staff_user)


@pytest.mark.parametrize(
    ("compliances", "status"),
    [
        (["kept", "kept", "kept"], "kept"),
        (["not_kept", "not_kept", "not_kept"], "broken"),
        (["kept", "not_kept", "kept"], "partly_kept"),
        (["partly_kept", "partly_kept", "partly_kept"], "partly_kept"),
        (["not_kept", "partly_kept", "not_kept"], "partly_kept"),
    ],
)
def test_the_agreement_status_follows_its_checked_items(signed, staff_user, compliances, status):
    assert check(signed, compliances, staff_user) == status


def test_the_agreement_stays_signed_while_an_item_waits_for_its_check(signed, staff_user):
    first, second, third = signed.items.order_by("pk")
    agreement_item_check(first, Compliance.NOT_KEPT, on=SIGNED + timedelta(days=31), by=staff_user)
    agreement_item_check(second, Compliance.KEPT, on=SIGNED + timedelta(days=31), by=staff_user)
    signed.refresh_from_db()
    assert signed.status == "signed"
    agreement_item_check(third, Compliance.KEPT, on=SIGNED + timedelta(days=61), by=staff_user)
    signed.refresh_from_db()
    assert signed.status == "partly_kept"
    # A later check replaces the earlier one: the neighbours kept the quiet after all.
    agreement_item_check(first, Compliance.KEPT, on=SIGNED + timedelta(days=90), by=staff_user)
    signed.refresh_from_db()
    assert signed.status == "kept"
    first.refresh_from_db()
    assert (first.compliance, first.checked_on) == ("kept", SIGNED + timedelta(days=90))
    assert signed.history.first().history_user == staff_user


def test_an_item_check_is_a_verdict_dated_after_the_signature_and_the_last_check(signed, staff_user):
    item = signed.items.order_by("pk").first()
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            agreement_item_check(item, Compliance.PENDING, on=SIGNED, by=staff_user)
        assert list(error.value.message_dict) == ["compliance"]
        with pytest.raises(ValidationError) as error:
            agreement_item_check(item, Compliance.KEPT, on=SIGNED - timedelta(days=1), by=staff_user)
        assert list(error.value.message_dict) == ["checked_on"]
        agreement_item_check(item, Compliance.KEPT, on=SIGNED + timedelta(days=40), by=staff_user)
        with pytest.raises(ValidationError):
            agreement_item_check(item, Compliance.NOT_KEPT, on=SIGNED + timedelta(days=39), by=staff_user)
        with pytest.raises(ValidationError):
            agreement_item_check(item, Compliance.KEPT, on=timezone.localdate() + timedelta(days=1), by=staff_user)
    item.refresh_from_db()
    assert item.checked_on == SIGNED + timedelta(days=40)


def test_items_of_an_unsigned_agreement_are_not_checked(community, staff_user, signed):
    unsigned = start(community, staff_user, title="Jiná dohoda")
    item = signed.items.first()
    item.agreement = unsigned
    with pytest.raises(ValidationError):
        agreement_item_check(item, Compliance.KEPT, on=SIGNED, by=staff_user)


def test_follow_up_visits_come_after_the_signature(community, staff_user, signed):
    visit = followup_visit_add(signed, visited_on=SIGNED + timedelta(days=14), notes="Klid", by=staff_user)
    assert (visit.recorded_by, visit.agreement) == (staff_user, signed)
    with pytest.raises(ValidationError):
        followup_visit_add(signed, visited_on=SIGNED - timedelta(days=1), by=staff_user)
    with pytest.raises(ValidationError):
        followup_visit_add(start(community, staff_user, title="Nepodepsaná"), visited_on=SIGNED, by=staff_user)


def test_a_mediation_may_end_without_agreement_and_then_nothing_moves_it(community, staff_user, mediator):
    agreement = agreement_not_reached(start(community, staff_user), by=staff_user)
    assert agreement.status == AgreementStatus.NO_AGREEMENT
    with pytest.raises(ValidationError):
        agreement_session_add(agreement, held_on=START, mediator=mediator, by=staff_user)
    with pytest.raises(ValidationError):
        agreement_sign(agreement, signed_on=SIGNED, items=[("Klid", SIGNED)], by=staff_user)
    with pytest.raises(ValidationError):
        agreement_not_reached(agreement, by=staff_user)


def test_no_items_or_a_pending_one_leave_it_signed():
    assert status_from_items([]) == "signed"
    assert status_from_items(["kept", "pending"]) == "signed"
