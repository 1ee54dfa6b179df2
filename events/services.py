"""Registering for an event on its public page, cancelling, and erasing one's data.

Registration closes at the event's start, when staff close it (``registration_open`` off) or when
the event is no longer planned; beyond the capacity registrants join the waiting list, and a
cancellation promotes the first of them. One address registers once per event: trying again
returns the existing registration and sends its confirmation again.

Registrations taken elsewhere (a paper list, another tool's form) for an event that has begun are
imported by staff through :func:`registration_import`, which sends nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from access.capabilities import Capability
from access.viewer import Viewer
from events.models import ConsentText, Registration, RegistrationStatus, email_token
from events.privacy import REGISTRANT, registrants_kept_since
from events.tokens import cancel_token
from mail.calendar import ics_event, ics_mimetype
from mail.sending import send
from negotiators.models import EventStatus, OutreachEvent
from privacy.erasure import person_anonymise
from privacy.models import ErasureSource

TRACKING_PREFIX = "events.registration:"
# An event without a duration is put in calendars as this long.
DEFAULT_DURATION = timedelta(hours=1)


class RegistrationClosed(Exception):
    """Why the event takes no registration now, in the active language."""


class NoConsentText(RegistrationClosed):
    """No consent text exists: nobody can agree to anything, so nobody registers."""


def closed_reason(event: OutreachEvent, now: datetime | None = None) -> str | None:
    """Why ``event`` takes no registration at ``now``, or ``None`` when it does."""
    now = now or timezone.now()
    if event.status == EventStatus.CANCELLED:
        return _("This event has been cancelled.")
    if event.status == EventStatus.POSTPONED:
        return _("This event has been postponed; registration will open again with its new date.")
    if event.status != EventStatus.PLANNED or not event.registration_open or event.starts_at is None:
        return _("Registration for this event is closed.")
    if event.starts_at <= now:
        return _("Registration closed when the event started.")
    return None


def public_url(path: str, base_url: str | None = None) -> str:
    return (base_url or settings.PUBLIC_URL).rstrip("/") + path


def cancel_url(registration: Registration, base_url: str | None = None) -> str:
    token = cancel_token(registration.pk, registration.event_id)
    path = reverse("events:cancel", kwargs={"slug": registration.event.slug, "token": token})
    return public_url(path, base_url)


def event_time(event: OutreachEvent) -> dict[str, str]:
    """The event's start in its own zone, as shown on the page and in mail (in the active language)."""
    if event.starts_at is None:
        return {"date": formats.date_format(event.date, "DATE_FORMAT"), "time": "", "zone": "", "offset": ""}
    local = event.starts_at.astimezone(event.zone)
    offset = local.strftime("%z")
    return {
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": formats.time_format(local, "TIME_FORMAT"),
        "zone": str(event.zone),
        "offset": f"UTC{offset[:3]}:{offset[3:]}",
    }


def calendar_file(registration: Registration, base_url: str | None = None) -> bytes:
    event = registration.event
    assert event.starts_at is not None
    start = event.starts_at
    end = event.ends_at if event.ends_at and event.ends_at > start else start + DEFAULT_DURATION
    page = public_url(reverse("events:register", kwargs={"slug": event.slug}), base_url)
    description = "\n\n".join(part for part in (event.agenda, event.meeting_link) if part)
    return ics_event(
        uid=f"event-{event.pk}@{parseaddr(settings.DEFAULT_FROM_EMAIL)[1].partition('@')[2] or 'zlagoda'}",
        start=start,
        end=end,
        summary=event.display_title,
        description=description,
        location=event.meeting_link or event.place,
        url=page,
        organizer_email=parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        attendee_email=registration.email,
    )


def mail_context(registration: Registration, base_url: str | None = None) -> dict[str, Any]:
    event = registration.event
    with override(registration.language):
        when = event_time(event)
    return {
        "registration": registration,
        "event": event,
        "when": when,
        "cancel_url": cancel_url(registration, base_url),
        "page_url": public_url(reverse("events:register", kwargs={"slug": event.slug}), base_url),
    }


