"""Photos as personal data, registered with ``privacy`` (from ``PhotosConfig.ready``): erased on
demand (a redaction of an incident's or an event's photos) and by retention (those of incidents
closed longer than the parties are kept, those of events older than ``event_photos_years``). The
files go with the rows (``photos.services.delete_file_of_deleted_photo``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Model, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from privacy.registry import Actor, RedactableKind, RetentionRule, register_redactable, register_retention_rule

INCIDENT_PHOTOS = "incident_photos"
EVENT_PHOTOS = "event_photos"


@dataclass(frozen=True)
class PhotosOf:
    """The photos of one kind of record, as a redactable kind and a retention rule."""

    kind: str  # the redactable kind's and the retention rule's name
    model: str  # "app_label.Model"
    label: Promise  # the redactable kind's
    rule_label: Promise
    setting: str  # the retention setting, in years
    due: Callable[[datetime], Q]  # the photos past it

    def find(self, pk: int) -> Model | None:
        return apps.get_model(self.model).objects.filter(pk=pk).first()

    def admin_url(self, record: Model) -> str:
        meta = record._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])

    def expired(self, before: datetime, dry_run: bool) -> int:
        from photos.models import Photo
        from photos.services import photos_delete

        due = Photo.objects.filter(self.due(before))
        return due.count() if dry_run else photos_delete(due)


PHOTOS_OF = (
    PhotosOf(
        INCIDENT_PHOTOS,
        "incidents.Incident",
        _("photos of an incident"),
        _("Photos of closed incidents"),
        "incident_parties_years",
        lambda before: Q(incident__closed_at__lt=before),
    ),
    PhotosOf(
        EVENT_PHOTOS,
        "negotiators.OutreachEvent",
        _("photos of an outreach event"),
        _("Photos of outreach events"),
        "event_photos_years",
        lambda before: Q(event__date__lt=before.date()),
    ),
)


def _erase_photos(record: Any, fields: Sequence[str], marker: str, actor: Actor) -> list[str]:
    from photos.services import photos_delete, photos_of

    photos_delete(photos_of(record))
    return []  # no field of the record itself changes


def register() -> None:
    for photos in PHOTOS_OF:
        register_redactable(
            RedactableKind(
                name=photos.kind,
                label=photos.label,
                find=photos.find,
                fields={"photos": _("every photo (deleted with its file)")},
                redact=_erase_photos,
                admin_url=photos.admin_url,
            )
        )
        register_retention_rule(
            RetentionRule(
                name=photos.kind,
                label=photos.rule_label,
                setting=photos.setting,
                unit="years",
                enforce=photos.expired,
            )
        )
