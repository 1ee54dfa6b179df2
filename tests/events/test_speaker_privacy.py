"""A speaker's contacts are personal data: exported for subject access and anonymised on request,
their name leaving the public event page; their parts in events stay."""

import pytest

from events.models import Contributor, ContributorRole, Person
from events.privacy import SPEAKER
from privacy.erasure import person_anonymise
from privacy.subject_access import person_export
from tests.events.registration_support import planned_webinar

pytestmark = pytest.mark.django_db


@pytest.fixture
def speaker():
    person = Person.objects.create(
        full_name="Войцех Одзімек",
        organisation="FRDL",
        position="директор",
        email="w.o@frdl.example",
        phone="+48 600 100 200",
    )
    event = planned_webinar()
    Contributor.objects.create(event=event, person=person, role=ContributorRole.MODERATOR)
    return person, event


def test_a_speaker_is_exported_with_their_parts_in_events(speaker):
    person, event = speaker
    exported = person_export(kind=SPEAKER, pk=person.pk, actor=None)
    assert exported["record"]["email"] == "w.o@frdl.example"
    assert [part["id"] for part in exported["linked"]["events"]] == [event.pk]


def test_an_anonymised_speaker_leaves_the_public_page_and_keeps_their_part(client, speaker):
    person, event = speaker
    assert "Войцех Одзімек" in client.get(f"/e/{event.slug}/").content.decode()
    person_anonymise(kind=SPEAKER, pk=person.pk, actor=None, reason="Asked by e-mail")
    person.refresh_from_db()
    assert (person.email, person.phone, person.position) == ("", "", "")
    assert "Одзімек" not in client.get(f"/e/{event.slug}/").content.decode()
    assert Contributor.objects.filter(event=event, person=person).exists()