def send_confirmation(registration: Registration, base_url: str | None = None) -> None:
    """The confirmation (with the calendar file and the meeting link) or, on the waiting list, the
    notice that says so (neither)."""
    if registration.status == RegistrationStatus.CANCELLED or not registration.email:
        return
    waiting = registration.status == RegistrationStatus.WAITING
    send(
        "event_waiting" if waiting else "event_registered",
        to=[registration.email],
        context=mail_context(registration, base_url),
        language=registration.language,
        attachments=[] if waiting else [("event.ics", calendar_file(registration, base_url), ics_mimetype())],
        tracking=f"{TRACKING_PREFIX}{registration.pk}",
    )


def _places_taken(event: OutreachEvent) -> int:
    return event.registrations.filter(status=RegistrationStatus.REGISTERED).count()


def _has_room(event: OutreachEvent) -> bool:
    return event.capacity is None or _places_taken(event) < event.capacity


def register(
    event: OutreachEvent,
    cleaned_data: Mapping[str, Any],
    language: str,
    now: datetime | None = None,
    *,
    base_url: str | None = None,
) -> tuple[Registration, bool]:
    """Register ``cleaned_data``'s person (full_name, email, organisation, role, community,
    question, accessibility_needs) for ``event`` in ``language``; ``(registration, created)``.

    Raises :class:`RegistrationClosed` when the event takes no registration. An address already
    registered gets its registration back (``created`` false) and its confirmation again; one
    that had cancelled registers again (a place, or the waiting list).
    """
    now = now or timezone.now()
    with transaction.atomic():
        # One registration at a time per event: the places are counted, then taken.
        event = OutreachEvent.objects.select_for_update().get(pk=event.pk)
        reason = closed_reason(event, now)
        if reason is not None:
            raise RegistrationClosed(reason)
        consent = ConsentText.current(language)
        if consent is None:
            raise NoConsentText(_("Registration is not possible at the moment."))
        existing = event.registrations.filter(email_token=email_token(cleaned_data["email"])).first()
        if existing is not None and existing.status != RegistrationStatus.CANCELLED:
            send_confirmation(existing, base_url)
            return existing, False
        registration = existing or Registration(event=event)
        registration.full_name = cleaned_data["full_name"]
        registration.email = cleaned_data["email"]
        registration.organisation = cleaned_data.get("organisation") or ""
        registration.role = cleaned_data["role"]
        registration.community = cleaned_data.get("community")
        registration.question = cleaned_data.get("question") or ""
        registration.accessibility_needs = cleaned_data.get("accessibility_needs") or ""
        registration.language = language
        registration.consent = consent
        registration.consented_at = now
        registration.status = RegistrationStatus.REGISTERED if _has_room(event) else RegistrationStatus.WAITING
        registration.cancelled_at = None
        registration.bounced = False
        registration.save()
        send_confirmation(registration, base_url)
        return registration, existing is None


NO_CONSENT_MESSAGE = gettext_lazy(
    "Without the person's consent to the processing of their data the registration is not kept."
)


