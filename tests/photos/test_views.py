"""Photos in the field app: sent with an incident's or an event's form (exactly once per
Idempotency-Key, the files counted in the key's fingerprint), added to a record later, shown only
to those who may see the record's personal data, never kept by the phone, never to partners."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from field.views import PRIVATE_PATHS
from incidents.models import Incident
from negotiators.models import OutreachEvent
from photos.models import Photo
from photos.services import photo_attach
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import UserFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory
from tests.photos.support import has_metadata, jpeg_with_gps, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

JSON = {"HTTP_ACCEPT": "application/json"}


def incident_data(community, **more):
    when = timezone.localtime() - timedelta(hours=2)
    return {
        "community": community.pk,
        "category": "neighbour_dispute",
        "severity": "3",
        "occurred_at_0": when.date().isoformat(),
        "occurred_at_1": when.strftime("%H:%M"),
        "description": "Сварка через паркан.",
        "source": "resident",
        "party-TOTAL_FORMS": "0",
        "party-INITIAL_FORMS": "0",
        "party-MIN_NUM_FORMS": "0",
        "party-MAX_NUM_FORMS": "10",
        **more,
    }


@pytest.fixture
def negotiator_client(client, negotiator_user):
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def photo(community, negotiator_user):
    incident = IncidentFactory(community=community, created_by=negotiator_user)
    return photo_attach(record=incident, uploaded_file=upload(jpeg_with_gps(200, 150)), actor=negotiator_user)


# --- sent with the record's form ---------------------------------------------------------------


def test_an_incident_is_reported_with_two_photos_once_per_key(negotiator_client, community):
    pictures = [jpeg_with_gps(640, 480), jpeg_with_gps(320, 240)]

    def send():
        files = [upload(content, f"IMG_{n}.jpg") for n, content in enumerate(pictures)]
        return negotiator_client.post(
            reverse("field:incident_new"), incident_data(community, photos=files), HTTP_IDEMPOTENCY_KEY="k-1", **JSON
        )

    first, again = send(), send()
    assert first.status_code == again.status_code == 201
    assert again["Idempotency-Replayed"] == "true"
    incident = Incident.objects.get()
    assert incident.photos.count() == 2
    for stored in incident.photos.all():
        with default_storage.open(stored.file.name, "rb") as handle:
            assert has_metadata(handle.read()) == []


def test_the_same_key_with_other_photos_is_a_conflict(negotiator_client, community):
    url = reverse("field:incident_new")
    data = incident_data(community)
    first = negotiator_client.post(
        url, {**data, "photos": [upload(jpeg_with_gps(64, 48))]}, HTTP_IDEMPOTENCY_KEY="k-2", **JSON
    )
    other = negotiator_client.post(
        url, {**data, "photos": [upload(jpeg_with_gps(64, 48, noise=False))]}, HTTP_IDEMPOTENCY_KEY="k-2", **JSON
    )
    assert (first.status_code, other.status_code) == (201, 422)
    assert Incident.objects.count() == 1
    assert Photo.objects.count() == 1


def test_a_file_that_is_no_photo_rejects_the_whole_form_with_a_sentence(negotiator_client, community):
    response = negotiator_client.post(
        reverse("field:incident_new"),
        incident_data(community, photos=[upload(b"not a picture", "notes.jpg")]),
        HTTP_IDEMPOTENCY_KEY="k-3",
        **JSON,
    )
    assert response.status_code == 400
    assert response.json()["errors"]["photos"] == ["This file is not a photo: choose a JPEG, PNG or WebP picture."]
    assert not Incident.objects.exists()
    assert not Photo.objects.exists()


def test_four_photos_on_a_form_are_refused(negotiator_client, community):
    files = [upload(jpeg_with_gps(32, 24)) for _ in range(4)]
    response = negotiator_client.post(reverse("field:incident_new"), incident_data(community, photos=files), **JSON)
    assert response.status_code == 400
    assert response.json()["errors"]["photos"] == ["At most 3 photos can be attached to one record."]
    assert not Incident.objects.exists()


def test_an_event_is_logged_with_a_photo_and_shows_it(negotiator_client, community):
    data = {
        "community": community.pk,
        "kind": "public_meeting",
        "date": timezone.localdate().isoformat(),
        "topic": "youth",
        "participants_total": "12",
        "photos": [upload(jpeg_with_gps(640, 480))],
    }
    response = negotiator_client.post(reverse("field:event_new"), data, HTTP_IDEMPOTENCY_KEY="k-4", **JSON)
    assert response.status_code == 201, response.content
    event = OutreachEvent.objects.get()
    photo = event.photos.get()
    page = negotiator_client.get(reverse("field:event_detail", args=[event.pk])).content.decode()
    assert f'src="{reverse("field:photo_thumbnail", args=[photo.pk])}"' in page
    assert f'href="{reverse("field:photo", args=[photo.pk])}"' in page
    assert 'loading="lazy"' in page


def test_the_forms_carry_the_photo_input(negotiator_client):
    for name in ("field:incident_new", "field:event_new"):
        page = negotiator_client.get(reverse(name)).content.decode()
        assert re.search(r'<input type="file" id="id_photos" name="photos" accept="image/\*" multiple', page), name
        assert 'enctype="multipart/form-data"' in page
        assert "field-photo.js" in page
        assert 'data-no-script="' in page


# --- added later --------------------------------------------------------------------------------


def test_photos_are_added_to_a_case_up_to_three(negotiator_client, photo):
    incident = photo.incident
    url = reverse("field:incident_photo_add", args=[incident.pk])
    two = [upload(jpeg_with_gps(64, 48)), upload(jpeg_with_gps(64, 48))]
    assert negotiator_client.post(url, {"photos": two}, **JSON).status_code == 201
    refused = negotiator_client.post(url, {"photos": [upload(jpeg_with_gps(64, 48))]}, **JSON)
    assert refused.status_code == 400
    assert refused.json()["errors"]["photos"] == ["At most 3 photos can be attached to one record."]
    assert incident.photos.count() == 3


def test_a_photo_is_added_to_an_event_from_its_page(negotiator_client, community):
    event = OutreachEventFactory(community=community)
    url = reverse("field:event_photo_add", args=[event.pk])
    assert f'href="{url}"' in negotiator_client.get(reverse("field:event_detail", args=[event.pk])).content.decode()
    form = negotiator_client.get(url)
    assert form.status_code == 200
    assert 'name="photos"' in form.content.decode()
    assert "no-store" in form["Cache-Control"]
    response = negotiator_client.post(url, {"photos": [upload(jpeg_with_gps(64, 48))]}, **JSON)
    assert response.status_code == 201
    assert event.photos.count() == 1
    assert response.json()["url"] == reverse("field:event_detail", args=[event.pk])


def test_no_photo_is_added_to_a_case_of_another_community(negotiator_client, other_community):
    incident = IncidentFactory(community=other_community)
    url = reverse("field:incident_photo_add", args=[incident.pk])
    assert negotiator_client.post(url, {"photos": [upload(jpeg_with_gps(64, 48))]}, **JSON).status_code == 404
    assert not Photo.objects.exists()


# --- who sees a photo ---------------------------------------------------------------------------


def _login(client, user, how):
    if how == "verified":
        verified_login(client, user)
    else:
        client.force_login(user)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("negotiator of the case", 200),
        ("staff", 200),
        ("negotiator of another community", 404),
        ("programme manager", 404),
        ("partner", 403),
        ("nobody", 302),
    ],
)
@pytest.mark.parametrize("url_name", ["field:photo", "field:photo_thumbnail"])
def test_who_gets_a_photo(
    client, photo, who, status, url_name, staff_user, manager_user, partner_user, negotiator_user, other_community
):
    users = {
        "negotiator of the case": (negotiator_user, "force"),
        "staff": (staff_user, "verified"),
        "programme manager": (manager_user, "verified"),
        "partner": (partner_user, "force"),
    }
    if who == "negotiator of another community":
        other = UserFactory(username="other-negotiator", role=Role.NEGOTIATOR)
        NegotiatorFactory(community=other_community, user=other)
        users[who] = (other, "force")
    if who in users:
        _login(client, *users[who])
    response = client.get(reverse(url_name, args=[photo.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert {"no-store", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline")
        stored = photo.thumbnail if url_name == "field:photo_thumbnail" else photo.file
        with default_storage.open(stored.name, "rb") as handle:
            assert response.content == handle.read()
    else:
        assert not response.content.startswith(b"\xff\xd8")


def test_a_case_page_shows_its_photos_to_its_negotiator_but_not_to_a_manager(
    client, photo, negotiator_user, manager_user
):
    url = reverse("field:incident_detail", args=[photo.incident_id])
    src = reverse("field:photo_thumbnail", args=[photo.pk])
    link = reverse("field:photo", args=[photo.pk])
    client.force_login(negotiator_user)
    page = client.get(url).content.decode()
    assert f'src="{src}"' in page  # the thumbnail, linking to the photo
    assert f'href="{link}"' in page
    client.logout()
    verified_login(client, manager_user)
    page = client.get(url)
    assert page.status_code == 200
    assert link not in page.content.decode()


def test_a_photo_stored_before_thumbnails_shows_itself(client, photo, negotiator_user):
    Photo.objects.filter(pk=photo.pk).update(thumbnail="")
    client.force_login(negotiator_user)
    response = client.get(reverse("field:photo_thumbnail", args=[photo.pk]))
    with default_storage.open(photo.file.name, "rb") as handle:
        assert response.content == handle.read()


def test_the_phone_never_keeps_a_photo(photo):
    private = re.compile(PRIVATE_PATHS.format(scope=reverse("field:home")))
    assert private.match(reverse("field:photo", args=[photo.pk]))
    assert private.match(reverse("field:photo_thumbnail", args=[photo.pk]))
    assert private.match(reverse("field:event_photo_add", args=[1]))
    assert private.match(reverse("field:incident_photo_add", args=[photo.incident_id]))


def test_partners_get_no_photo_through_the_api(photo, partner, api_settings):
    client = key_client(issue_key(partner))
    response = client.get(f"/api/v1/incidents/{photo.incident_id}/")
    assert response.status_code == 200
    assert "photo" not in response.content.decode().lower()
