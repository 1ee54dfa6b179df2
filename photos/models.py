"""Photos of an incident or an outreach event, taken on a negotiator's phone.

A photo may show people (faces, a house, a car's plate): it is personal data. Its file lives under
the private media storage (``settings.MEDIA_ROOT`` or the bucket; no URL serves it) and is read only
through ``photos.views.photo_file``, for those who may see the record's personal data. Partners
never get photos: no serializer names them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def photo_upload_to(photo: "Photo", filename: str) -> str:
    # A random name: it says nothing of the record or the person, and cannot be guessed.
    return f"photos/{timezone.now():%Y}/{uuid.uuid4().hex}.jpg"


class Photo(models.Model):
    """One photo of exactly one incident or one outreach event, stored re-encoded as JPEG without
    any metadata (no EXIF, GPS, ICC or XMP), at most ``settings.PHOTO_MAX_BYTES``."""

    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
    )
    event = models.ForeignKey(
        "negotiators.OutreachEvent",
        verbose_name=_("outreach event"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
    )
    file = models.FileField(_("file"), upload_to=photo_upload_to, max_length=255)
    # The small copy a record's page shows (photos.services.THUMBNAIL_SIDE); a photo stored before
    # thumbnails existed has none, and its page shows the photo itself.
    thumbnail = models.FileField(_("thumbnail"), upload_to=photo_upload_to, max_length=255, blank=True)
    width = models.PositiveIntegerField(_("width, pixels"))
    height = models.PositiveIntegerField(_("height, pixels"))
    size = models.PositiveIntegerField(_("size, bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False, event__isnull=True) | Q(incident__isnull=True, event__isnull=False),
                name="photo_of_one_record",
            )
        ]

    def __str__(self) -> str:
        return str(_("Photo %(number)s") % {"number": self.pk})

    @property
    def stored_files(self) -> list[str]:
        """The names of its files in the storage: the photo and its thumbnail."""
        return [name for name in (self.file.name, self.thumbnail.name) if name]

    @property
    def record(self) -> models.Model:
        """The incident or the event the photo is of."""
        return self.incident if self.incident_id else self.event  # type: ignore[return-value]
