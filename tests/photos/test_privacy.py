"""Photos are personal data: erased on demand (a redaction of a record's photos) and by retention,
their files deleted from the storage with them; only roles that read personal data get model
permissions on them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.utils import timezone

from access.roles import Role
from photos.models import Photo
from photos.services import photo_attach
from privacy.erasure import record_redact
from privacy.models import Redaction
from privacy.retention import enforce_retention
from tests.communities.factories import UserFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.photos.support import jpeg_with_gps, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def attach(record, actor=None) -> Photo:
    return photo_attach(record=record, uploaded_file=upload(jpeg_with_gps(64, 48)), actor=actor)


def test_erasing_an_incidents_photos_deletes_them_and_their_files(
    community, staff_user, django_capture_on_commit_callbacks
):
    incident = IncidentFactory(community=community)
    names = [attach(incident).file.name, attach(incident).file.name]
    kept = attach(IncidentFactory(community=community))
    with django_capture_on_commit_callbacks(execute=True):
        redaction = record_redact(
            kind="incident_photos", pk=incident.pk, fields=["photos"], reason="Прохання людини", actor=staff_user
        )
    assert isinstance(redaction, Redaction)
    assert not incident.photos.exists()
    assert not [name for name in names if default_storage.exists(name or "")]
    assert default_storage.exists(kept.file.name or "")


def test_erasing_an_events_photos_deletes_their_files(community, staff_user, django_capture_on_commit_callbacks):
    event = OutreachEventFactory(community=community)
    name = attach(event).file.name or ""
    with django_capture_on_commit_callbacks(execute=True):
        record_redact(kind="event_photos", pk=event.pk, fields=["photos"], reason="Прохання", actor=staff_user)
    assert not event.photos.exists()
    assert not default_storage.exists(name)


def test_only_those_who_may_erase_erase_photos(community):
    incident = IncidentFactory(community=community)
    attach(incident)
    negotiator = UserFactory(role=Role.NEGOTIATOR)
    with pytest.raises(PermissionDenied):
        record_redact(kind="incident_photos", pk=incident.pk, fields=["photos"], reason="x", actor=negotiator)
    assert incident.photos.count() == 1


def test_retention_deletes_the_photos_of_old_closed_cases_and_old_events(community, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - timedelta(days=6 * 366)
    old_case = IncidentFactory(community=community, occurred_at=long_ago - timedelta(days=1))
    old_photo = attach(old_case)
    type(old_case).objects.filter(pk=old_case.pk).update(closed_at=long_ago, status="closed_unresolved")
    open_case_photo = attach(IncidentFactory(community=community))
    old_event = OutreachEventFactory(community=community, date=long_ago.date())
    old_event_photo = attach(old_event)
    recent_event_photo = attach(OutreachEventFactory(community=community))

    with django_capture_on_commit_callbacks(execute=True):
        counts = enforce_retention()

    assert (counts["incident_photos"], counts["event_photos"]) == (1, 1)
    assert set(Photo.objects.all()) == {open_case_photo, recent_event_photo}
    assert not default_storage.exists(old_photo.file.name or "")
    assert not default_storage.exists(old_event_photo.file.name or "")


@pytest.mark.parametrize(("role", "sees"), [(Role.STAFF, True), (Role.PROGRAMME_MANAGER, False), (Role.PARTNER, False)])
def test_only_roles_that_read_personal_data_have_photo_permissions(role, sees):
    user = UserFactory(role=role)
    granted = Permission.objects.filter(group__user=user, content_type__app_label="photos").exists()
    assert granted is sees
