"""Webhooks: the change feed (:mod:`sync.feed`) pushed to a partner organisation's URL.

A webhook's deliveries are the pages of its partner's change feed, read with the partner's viewer
(so they carry what its API key would read, never personal data), POSTed in order from
``Webhook.cursor``: the next page is read only once the previous one was answered with a 2xx.
A failed page (any other status, a redirect among them, a timeout, a refused connection) is sent
again, the same body under the same ``event_id``, after 30 s, 1 min, 2 min ... at most an hour
apart, until 24 hours after the first failure; then delivery is given up, the cursor stays where
it is, and the next change (or "Deliver now" in the admin) starts it again.

One delivery at a time per webhook: a worker takes the webhook's lease (a conditional UPDATE,
so on SQLite and PostgreSQL alike, without holding a transaction over the HTTP call) and renews
it page by page; a lease left by a worker that died runs out after :data:`LEASE`.

Each POST is signed: ``X-Zlagoda-Signature: sha256=<HMAC-SHA256 of "<timestamp>.<body>" under the
webhook's secret>``, with the Unix time in ``X-Zlagoda-Timestamp`` (docs/api.md, "Webhooks").
"""

import contextlib
import hashlib
import hmac
import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from access.viewer import Viewer
from sync import feed
from sync.models import LOCAL_HOSTS, DeliveryState, Webhook, WebhookDelivery, validate_webhook_url

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

PAGE_SIZE = 100
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 10
TOTAL_TIMEOUT_SECONDS = 30
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 3600
GIVE_UP_AFTER = timedelta(hours=24)
LEASE = timedelta(minutes=5)
EXCERPT_LENGTH = 500
USER_AGENT = "Zlagoda-Webhooks/1"
UNFINISHED = (DeliveryState.PENDING, DeliveryState.FAILED, DeliveryState.GIVEN_UP)


class Event:
    CHANGES = "changes"
    TEST = "test"


# --- signing and sending -------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Zlagoda-Signature`` of ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def retry_delay(attempts: int) -> timedelta:
    """How long after attempt number ``attempts`` failed the next one goes: 30 s, doubling, at
    most an hour."""
    return timedelta(seconds=min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1)))


