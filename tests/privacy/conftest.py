from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from incidents.models import Incident, IncidentParty, PartyRole
from incidents.services import incident_action_add, incident_report
from negotiators.models import Gender, NegotiatorContact
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory

NAME = "Мельничук Ярина Степанівна"
PHONE = "+380 67 555 12 34"
EMAIL = "yaryna.melnychuk@example.org"
OLD_NAME = "Мельничук Ярина"
PARTY_NAME = "Гнатюк Богдан Іванович"
PARTY_PHONE = "+380 50 777 88 99"


@pytest.fixture
def contact(staff_user, community):
    """A negotiator's contact with a change history: an earlier name, a change reason and an
    admin log entry naming them, an event and a case of theirs mentioning them."""
    negotiator = NegotiatorFactory(community=community, contact=None)
    contact = NegotiatorContact(negotiator=negotiator, full_name=OLD_NAME, gender=Gender.FEMALE, phone=PHONE)
    contact.save()
    contact.full_name = NAME
    contact.email = EMAIL
    contact.notes = f"Телефон {PHONE}, пошта {EMAIL}"
    contact._change_reason = f"Прізвище по батькові: {NAME}"
    contact.save()
    LogEntry.objects.log_actions(
        user_id=staff_user.pk,
        queryset=[contact],
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"fields": ["{NAME}"]}}}}]',
    )
    OutreachEventFactory(community=community, internal_notes=f"Вела {NAME}").organisers.add(negotiator)
    incident = incident_report(
        actor=staff_user,
        community=community,
        category="neighbour_dispute",
        occurred_at=timezone.now() - timedelta(days=3),
        title="Суперечка",
        description=f"Переговорниця {NAME} ({PHONE}) зустрілася зі сторонами.",
        negotiator=negotiator,
    )
    assert ContentType.objects.get_for_model(contact)
    return NegotiatorContact.objects.get(pk=contact.pk), incident


@pytest.fixture
def party(staff_user, community):
    incident = incident_report(
        actor=staff_user,
        community=community,
        category="domestic_conflict",
        occurred_at=timezone.now() - timedelta(days=5),
        title="Конфлікт у родині",
        description=f"Заявник {PARTY_NAME}, тел. {PARTY_PHONE}.",
        location="вул. Шевченка, 12",
        internal_notes=f"Перетелефонувати {PARTY_NAME}",
        parties=[
            {"role": PartyRole.COMPLAINANT, "full_name": PARTY_NAME, "phone": PARTY_PHONE, "notes": "Має двох дітей"},
            {"role": PartyRole.RESPONDENT, "full_name": "Гнатюк Оксана", "is_minor": False},
        ],
    )
    incident_action_add(
        incident=incident, kind="mediation_meeting", actor=staff_user, description=f"Зустріч з {PARTY_NAME}"
    )
    incident.description += " Оновлено."
    incident.save()
    return IncidentParty.objects.get(incident=incident, role=PartyRole.COMPLAINANT), Incident.objects.get(
        pk=incident.pk
    )
