"""Adding thumbnails keeps every photo: one stored before has none, and shows itself."""

import pytest

from photos.models import Photo
from tests.api.test_migrations import latest, migrate
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory

pytestmark = pytest.mark.migrations

BEFORE_THUMBNAILS = [("photos", "0001_photos_of_incidents_and_events")]


@pytest.mark.django_db(transaction=True)
def test_photos_stored_before_thumbnails_keep_their_rows_and_files():
    incident, event = IncidentFactory(), OutreachEventFactory()
    try:
        old = migrate(BEFORE_THUMBNAILS)
        photos = old.get_model("photos", "Photo").objects
        photos.create(incident_id=incident.pk, file="photos/2025/a.jpg", width=1600, height=1200, size=210_000)
        photos.create(event_id=event.pk, file="photos/2025/b.jpg", width=1200, height=1600, size=190_000)

        migrate(latest())

        stored = {(photo.file.name, photo.thumbnail.name, photo.record.pk) for photo in Photo.objects.all()}
        assert stored == {("photos/2025/a.jpg", "", incident.pk), ("photos/2025/b.jpg", "", event.pk)}
        assert [photo.stored_files for photo in Photo.objects.order_by("file")] == [
            ["photos/2025/a.jpg"],
            ["photos/2025/b.jpg"],
        ]
    finally:
        migrate(latest())
