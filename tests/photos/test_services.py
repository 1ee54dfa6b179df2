"""photos.services: what is stored of a photo (re-encoded, small, without any metadata), and what
is refused."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from PIL import Image

from photos.models import Photo
from photos.services import (
    STRAY_FILE_AGE,
    THUMBNAIL_SIDE,
    photo_attach,
    photo_delete,
    photo_prepare,
    photos_forget_stray_files,
    stored_photo_files,
)
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.photos.support import has_metadata, jpeg_with_gps, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The refusals are checked in English (the portal's default language is Ukrainian)."""
    with translation.override("en"):
        yield


@pytest.fixture
def incident(community):
    return IncidentFactory(community=community)


def stored_bytes(photo: Photo) -> bytes:
    with default_storage.open(photo.file.name or "", "rb") as handle:
        return handle.read()


def test_the_camera_picture_carries_gps_to_begin_with():
    assert {"EXIF", "GPS", "ICC"} <= set(has_metadata(jpeg_with_gps(320, 240)))


def test_a_photo_is_stored_without_exif_gps_or_icc_and_within_the_limits(media_root, incident, staff_user, settings):
    photo = photo_attach(record=incident, uploaded_file=upload(jpeg_with_gps()), actor=staff_user)
    content = stored_bytes(photo)
    assert has_metadata(content) == []
    assert content.startswith(b"\xff\xd8")
    assert len(content) == photo.size <= settings.PHOTO_MAX_BYTES
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= settings.PHOTO_MAX_SIDE
        assert (image.width, image.height) == (photo.width, photo.height)
    assert photo.incident == incident
    assert photo.event is None
    assert photo.uploaded_by == staff_user
    assert str(settings.MEDIA_ROOT) in default_storage.path(photo.file.name)


def test_a_photo_gets_a_small_thumbnail_without_metadata(media_root, incident, staff_user):
    photo = photo_attach(record=incident, uploaded_file=upload(jpeg_with_gps(3000, 2000)), actor=staff_user)
    with default_storage.open(photo.thumbnail.name, "rb") as handle:
        thumbnail = handle.read()
    assert has_metadata(thumbnail) == []
    assert len(thumbnail) * 4 < photo.size  # a fraction of the photo's bytes
    with Image.open(io.BytesIO(thumbnail)) as image:
        assert (image.format, image.size) == ("JPEG", (THUMBNAIL_SIDE, THUMBNAIL_SIDE * 2 // 3))


def test_a_png_with_transparency_is_stored_as_a_jpeg(media_root, community, staff_user):
    event = OutreachEventFactory(community=community)
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(buffer, format="PNG")
    photo = photo_attach(record=event, uploaded_file=upload(buffer.getvalue(), "x.png", "image/png"), actor=staff_user)
    assert stored_bytes(photo).startswith(b"\xff\xd8")
    assert photo.event == event


def test_what_is_not_an_image_is_refused_with_a_sentence(media_root, incident, staff_user):
    with pytest.raises(ValidationError) as error:
        photo_attach(record=incident, uploaded_file=upload(b"%PDF-1.4 not a photo", "x.jpg"), actor=staff_user)
    assert error.value.message_dict["photos"] == ["This file is not a photo: choose a JPEG, PNG or WebP picture."]
    assert not Photo.objects.exists()


def test_a_fourth_photo_is_refused(media_root, incident, staff_user):
    for _ in range(3):
        photo_attach(record=incident, uploaded_file=upload(jpeg_with_gps(64, 48)), actor=staff_user)
    with pytest.raises(ValidationError) as error:
        photo_attach(record=incident, uploaded_file=upload(jpeg_with_gps(64, 48)), actor=staff_user)
    assert error.value.message_dict["photos"] == ["At most 3 photos can be attached to one record."]
    assert incident.photos.count() == 3


def test_a_photo_that_cannot_fit_the_size_is_refused(settings, media_root, incident, staff_user):
    settings.PHOTO_MAX_BYTES = 300  # not even the smallest noisy JPEG fits
    with pytest.raises(ValidationError) as error:
        photo_attach(record=incident, uploaded_file=upload(jpeg_with_gps(800, 600)), actor=staff_user)
    assert "cannot be made small enough" in error.value.message_dict["photos"][0]


def test_a_decompression_bomb_is_refused_before_it_is_decoded(media_root):
    # A PNG of 20000 x 20000 pixels (400 million) in a few hundred kilobytes.
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    with pytest.raises(ValidationError) as error:
        photo_prepare(upload(buffer.getvalue(), "bomb.png", "image/png"))
    assert error.value.message_dict["photos"] == ["This picture has too many pixels to be a photo. Choose another one."]


def test_deleting_a_photo_deletes_its_file(media_root, incident, staff_user, django_capture_on_commit_callbacks):
    photo = photo_attach(record=incident, uploaded_file=upload(jpeg_with_gps(64, 48)), actor=staff_user)
    names = photo.stored_files
    assert len(names) == 2
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(photo=photo, actor=staff_user)
    assert not any(default_storage.exists(name) for name in names)


def test_deleting_the_incident_deletes_its_photos_files(
    media_root, incident, staff_user, django_capture_on_commit_callbacks
):
    photo = photo_attach(record=incident, uploaded_file=upload(jpeg_with_gps(64, 48)), actor=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        incident.delete()
    assert not Photo.objects.exists()
    assert not default_storage.exists(photo.file.name)
    assert not default_storage.exists(photo.thumbnail.name)


def test_a_photo_whose_row_cannot_be_written_leaves_no_file(media_root, incident, staff_user, monkeypatch):
    def fails(*args, **kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(Photo, "save", fails)
    with pytest.raises(DatabaseError):
        photo_attach(record=incident, uploaded_file=upload(jpeg_with_gps(64, 48)), actor=staff_user)
    assert [path for path in Path(media_root).rglob("*") if path.is_file()] == []


def test_files_no_photo_names_are_deleted_once_an_hour_old(media_root, incident, staff_user):
    kept = photo_attach(record=incident, uploaded_file=upload(jpeg_with_gps(64, 48)), actor=staff_user)
    stray = default_storage.save("photos/2026/left-by-a-rollback.jpg", ContentFile(b"a face"))
    later = timezone.now() + timedelta(minutes=30)
    assert photos_forget_stray_files(now=later) == 0  # may belong to a submission still going on
    assert photos_forget_stray_files(now=later + timedelta(hours=1)) == 1
    assert not default_storage.exists(stray)
    assert all(default_storage.exists(name) for name in kept.stored_files)


def test_a_submission_rolled_back_after_its_photo_was_written_leaves_a_file_the_sweep_deletes(
    media_root, incident, staff_user
):
    def submission():
        with transaction.atomic():
            photo_attach(record=incident, uploaded_file=upload(jpeg_with_gps(64, 48)), actor=staff_user)
            raise RuntimeError("a later step of the submission failed")

    with pytest.raises(RuntimeError):
        submission()
    assert not Photo.objects.exists()
    assert len(list(stored_photo_files())) == 2  # the photo and its thumbnail, named by no row
    assert photos_forget_stray_files(now=timezone.now() + STRAY_FILE_AGE + timedelta(minutes=1)) == 2
    assert list(stored_photo_files()) == []


def test_the_sweep_with_no_photo_ever_stored_finds_nothing(media_root):
    assert photos_forget_stray_files() == 0
