"""Photos as personal data, registered with ``privacy`` (from ``PhotosConfig.ready``): erased on
demand (a redaction of an incident's or an event's photos) and by retention (those of incidents
closed longer than the parties are kept, those of events older than ``event_photos_years``). The
files go with the rows (``photos.services.delete_file_of_deleted_photo``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from privacy.registry import Actor, RedactableKind, RetentionRule, register_redactable, register_retention_rule

INCIDENT_PHOTOS = "incident_photos"
EVENT_PHOTOS = "event_photos"


def _find_incident(pk: int) -> Model | None:
    from incidents.models import Incident

    return Incident.objects.filter(pk=pk).first()


def _find_event(pk: int) -> Model | None:
    from negotiators.models import OutreachEvent

    return OutreachEvent.objects.filter(pk=pk).first()


def _erase_photos(record: Any, fields: Sequence[str], marker: str, actor: Actor) -> list[str]:
    from photos.services import photos_delete, photos_of

    photos_delete(photos_of(record))
    return []  # no field of the record itself changes


def _expired_incident_photos(before: datetime, dry_run: bool) -> int:
    from photos.models import Photo
    from photos.services import photos_delete

    due = Photo.objects.filter(incident__closed_at__lt=before)
    return due.count() if dry_run else photos_delete(due)


def _expired_event_photos(before: datetime, dry_run: bool) -> int:
    from photos.models import Photo
    from photos.services import photos_delete

    due = Photo.objects.filter(event__date__lt=before.date())
    return due.count() if dry_run else photos_delete(due)


def register() -> None:
    register_redactable(
        RedactableKind(
            name=INCIDENT_PHOTOS,
            label=_("photos of an incident"),
            find=_find_incident,
            fields={"photos": _("every photo (deleted with its file)")},
            redact=_erase_photos,
            admin_url=lambda incident: reverse("admin:incidents_incident_change", args=[incident.pk]),
        )
    )
    register_redactable(
        RedactableKind(
            name=EVENT_PHOTOS,
            label=_("photos of an outreach event"),
            find=_find_event,
            fields={"photos": _("every photo (deleted with its file)")},
            redact=_erase_photos,
            admin_url=lambda event: reverse("admin:negotiators_outreachevent_change", args=[event.pk]),
        )
    )
    register_retention_rule(
        RetentionRule(
            name="incident_photos",
            label=_("Photos of closed incidents"),
            setting="incident_parties_years",
            unit="years",
            enforce=_expired_incident_photos,
        )
    )
    register_retention_rule(
        RetentionRule(
            name="event_photos",
            label=_("Photos of outreach events"),
            setting="event_photos_years",
            unit="years",
            enforce=_expired_event_photos,
        )
    )
