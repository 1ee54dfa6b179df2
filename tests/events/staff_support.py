"""Webinars and registrants for the tests of the staff side (attendance, materials, admin)."""

from datetime import timedelta
from itertools import count
from typing import cast

from django.utils import timezone

from events.models import AudienceRole, ConsentText, Registration
from negotiators.models import EventFormat, EventKind, EventStatus, OutreachEvent
from tests.negotiators.factories import OutreachEventFactory

_numbers = count(1)


def webinar(**fields) -> OutreachEvent:
    """An online webinar held three days ago, 2.5 hours long, with a public page."""
    number = next(_numbers)
    values = {
        "kind": EventKind.WEBINAR,
        "title": f"Вебінар про соціальну інтеграцію {number}",
        "status": EventStatus.HELD,
        "starts_at": timezone.now() - timedelta(days=3),
        "duration_minutes": 150,
        "format": EventFormat.ONLINE,
        "meeting_link": "https://meet.example.org/abc",
        "languages": ["uk", "pl"],
        "interpretation": True,
        "slug": f"webinar-{number}",
        **fields,
    }
    return cast(OutreachEvent, OutreachEventFactory(**values))


def consent() -> ConsentText:
    text, _created = ConsentText.objects.get_or_create(
        version=1, language="uk", defaults={"text": "Я погоджуюся на обробку моїх персональних даних."}
    )
    return text


def register(event: OutreachEvent, email: str, full_name: str = "Марія Коваль", **fields) -> Registration:
    values = {
        "role": AudienceRole.LOCAL_GOVERNMENT,
        "organisation": "Виконавчий комітет",
        "language": "uk",
        **fields,
    }
    return Registration.objects.create(
        event=event,
        full_name=full_name,
        email=email,
        consent=consent(),
        consented_at=timezone.now() - timedelta(days=10),
        **values,
    )