@dataclass
class Answer:
    """What the receiver answered (``status_code``), or why there was no answer (``error``)."""

    status_code: int | None = None
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def public_address(host: str, port: int) -> str:
    """The address to connect to for ``host``: refused (``ValueError``) if any address it resolves
    to is not a public one (a private network, the cloud's metadata service, loopback), unless the
    host is this machine by name (``LOCAL_HOSTS``) or ``DEBUG`` is on."""
    addresses = [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    if host not in LOCAL_HOSTS and not settings.DEBUG:
        for address in addresses:
            if not ipaddress.ip_address(str(address).split("%")[0]).is_global:
                raise ValueError(f"{host} resolves to {address}, not a public address")
    return str(addresses[0])


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url`` once: connect within 5 s, each read within 10 s, the whole answer
    within 30 s (a receiver sending a byte at a time holds no worker for longer), and follow no
    redirect (``http.client`` never does: a 3xx is an answer like any other non-2xx)."""
    try:
        validate_webhook_url(url)
    except ValidationError as error:
        return Answer(error=" ".join(error.messages)[:EXCERPT_LENGTH])
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        address = public_address(host, port)
    except (OSError, ValueError) as error:
        return Answer(error=f"{type(error).__name__}: {error}"[:EXCERPT_LENGTH])
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            host, port, timeout=CONNECT_TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=CONNECT_TIMEOUT_SECONDS)
    # Connect to the address just checked, not to what the name resolves to a moment later; the
    # Host header and TLS (SNI, the certificate's name) still use the name.
    connection._create_connection = lambda _where, timeout, source: socket.create_connection(  # type: ignore[attr-defined]
        (address, port), timeout, source
    )
    cut = threading.Event()

    def cut_off() -> None:
        cut.set()
        if connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    deadline = threading.Timer(TOTAL_TIMEOUT_SECONDS, cut_off)
    try:
        connection.connect()
        if connection.sock is not None:
            connection.sock.settimeout(READ_TIMEOUT_SECONDS)
        deadline.start()
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        answer = Answer(status_code=response.status)
        with contextlib.suppress(OSError, http.client.HTTPException):
            answer.excerpt = response.read(EXCERPT_LENGTH * 4).decode("utf-8", "replace")[:EXCERPT_LENGTH]
        return answer
    except (OSError, http.client.HTTPException) as error:
        if cut.is_set():
            return Answer(error=f"TimeoutError: no complete answer within {TOTAL_TIMEOUT_SECONDS} s")
        return Answer(error=f"{type(error).__name__}: {error}"[:EXCERPT_LENGTH])
    finally:
        deadline.cancel()
        connection.close()


def send(webhook: Webhook, delivery: WebhookDelivery, at: datetime) -> Answer:
    timestamp = int(at.timestamp())
    body = bytes(delivery.body)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Zlagoda-Event": Event.TEST if delivery.is_test else Event.CHANGES,
        "X-Zlagoda-Delivery": str(delivery.event_id),
        "X-Zlagoda-Timestamp": str(timestamp),
        "X-Zlagoda-Signature": signature(webhook.secret, timestamp, body),
    }
    return post(webhook.url, body, headers)


def _render(payload: dict[str, Any]) -> bytes:
    # The API's own renderer: the records come out exactly as the feed's JSON shows them.
    return JSONRenderer().render(payload)


# --- the lease -----------------------------------------------------------------------------------


def _take_lease(webhook_id: int, at: datetime) -> uuid.UUID | None:
    token = uuid.uuid4()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=at)
    taken = Webhook.objects.filter(free, pk=webhook_id).update(lease=token, lease_until=at + LEASE)
    return token if taken else None


def _renew_lease(webhook_id: int, token: uuid.UUID, at: datetime) -> bool:
    return bool(Webhook.objects.filter(pk=webhook_id, lease=token).update(lease_until=at + LEASE))


def _release_lease(webhook_id: int, token: uuid.UUID) -> None:
    Webhook.objects.filter(pk=webhook_id, lease=token).update(lease=None, lease_until=None)


# --- delivering ----------------------------------------------------------------------------------


def _unfinished(webhook: Webhook) -> WebhookDelivery | None:
    return webhook.deliveries.filter(is_test=False, state__in=UNFINISHED).order_by("pk").first()


def _next_page(webhook: Webhook, token: uuid.UUID, at: datetime) -> WebhookDelivery | None:
    """The delivery of the next page of the partner's feed after the cursor; ``None`` when there
    is none. Changes that concern the partner not at all move the cursor without a POST."""
    viewer = Viewer.for_partner(webhook.partner)
    request = feed.request_for(viewer)
    cursor = webhook.cursor
    while True:
        page = feed.read(viewer, request, since=cursor, limit=PAGE_SIZE)
        until = feed.decode_cursor(page.next_cursor)
        if page.items:
            event_id = uuid.uuid4()
            payload = {
                "event_id": str(event_id),
                "webhook": webhook.pk,
                "test": False,
                "since": feed.encode_cursor(cursor) if cursor else "",
                "items": [
                    {"collection": item.collection, "id": item.id, "change": item.change, "record": item.record}
                    for item in page.items
                ],
                "next_cursor": page.next_cursor,
                "has_more": page.has_more,
            }
            return WebhookDelivery.objects.create(
                webhook=webhook,
                event_id=event_id,
                created_at=at,
                item_count=len(page.items),
                since_sequence=cursor,
                until_sequence=until,
                body=_render(payload),
            )
        if not Webhook.objects.filter(pk=webhook.pk, lease=token, cursor=cursor).update(cursor=until):
            return None
        webhook.cursor = cursor = until
        if not page.has_more:
            return None


def _record_answer(delivery: WebhookDelivery, answer: Answer, at: datetime) -> None:
    delivery.attempts += 1
    delivery.last_attempt_at = at
    delivery.status_code = answer.status_code
    delivery.response_excerpt = answer.excerpt
    delivery.error = answer.error


def _succeeded(webhook: Webhook, delivery: WebhookDelivery, at: datetime) -> None:
    with transaction.atomic():
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = at
        delivery.next_attempt_at = None
        delivery.body = b""
        delivery.save()
        Webhook.objects.filter(pk=webhook.pk, cursor__lt=delivery.until_sequence).update(cursor=delivery.until_sequence)
        Webhook.objects.filter(pk=webhook.pk).update(
            last_success_at=at, failing_since=None, next_attempt_at=None, given_up_at=None, given_up_head=None
        )


def _failed(webhook: Webhook, delivery: WebhookDelivery, at: datetime) -> None:
    """Retry later with backoff, or give up 24 hours after the first failure in a row."""
    failing_since = webhook.failing_since or at
    changes: dict[str, Any] = {"failing_since": failing_since}
    if at - failing_since >= GIVE_UP_AFTER:
        delivery.state = DeliveryState.GIVEN_UP
        delivery.next_attempt_at = None
        # No attempt before the next change, and none within the hour.
        changes.update(
            given_up_at=at, given_up_head=feed.head(), next_attempt_at=at + timedelta(seconds=LONGEST_RETRY_SECONDS)
        )
        logger.warning("Webhook %s given up after failing since %s", webhook.pk, failing_since.isoformat())
    else:
        delivery.state = DeliveryState.FAILED
        delivery.next_attempt_at = changes["next_attempt_at"] = at + retry_delay(delivery.attempts)
    with transaction.atomic():
        delivery.save()
        Webhook.objects.filter(pk=webhook.pk).update(**changes)


def webhook_deliver(*, webhook_id: int, now: Clock = timezone.now) -> str:
    """Deliver what webhook ``webhook_id`` has not received yet, page after page, until it is up
    to date or a page fails (then its next attempt is scheduled). Safe to run twice at once: the
    second run finds the lease taken and returns at once. What happened, in a word."""
    token = _take_lease(webhook_id, now())
    if token is None:
        return "busy"
    try:
        while True:
            webhook = Webhook.objects.select_related("partner").filter(pk=webhook_id).first()
            if webhook is None or not webhook.is_active or not webhook.partner.is_active:
                return "inactive"
            at = now()
            if webhook.next_attempt_at is not None and webhook.next_attempt_at > at:
                return "waiting"
            delivery = _unfinished(webhook) or _next_page(webhook, token, at)
            if delivery is None:
                return "up to date"
            answer = send(webhook, delivery, at)
            _record_answer(delivery, answer, at)
            if not answer.ok:
                _failed(webhook, delivery, at)
                return "failed"
            _succeeded(webhook, delivery, at)
            if not _renew_lease(webhook_id, token, now()):
                return "lease lost"
    finally:
        _release_lease(webhook_id, token)


def webhooks_due(*, now: Clock = timezone.now) -> list[int]:
    """The active webhooks with something to deliver whose next attempt is due: behind the head
    of the change log or with a page still unanswered, not being delivered right now, and, if
    given up, with a change since."""
    at, head = now(), feed.head()
    return list(
        Webhook.objects.filter(is_active=True, partner__is_active=True)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=at))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=at))
        .filter(Q(given_up_at__isnull=True) | Q(given_up_head__lt=head))
        .filter(Q(cursor__lt=head) | Q(deliveries__is_test=False, deliveries__state__in=UNFINISHED))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def webhook_retry_now(*, webhook: Webhook) -> None:
    """Forget the failures (and a give-up): the next delivery goes at once and, if it fails,
    retries for another 24 hours."""
    with transaction.atomic():
        Webhook.objects.filter(pk=webhook.pk).update(
            failing_since=None, next_attempt_at=None, given_up_at=None, given_up_head=None
        )
        webhook.deliveries.filter(state__in=UNFINISHED).update(next_attempt_at=None)


def webhook_send_test(*, webhook: Webhook, now: Clock = timezone.now) -> WebhookDelivery:
    """POST a signed test event (no records) to the webhook at once and log it; not retried."""
    at = now()
    event_id = uuid.uuid4()
    cursor = feed.encode_cursor(webhook.cursor) if webhook.cursor else ""
    payload = {
        "event_id": str(event_id),
        "webhook": webhook.pk,
        "test": True,
        "since": cursor,
        "items": [],
        "next_cursor": cursor,
        "has_more": False,
    }
    delivery = WebhookDelivery(
        webhook=webhook,
        event_id=event_id,
        is_test=True,
        created_at=at,
        since_sequence=webhook.cursor,
        until_sequence=webhook.cursor,
        body=_render(payload),
    )
    answer = send(webhook, delivery, at)
    _record_answer(delivery, answer, at)
    if answer.ok:
        delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, at
    else:
        delivery.state = DeliveryState.FAILED
    delivery.body = b""
    delivery.save()
    return delivery


def webhook_deliveries_prune(*, now: Clock = timezone.now) -> int:
    """Forget deliveries done (delivered, or test events) more than ``WEBHOOK_DELIVERY_LOG_DAYS``
    ago; those still to be delivered or given up stay. Returns how many went."""
    cutoff = now() - timedelta(days=settings.WEBHOOK_DELIVERY_LOG_DAYS)
    done = Q(state=DeliveryState.DELIVERED) | Q(is_test=True)
    deleted, _by_model = WebhookDelivery.objects.filter(done, created_at__lt=cutoff).delete()
    return deleted
