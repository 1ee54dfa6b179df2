"""A planned webinar open for registration, and a valid submission of its public form."""

import time
from datetime import timedelta

from django.utils import timezone

from events.models import AudienceRole, Contributor, ContributorRole, Person
from events.tokens import form_stamp
from negotiators.models import EventFormat, EventKind, EventStatus
from tests.communities.factories import CommunityFactory
from tests.negotiators.factories import OutreachEventFactory

MEETING_LINK = "https://meet.example.org/secret-room-42"


def planned_webinar(**overrides):
    starts_at = overrides.pop("starts_at", timezone.now() + timedelta(days=10))
    fields = {
        "kind": EventKind.WEBINAR,
        "title": "Соціальна інтеграція ВПО: частина 1",
        "status": EventStatus.PLANNED,
        "starts_at": starts_at,
        "date": starts_at.date(),
        "duration_minutes": 150,
        "time_zone": "Europe/Kyiv",
        "format": EventFormat.ONLINE,
        "meeting_link": MEETING_LINK,
        # Long enough to overflow a phone's width unless the page wraps it.
        "stream_link": "https://www.facebook.com/dobre.programme.ukraine/live/videos/integration-webinar-part-one",
        "languages": ["uk", "pl"],
        "interpretation": True,
        "agenda": "11:00 Відкриття\n11:15 Досвід громад",
        "registration_open": True,
        "slug": "integration-webinar",
        "participants_total": 0,
        "participants_women": 0,
        "participants_men": 0,
        **overrides,
    }
    event = OutreachEventFactory(**fields)
    speaker = Person.objects.create(full_name="Олена Коваль", organisation="Фонд DOBRE", position="експертка")
    Contributor.objects.create(event=event, person=speaker, role=ContributorRole.SPEAKER)
    return event


def form_data(event, **overrides):
    community = overrides.pop("community_obj", None) or CommunityFactory(name="Славутицька громада")
    data = {
        "full_name": "Марія Шевченко",
        "email": "maria@example.org",
        "organisation": "Славутицька міська рада",
        "role": AudienceRole.LOCAL_GOVERNMENT,
        "community": f"{community.name} ({community.region.name})",
        "question": "Як залучити ВПО до ради громади?",
        "accessibility_needs": "",
        "consent": "on",
        "website": "",
        "stamp": form_stamp(event.pk, at=time.time() - 30),
    }
    data.update(overrides)
    return data