@transaction.atomic
def registration_import(
    *, registration: Registration, consent_given: bool, actor: User, now: datetime | None = None
) -> Registration:
    """Save a registration taken outside the portal, new or changed, under the public form's rules
    but without its mail: the event has begun or is over (a registrant of an upcoming event
    registers on its page, whose confirmation carries the cancellation link the consent text
    promises), one address once per event, and beyond the capacity the waiting list.

    ``consent_given`` says the person agreed to the processing of their data: without it nothing
    is kept. A new registration records the consent text in force in its language (at
    ``registration.consented_at``, or now); a changed one keeps the version it agreed to. Events
    past the registrants' retention period take no registration: their data would be erased at
    once. Raises ``ValidationError`` by field (``consent`` and ``event`` among them) and
    ``PermissionDenied`` for an actor who does not handle personal data.
    """
    viewer = Viewer.for_user(actor)
    if not (viewer.can(Capability.LOGS_RECORDS) and viewer.can(Capability.READS_PERSONAL_DATA)):
        raise PermissionDenied(_("Registrations are personal data: only staff who read it may import them."))
    now = now or timezone.now()
    # One registration at a time per event: the places are counted, then taken.
    event = OutreachEvent.objects.select_for_update().get(pk=registration.event_id)
    if not consent_given:
        raise ValidationError({"consent": NO_CONSENT_MESSAGE})
    begun = event.starts_at <= now if event.starts_at is not None else event.date <= timezone.localdate(now)
    if not begun:
        raise ValidationError(
            {
                "event": _(
                    "This event has not begun: its registrants register on its page, which sends them the "
                    "confirmation and the cancellation link."
                )
            }
        )
    kept_since = registrants_kept_since(now)
    if event.date < kept_since:
        raise ValidationError(
            {
                "event": _(
                    "Registrants of events before %(date)s are past the retention period: their data is not kept."
                )
                % {"date": formats.date_format(kept_since, "SHORT_DATE_FORMAT")}
            }
        )
    if registration.pk is None:
        consent = ConsentText.current(registration.language)
        if consent is None:
            raise ValidationError({"consent": _("No consent text exists yet: add one before importing registrations.")})
        registration.consent = consent
        registration.consented_at = registration.consented_at or now
        registration.status = RegistrationStatus.REGISTERED if _has_room(event) else RegistrationStatus.WAITING
    # Set before validation: the constraint of one address per event is checked on the token.
    registration.email_token = email_token(registration.email) if registration.email else ""
    registration.full_clean()
    registration.save()
    return registration


def cancel(registration: Registration, now: datetime | None = None, *, base_url: str | None = None) -> bool:
    """Cancel ``registration``; the place it held goes to the first on the waiting list, who is
    told by mail. False when it was cancelled already."""
    now = now or timezone.now()
    with transaction.atomic():
        event = OutreachEvent.objects.select_for_update().get(pk=registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            return False
        current.status = RegistrationStatus.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at", "updated_at"])
        registration.status, registration.cancelled_at = current.status, current.cancelled_at
        if closed_reason(event, now) is None:
            promote_waiting(event, base_url=base_url)
    return True


def promote_waiting(event: OutreachEvent, *, base_url: str | None = None) -> list[Registration]:
    """Give the free places to the waiting list, first come first served, and mail each promoted."""
    promoted = []
    waiting = event.registrations.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")
    for registration in waiting:
        if not _has_room(event):
            break
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
        promoted.append(registration)
        if registration.email:
            send(
                "event_promoted",
                to=[registration.email],
                context=mail_context(registration, base_url),
                language=registration.language,
                attachments=[("event.ics", calendar_file(registration, base_url), ics_mimetype())],
                tracking=f"{TRACKING_PREFIX}{registration.pk}",
            )
    return promoted


def request_erasure(registration: Registration, now: datetime | None = None, *, base_url: str | None = None) -> None:
    """The registrant asked for their data to be deleted: the registration is cancelled (its place
    goes to the waiting list) and anonymised (``events.privacy``); the row stays, without a name,
    address, question or needs, for the event's counts."""
    cancel(registration, now, base_url=base_url)
    person_anonymise(
        kind=REGISTRANT,
        pk=registration.pk,
        actor=None,
        reason="Requested by the registrant on the event's cancellation page",
        source=ErasureSource.COMMAND,
    )
    registration.refresh_from_db()


def mark_bounced(tracking: str, bounced: bool = False, **kwargs: Any) -> None:
    """``mail.signals.message_failed`` receiver: a hard bounce marks the registrant's address."""
    if not bounced or not tracking.startswith(TRACKING_PREFIX):
        return
    pk = tracking[len(TRACKING_PREFIX) :]
    if pk.isdigit():
        Registration.objects.filter(pk=int(pk)).update(bounced=True)
