"""Writes of photos: attach one to an incident or an event (re-encoded, every piece of metadata
dropped), delete them (with their files), and delete the files no photo names."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import DatabaseError, models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from api.outages import STORAGE_ERRORS
from incidents.models import Incident
from negotiators.models import OutreachEvent
from photos.models import Photo

logger = logging.getLogger(__name__)

# What the phone sends is already small; a browser without the field app's script sends the
# camera's file as it is. Larger than this, it is not even opened.
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
# A decompression bomb (a small file that opens as billions of pixels) is refused before decoding.
MAX_SOURCE_PIXELS = 50_000_000
# Re-encoded at these qualities, then at smaller sides, until it fits PHOTO_MAX_BYTES.
QUALITIES = (85, 75, 65, 55, 45)
SMALLEST_SIDE = 480
# A record's page shows its photos as 7 rem squares (112 CSS pixels): this is enough for a screen
# of three device pixels a CSS pixel, at a tenth of a photo's bytes.
THUMBNAIL_SIDE = 480
THUMBNAIL_QUALITY = 70
PHOTO_FIELD = "photos"


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo ready to be stored: JPEG bytes without metadata, their size in pixels, and the
    thumbnail's bytes."""

    content: bytes
    width: int
    height: int
    thumbnail: bytes


def _refuse(message: str) -> ValidationError:
    return ValidationError({PHOTO_FIELD: [message]})


