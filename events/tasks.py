"""Reminders a day and an hour before an event, to everyone registered (not the waiting list, not
the cancelled, not an address that bounced), each once: the beat runs ``send_reminders`` every
ten minutes and a reminder is marked sent before it is queued."""

from datetime import datetime, timedelta

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from events.models import Registration, RegistrationStatus
from events.services import mail_context
from mail.sending import send
from negotiators.models import EventStatus

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def _due(now: datetime, within: timedelta, after: timedelta) -> "list[Registration]":
    return list(
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            bounced=False,
            event__status=EventStatus.PLANNED,
            event__starts_at__gt=now + after,
            event__starts_at__lte=now + within,
        )
        .exclude(email_token="")
        .select_related("event")
    )


def _remind(registration: Registration, soon: str) -> None:
    send(
        "event_reminder",
        to=[registration.email],
        context={**mail_context(registration), "soon": soon},
        language=registration.language,
    )


@shared_task(name="events.send_reminders")
def send_reminders(now: datetime | None = None) -> int:
    """Send the reminders due at ``now``; how many were sent. Running it again sends none twice."""
    now = now or timezone.now()
    sent = 0
    # The hour's first: once it is sent the day's is no longer news (a beat missed for a day).
    for registration in _due(now, HOUR, timedelta(0)):
        claimed = Registration.objects.filter(pk=registration.pk, reminded_hour_at__isnull=True).update(
            reminded_hour_at=now
        )
        if claimed:
            Registration.objects.filter(pk=registration.pk, reminded_day_at__isnull=True).update(reminded_day_at=now)
            _remind(registration, "hour")
            sent += 1
    for registration in _due(now, DAY, HOUR):
        # Not to someone who registered within the day before the start: their confirmation is fresh.
        claimed = (
            Registration.objects.filter(pk=registration.pk, reminded_day_at__isnull=True)
            .filter(created_at__lte=F("event__starts_at") - DAY)
            .update(reminded_day_at=now)
        )
        if claimed:
            _remind(registration, "day")
            sent += 1
    return sent
