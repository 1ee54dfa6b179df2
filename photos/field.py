"""Photos in the field app: the photo part of the event and incident forms (registered with
``negotiators.field.FORM_PARTS``), and the photos on a case's page (``incidents.views.PAGE_SECTIONS``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.base import File
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incidents import views as incident_views
from negotiators import field as field_plumbing
from negotiators import views as event_views
from photos.selectors import sees_photos, visible_photos
from photos.services import PHOTO_FIELD, PreparedPhoto, check_photo_count, photo_attach, photo_prepare


class PhotosForm(forms.Form):
    """The photos sent with a record's form (``photos``, several files): each one checked and
    re-encoded before the record is written, and attached to it once it is."""

    photos = forms.Field(required=False)

    def __init__(self, *args, room: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = settings.PHOTOS_PER_RECORD if room is None else room
        self.prepared: list[tuple[File[Any], PreparedPhoto]] = []

    @property
    def max_count(self) -> int:
        """How many photos this form may still take (fewer on a record that has some)."""
        return self.room

    @property
    def max_bytes(self) -> int:
        return settings.PHOTO_MAX_BYTES

    @property
    def max_side(self) -> int:
        return settings.PHOTO_MAX_SIDE

    @property
    def strings(self) -> dict[str, str]:
        """What the phone's photo script says, in the user's language."""
        limit = settings.PHOTOS_PER_RECORD
        return {
            "remove": _("Remove"),
            "photo": _("Photo %(number)s"),
            "tooMany": ngettext(
                "At most %(limit)d photo can be attached: the others were left out.",
                "At most %(limit)d photos can be attached: the others were left out.",
                limit,
            )
            % {"limit": limit},
            "notImage": _("This file is not a photo: choose a JPEG, PNG or WebP picture."),
            "tooBig": _("This photo cannot be made small enough. Choose another one."),
            "noScript": _("To add photos, fill in this form once with a connection."),
        }

    def clean(self):
        cleaned = super().clean()
        uploaded = self.files.getlist(PHOTO_FIELD) if self.files else []
        uploaded = [item for item in uploaded if getattr(item, "size", 0)]  # an empty file input
        check_photo_count(None, len(uploaded))
        self.prepared = [(item, photo_prepare(item)) for item in uploaded]
        return cleaned

    def save(self, record, actor) -> None:
        for item, prepared in self.prepared:
            photo_attach(record=record, uploaded_file=item, actor=actor, prepared=prepared)


def photos_form(request, kind: str) -> PhotosForm:
    if request.method == "POST":
        return PhotosForm(request.POST, request.FILES)
    return PhotosForm()


def photo_links(viewer, record_field: str, record) -> list[dict]:
    """The record's photos as the page links them (``url``, ``thumbnail_url``, ``width``,
    ``height``), for a viewer who may see them; none for the others."""
    if not sees_photos(viewer):
        return []
    photos = visible_photos(viewer).filter(**{record_field: record})
    return [
        {
            "url": reverse("field:photo", args=[photo.pk]),
            "thumbnail_url": reverse("field:photo_thumbnail", args=[photo.pk]),
            "width": photo.width,
            "height": photo.height,
        }
        for photo in photos
    ]


def photos_section(request, record_field: str, record, can_write: bool, add_url: str) -> dict:
    """The context of ``field/_record_photos.html``: the record's photos and, for those who may
    add some, the link to the page that adds them (while there is room)."""
    viewer = request.field.viewer
    photos = photo_links(viewer, record_field, record)
    room = settings.PHOTOS_PER_RECORD - len(photos)
    adds = can_write and sees_photos(viewer) and room > 0
    return {
        "photos": photos,
        "photos_shown": sees_photos(viewer),
        "photo_add_url": add_url if adds else "",
    }


def incident_photos_section(request, incident, can_write: bool) -> dict:
    add_url = reverse("field:incident_photo_add", args=[incident.pk])
    return photos_section(request, "incident", incident, can_write, add_url)


def event_photos_section(request, event, can_write: bool) -> dict:
    add_url = reverse("field:event_photo_add", args=[event.pk])
    return photos_section(request, "event", event, can_write, add_url)


def register() -> None:
    field_plumbing.FORM_PARTS["photos"] = photos_form
    if incident_photos_section not in incident_views.PAGE_SECTIONS:
        incident_views.PAGE_SECTIONS.append(incident_photos_section)
    if event_photos_section not in event_views.PAGE_SECTIONS:
        event_views.PAGE_SECTIONS.append(event_photos_section)