def _encode(image: Image.Image, side: int, quality: int) -> bytes:
    resized = image.copy()
    resized.thumbnail((side, side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # No exif=, icc_profile= or xmp= given: Pillow writes none of them; the copy carries no info.
    resized.info = {}
    resized.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def photo_prepare(uploaded: File[Any]) -> PreparedPhoto:
    """Open ``uploaded`` (a file object) as an image and re-encode it as a JPEG of at most
    ``settings.PHOTO_MAX_SIDE`` pixels a side and ``settings.PHOTO_MAX_BYTES``, without any EXIF
    (GPS included), ICC or XMP data, turned upright as the camera said. Raises ``ValidationError``
    (on the ``photos`` field) for what is not an image, too large to open, or cannot fit."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > UPLOAD_MAX_BYTES:
        raise _refuse(_("This photo is too large to be sent (more than 20 MB). Take a smaller one."))
    try:
        uploaded.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded) as source:
                if source.width * source.height > MAX_SOURCE_PIXELS:
                    raise _refuse(_("This picture has too many pixels to be a photo. Choose another one."))
                source.load()
                image = ImageOps.exif_transpose(source)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("This picture has too many pixels to be a photo. Choose another one.")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _refuse(_("This file is not a photo: choose a JPEG, PNG or WebP picture.")) from None
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    side = settings.PHOTO_MAX_SIDE
    while side >= SMALLEST_SIDE:
        for quality in QUALITIES:
            content = _encode(image, side, quality)
            if len(content) <= settings.PHOTO_MAX_BYTES:
                with Image.open(io.BytesIO(content)) as done:
                    width, height = done.width, done.height
                thumbnail = _encode(image, THUMBNAIL_SIDE, THUMBNAIL_QUALITY)
                return PreparedPhoto(content=content, width=width, height=height, thumbnail=thumbnail)
        side = int(side * 0.75)
    raise _refuse(
        _("This photo cannot be made small enough (%(size)d KB at most). Choose another one.")
        % {"size": settings.PHOTO_MAX_BYTES // 1024}
    )


def _record_field(record: models.Model) -> str:
    if isinstance(record, Incident):
        return "incident"
    if isinstance(record, OutreachEvent):
        return "event"
    raise TypeError(f"photos are of incidents and events, not {type(record).__name__}")


def photos_of(record: models.Model) -> models.QuerySet[Photo]:
    return Photo.objects.filter(**{_record_field(record): record})


def check_photo_count(record: models.Model | None, adding: int) -> None:
    """Refuse more than ``settings.PHOTOS_PER_RECORD`` photos on one record (``None``: a new one)."""
    limit = settings.PHOTOS_PER_RECORD
    already = photos_of(record).count() if record is not None else 0
    if already + adding > limit:
        raise _refuse(
            ngettext(
                "At most %(limit)d photo can be attached to one record.",
                "At most %(limit)d photos can be attached to one record.",
                limit,
            )
            % {"limit": limit}
        )


@transaction.atomic
def photo_attach(
    *, record: models.Model, uploaded_file: File[Any], actor: User | None, prepared: PreparedPhoto | None = None
) -> Photo:
    """Attach the photo ``uploaded_file`` to ``record`` (an incident or an outreach event),
    re-encoded by :func:`photo_prepare` (or given already ``prepared``); at most
    ``settings.PHOTOS_PER_RECORD`` per record. Raises ``ValidationError`` on the ``photos`` field."""
    field = _record_field(record)
    # One at a time per record: two phones adding the third photo at once make three, not four.
    type(record)._default_manager.select_for_update().filter(pk=record.pk).first()
    check_photo_count(record, 1)
    prepared = prepared or photo_prepare(uploaded_file)
    photo = Photo(**{field: record}, width=prepared.width, height=prepared.height, size=len(prepared.content))
    photo.uploaded_by = actor
    try:
        photo.file.save("photo.jpg", ContentFile(prepared.content), save=False)
        photo.thumbnail.save("thumbnail.jpg", ContentFile(prepared.thumbnail), save=False)
    except STORAGE_ERRORS as error:
        for name in photo.stored_files:  # the photo's file, if the thumbnail's failed
            delete_stored_file(name)
        logger.error("Could not store a photo of %s %s: %s", field, record.pk, error)
        raise _refuse(_("The photo could not be saved: the file storage is not available. Try again later.")) from error
    # The files are written before their row: if the row cannot be written, they go too. Were the
    # caller's transaction rolled back later, photos_forget_stray_files deletes them within hours.
    try:
        photo.save()
    except DatabaseError:
        for name in photo.stored_files:
            delete_stored_file(name)
        raise
    return photo


@transaction.atomic
def photo_delete(*, photo: Photo, actor: User | None) -> None:
    """Delete ``photo`` and, once that is committed, its file."""
    photo.delete()


def photos_delete(queryset: models.QuerySet[Photo]) -> int:
    """Delete the photos of ``queryset`` and their files (after the commit); returns how many."""
    count = 0
    for photo in queryset:
        photo.delete()
        count += 1
    return count


def delete_stored_file(name: str) -> None:
    """Remove a file of a deleted photo; a storage that is away leaves it behind (logged)."""
    try:
        default_storage.delete(name)
    except STORAGE_ERRORS as error:
        logger.warning("Could not delete the stored photo %s: %s", name, error)


@receiver(post_delete, sender=Photo, dispatch_uid="photos.delete_file")
def delete_file_of_deleted_photo(sender: type[Photo], instance: Photo, **kwargs: Any) -> None:
    # Not business logic but housekeeping: a photo goes with its incident or event by a cascade
    # (the admin, an erasure, retention), which calls no service; its file must go too, once the
    # deletion is committed (a rolled-back deletion keeps the file its row still names).
    for name in instance.stored_files:
        transaction.on_commit(partial(delete_stored_file, name))


# Where photo_upload_to writes: photos/<year>/<name>.jpg.
PHOTOS_FOLDER = "photos"
# A file younger than this may belong to a submission not yet committed.
STRAY_FILE_AGE = timedelta(hours=1)


def stored_photo_files() -> Iterator[str]:
    """The names of every file in the storage's photos folder."""
    try:
        years, _ = default_storage.listdir(PHOTOS_FOLDER)
    except FileNotFoundError:
        return
    for year in years:
        folder = f"{PHOTOS_FOLDER}/{year}"
        for name in default_storage.listdir(folder)[1]:
            yield f"{folder}/{name}"


def photos_forget_stray_files(now: datetime | None = None) -> int:
    """Delete the files of the photos folder that no photo names, older than ``STRAY_FILE_AGE``:
    a photo (personal data) left by a submission rolled back after its files were written, or by a
    deletion while the storage was away. Returns how many were deleted."""
    now = now or timezone.now()
    named = {name for pair in Photo.objects.values_list("file", "thumbnail") for name in pair if name}
    deleted = 0
    try:
        for name in stored_photo_files():
            if name in named:
                continue
            try:
                if now - default_storage.get_modified_time(name) < STRAY_FILE_AGE:
                    continue
                default_storage.delete(name)
            except FileNotFoundError:
                continue  # deleted meanwhile
            deleted += 1
    except STORAGE_ERRORS as error:
        logger.warning("Could not look for stray photo files (the next run will): %s", error)
    return deleted
