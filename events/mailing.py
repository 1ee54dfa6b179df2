"""Materials sent after an event: a mailing to those who attended (or to everyone registered), one
:class:`~events.models.Delivery` per recipient, each sent by its own Celery task in the
recipient's language, and its status kept from what the mail task reports (``mail.signals``).

Files of the programme's document library travel as attachments while they add up to
``MAIL_ATTACHMENTS_MAX_BYTES`` (10 MiB unless set); beyond that each file is a link that only
this recipient's signed token opens (``events.feedback_views.material``). Every message carries a
link to the feedback form (a signed token naming the registration) and, the materials not being
transactional, a ``List-Unsubscribe`` header.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from api.changes import bulk_written
from events.models import (
    Delivery,
    DeliveryStatus,
    MailingAudience,
    MaterialsMailing,
    Registration,
    RegistrationStatus,
)
from events.tokens import feedback_token, read_feedback_token
from mail.sending import attachments_limit, send
from mail.signals import message_failed, message_sent
from negotiators.models import OutreachEvent
from programmes.models import Document

logger = logging.getLogger(__name__)

TRACKING_PREFIX = "events.delivery:"


def registration_of_token(token: str, slug: str) -> Registration | None:
    """The registration a feedback token names, if the token is genuine, recent and of the event
    ``slug``."""
    event = OutreachEvent.objects.filter(slug=slug).first()
    pk = read_feedback_token(token, event.pk) if event is not None else None
    return Registration.objects.select_related("event").filter(pk=pk, event=event).first() if pk else None


def recipients(event: OutreachEvent, audience: str) -> QuerySet[Registration]:
    """Who a mailing goes to: never the cancelled, never a bounced address."""
    registrations = event.registrations.exclude(status=RegistrationStatus.CANCELLED).filter(bounced=False)
    if audience == MailingAudience.ATTENDED:
        return registrations.filter(attended=True)
    return registrations.filter(Q(status=RegistrationStatus.REGISTERED) | Q(attended=True))


def create_mailing(
    *,
    event: OutreachEvent,
    audience: str,
    documents: Iterable[Document],
    links: str,
    message: str,
    actor: Any,
    base_url: str,
) -> MaterialsMailing:
    """Record the mailing with a queued delivery per recipient, and queue their tasks once the
    transaction commits. ``base_url`` (``https://portal.example.org``) makes the links absolute."""
    with transaction.atomic():
        mailing = MaterialsMailing.objects.create(
            event=event, audience=audience, links=links, message=message, created_by=actor
        )
        mailing.documents.set(list(documents))
        deliveries = Delivery.objects.bulk_create(
            Delivery(mailing=mailing, registration=registration) for registration in recipients(event, audience)
        )
        bulk_written(Delivery)
        queue([(delivery.pk, 0) for delivery in deliveries], base_url)
    return mailing


def queue(deliveries: list[tuple[int, int]], base_url: str) -> None:
    """Start a task per ``(delivery pk, attempts so far)`` once the transaction commits."""

    def start() -> None:
        for pk, attempts in deliveries:
            send_delivery.delay(pk, base_url, attempts)

    transaction.on_commit(start)


def retry(deliveries: Iterable[Delivery], base_url: str) -> int:
    """Send failed deliveries again (not bounced ones: the address does not exist); returns how many.
    A second click finds them queued, not failed, and sends nothing more."""
    with transaction.atomic():
        pks = [delivery.pk for delivery in deliveries]
        failed = list(
            Delivery.objects.select_for_update()
            .filter(pk__in=pks, status=DeliveryStatus.FAILED)
            .values_list("pk", "attempts")
        )
        Delivery.objects.filter(pk__in=[pk for pk, _attempts in failed]).update(
            status=DeliveryStatus.QUEUED, error="", updated_at=timezone.now()
        )
        bulk_written(Delivery)
        queue(failed, base_url)
    return len(failed)


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def message_parts(delivery: Delivery, base_url: str) -> tuple[dict[str, Any], list[tuple[str, bytes, str]]]:
    """The template's context and the attachments of one delivery."""
    from programmes.views import download_name

    mailing, registration = delivery.mailing, delivery.registration
    event = mailing.event
    token = feedback_token(registration.pk, registration.event_id)
    documents = list(mailing.documents.order_by("title", "pk"))
    files = [document for document in documents if document.file]
    attach = sum(document.size or document.file.size for document in files) <= attachments_limit()
    attachments, linked = [], []
    for document in documents:
        if document.file and attach:
            with document.file.open("rb") as handle:
                attachments.append((download_name(document), handle.read(), document.content_type))
        elif document.file:
            path = reverse("events:material", args=[event.slug or "-", token, document.pk])
            linked.append({"title": document.title, "url": _absolute(base_url, path)})
        else:
            linked.append({"title": document.title, "url": document.link})
    feedback_url = _absolute(base_url, reverse("events:feedback", args=[event.slug, token])) if event.slug else ""
    context = {
        "event": event,
        "registration": registration,
        "full_name": registration.full_name,
        "message": mailing.message,
        "attached": [document.title for document in files] if attach else [],
        "documents": linked,
        "links": mailing.link_list,
        "feedback_url": feedback_url,
    }
    return context, attachments


def unsubscribe_header(event: OutreachEvent) -> dict[str, str]:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()
    return {"List-Unsubscribe": f"<mailto:{address}?subject=unsubscribe%20event%20{event.pk}>"}


@shared_task(name="events.send_delivery", acks_late=True)
def send_delivery(delivery_pk: int, base_url: str, attempts: int = 0) -> str:
    """Render and hand one delivery to the mail task; its signals set the final status.
    ``attempts`` is the count when the task was queued: a task delivered twice by the broker (or
    run after another already took this attempt) finds it changed and sends nothing."""
    delivery = Delivery.objects.select_related("mailing__event", "registration").filter(pk=delivery_pk).first()
    if delivery is None or delivery.status != DeliveryStatus.QUEUED:
        return "skipped"
    registration = delivery.registration
    if registration.bounced or registration.status == RegistrationStatus.CANCELLED:
        _update(delivery_pk, status=DeliveryStatus.FAILED, error="registration cancelled or address bounced")
        return "failed"
    # Claimed by one task only.
    claimed = Delivery.objects.filter(pk=delivery_pk, status=DeliveryStatus.QUEUED, attempts=attempts).update(
        attempts=attempts + 1, updated_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    try:
        context, attachments = message_parts(delivery, base_url)
        send(
            "events_materials",
            to=[registration.email],
            context=context,
            language=registration.language,
            attachments=attachments,
            headers=unsubscribe_header(delivery.mailing.event),
            tracking=f"{TRACKING_PREFIX}{delivery_pk}",
        )
    except (OSError, ValueError) as error:
        # A file gone from the storage, an address the mail package refuses: failed, retriable.
        logger.error("Materials delivery %s not sent: %s", delivery_pk, type(error).__name__)
        _update(delivery_pk, status=DeliveryStatus.FAILED, error=f"{type(error).__name__}: {error}"[:300])
        return "failed"
    return "queued"


def _update(delivery_pk: int, **values: Any) -> None:
    Delivery.objects.filter(pk=delivery_pk).update(**values, updated_at=timezone.now())
    bulk_written(Delivery)


def _delivery_pk(tracking: str) -> int | None:
    if not tracking.startswith(TRACKING_PREFIX):
        return None
    try:
        return int(tracking.removeprefix(TRACKING_PREFIX))
    except ValueError:
        return None


@receiver(message_sent, dispatch_uid="events.delivery_sent")
def delivery_sent(sender: Any, tracking: str, **kwargs: Any) -> None:
    pk = _delivery_pk(tracking)
    if pk is not None:
        _update(pk, status=DeliveryStatus.SENT, error="", sent_at=timezone.now())


@receiver(message_failed, dispatch_uid="events.delivery_failed")
def delivery_failed(sender: Any, tracking: str, reason: str = "", bounced: bool = False, **kwargs: Any) -> None:
    pk = _delivery_pk(tracking)
    if pk is None:
        return
    status = DeliveryStatus.BOUNCED if bounced else DeliveryStatus.FAILED
    _update(pk, status=status, error=reason[:300])
    if bounced:
        Registration.objects.filter(deliveries__pk=pk).update(bounced=True, updated_at=timezone.now())
