"""Free text shared with partners is screened for phone numbers and e-mail addresses."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from incidents.services import incident_report, incident_transition
from privacy.screening import contact_details, screen_shared_text
from tests.casework.factories import MediationAgreementFactory

KYIV = ZoneInfo("Europe/Kyiv")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Спір сусідів через паркан", []),
        ("Дзвонити +380 67 123 45 67 увечері", ["phone"]),
        ("тел. 067-123-45-67", ["phone"]),
        ("(067) 123 45 67", ["phone"]),
        ("Volat 777 123 456", ["phone"]),
        ("+7 701 123 4567", ["phone"]),
        ("pište na jana.novakova@example.cz", ["email"]),
        ("olena@example.org, +380501112233", ["email", "phone"]),
        ("Зустріч 14.03.2025 о 18:00", []),
        ("Період 01.01.2025-31.12.2025", []),
        ("2025-03-14 round table", []),
        ("Рішення ради № 123/2025 від 2024-12-20", []),
        ("Програма 2023 - 2025", []),
        ("Бюджет 1 500 000 грн", []),
        ("Паспорт FA 123456", []),
    ],
)
def test_contact_details_are_found_and_dates_are_not(text, found):
    assert contact_details(text) == found


def test_the_refusal_says_what_to_remove_and_why():
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            screen_shared_text("Call me on +420 777 123 456")
        assert "shared with partner organisations" in error.value.messages[0]
        assert "phone number" in error.value.messages[0]
        with pytest.raises(ValidationError) as error:
            screen_shared_text("mail@example.org")
        assert "e-mail address" in error.value.messages[0]


def test_an_incident_title_with_a_phone_is_refused(db, community, staff_user):
    with pytest.raises(ValidationError) as error:
        incident_report(
            actor=staff_user,
            community=community,
            category="neighbour_dispute",
            occurred_at=datetime(2025, 3, 10, 14, 0, tzinfo=KYIV),
            title="Сусідка, тел. 067 123 45 67",
        )
    assert set(error.value.message_dict) == {"title"}


def test_an_incident_stored_before_the_rule_still_moves(db, community, staff_user):
    incident = incident_report(
        actor=staff_user,
        community=community,
        category="neighbour_dispute",
        occurred_at=datetime(2025, 3, 10, 14, 0, tzinfo=KYIV),
        title="Спір сусідів",
    )
    type(incident).objects.filter(pk=incident.pk).update(title="Дзвонити 067 123 45 67")
    incident.refresh_from_db()
    moved = incident_transition(incident=incident, actor=staff_user, to_status="in_progress", response_mode="mediation")
    assert moved.status == "in_progress"


def test_a_mediation_agreement_title_with_an_email_is_refused(db):
    agreement = MediationAgreementFactory()
    agreement.title = "Dohoda, kontakt soused@example.cz"
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert set(error.value.message_dict) == {"title"}
