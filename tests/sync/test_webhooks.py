"""Webhooks deliver the partner's change feed to a real HTTP server on 127.0.0.1: in order,
signed, retried with backoff until given up after 24 hours, never redirected, without personal
data; staff send a test event from the admin."""

import hashlib
import hmac
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from incidents.models import Incident
from incidents.services import incident_report
from negotiators.models import OutreachEvent
from sync import webhooks
from sync.models import DeliveryState, Webhook, WebhookDelivery, validate_webhook_url
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client, records_in
from tests.communities.factories import CommunityFactory
from tests.communities.test_api_personal_data import FORBIDDEN_EVERYWHERE, FORBIDDEN_IN, json_keys
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory
from tests.sync.support import full_pull

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Receiver:
    """An HTTP server in a thread: records each POST (headers, body) and answers with the next of
    ``answers`` (a status, or (status, headers)), 200 once they run out."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.answers: list = []
        self.delay = 0.0
        self.trickle = False
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                if receiver.trickle:
                    return self.answer_a_byte_at_a_time()
                answer = receiver.answers.pop(0) if receiver.answers else 200
                status, headers = answer if isinstance(answer, tuple) else (answer, {})
                time.sleep(receiver.delay)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def answer_a_byte_at_a_time(self):
                try:
                    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * 40:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.05)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/zlagoda"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def payloads(self) -> list[dict]:
        return [json.loads(body) for _headers, body in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def other_host():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def world(db, media_root, community, partner, negotiator_user, staff_user):
    elsewhere = CommunityFactory()
    records_in(community, partner=partner, negotiator=negotiator_user.negotiator, actor=staff_user)
    records_in(elsewhere, partner=partner, negotiator=NegotiatorFactory(community=elsewhere), actor=staff_user)
    return elsewhere


@pytest.fixture
def webhook(world, partner, receiver):
    return Webhook.objects.create(partner=partner, url=receiver.url)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(webhooks, "PAGE_SIZE", 3)


def clock(at):
    return lambda: at


def apply(copy: dict, payloads: list[dict]) -> dict:
    """What a receiver does: apply each delivery's items in order (as tests/sync/support.follow)."""
    for payload in payloads:
        for item in payload["items"]:
            key = (item["collection"], item["id"])
            if item["change"] in ("create", "update"):
                copy[key] = item["record"]
            else:
                copy.pop(key, None)
    return copy


def verify(secret: str, headers: dict, body: bytes, now: float, tolerance: int = 300) -> bool:
    """The check docs/api.md gives partners."""
    timestamp = headers["X-Zlagoda-Timestamp"]
    if abs(now - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={expected}", headers["X-Zlagoda-Signature"])


def test_deliveries_arrive_in_order_and_the_copy_equals_a_full_pull(webhook, receiver, partner, community, small_pages):
    assert webhooks.webhook_deliver(webhook_id=webhook.pk) == "up to date"
    payloads = receiver.payloads()
    assert len(payloads) > 2
    # Each page starts where the previous one ended.
    assert [p["since"] for p in payloads[1:]] == [p["next_cursor"] for p in payloads[:-1]]
    assert [p["has_more"] for p in payloads] == [True] * (len(payloads) - 1) + [False]
    client = key_client(issue_key(partner))
    copy = apply({}, payloads)
    assert copy == full_pull(client)

    incident = Incident.objects.filter(community=community).first()
    incident.title = "Нова назва"
    incident.save()
    IncidentFactory(community=community)
    OutreachEvent.objects.filter(community=community).first().delete()
    receiver.received.clear()
    assert webhooks.webhook_deliver(webhook_id=webhook.pk) == "up to date"
    assert apply(copy, receiver.payloads()) == full_pull(client)
    assert receiver.payloads()[0]["since"] == payloads[-1]["next_cursor"]
    assert WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).count() == len(payloads) + len(
        receiver.payloads()
    )


def test_changes_the_partner_does_not_see_move_the_cursor_without_a_post(webhook, receiver, world):
    webhooks.webhook_deliver(webhook_id=webhook.pk)
    receiver.received.clear()
    IncidentFactory(community=world)
    assert webhooks.webhook_deliver(webhook_id=webhook.pk) == "up to date"
    assert receiver.received == []
    webhook.refresh_from_db()
    assert webhook.cursor == webhooks.feed.head()


def test_each_delivery_is_signed_with_the_webhooks_secret(webhook, receiver):
    webhooks.webhook_deliver(webhook_id=webhook.pk)
    headers, body = receiver.received[0]
    assert headers["X-Zlagoda-Event"] == "changes"
    assert headers["X-Zlagoda-Delivery"] == json.loads(body)["event_id"]
    assert verify(webhook.secret, headers, body, time.time())
    assert not verify(Webhook(partner=webhook.partner).secret, headers, body, time.time())
    assert not verify(webhook.secret, headers, body + b" ", time.time())
    # Replayed an hour later: the timestamp is too old.
    assert not verify(webhook.secret, headers, body, time.time() + 3600)


def test_a_failed_page_is_sent_again_with_backoff_and_nothing_is_lost(webhook, receiver, partner):
    receiver.answers = [500, 503]
    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(T0)) == "failed"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.status_code) == (DeliveryState.FAILED, 1, 500)
    assert delivery.next_attempt_at == T0 + timedelta(seconds=30)
    webhook.refresh_from_db()
    assert (webhook.cursor, webhook.failing_since) == (0, T0)

    assert webhooks.webhooks_due(now=clock(T0 + timedelta(seconds=10))) == []
    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(T0 + timedelta(seconds=10))) == "waiting"
    later = T0 + timedelta(seconds=31)
    assert webhooks.webhooks_due(now=clock(later)) == [webhook.pk]
    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(later)) == "failed"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == later + timedelta(seconds=60)

    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(later + timedelta(seconds=61))) == "up to date"
    bodies = [body for _headers, body in receiver.received]
    # The same page, the same event, three times; then the rest.
    assert bodies[0] == bodies[1] == bodies[2]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.body) == (DeliveryState.DELIVERED, 3, b"")
    webhook.refresh_from_db()
    assert webhook.failing_since is None
    assert apply({}, receiver.payloads()[2:]) == full_pull(key_client(issue_key(partner)))


def test_delivery_is_given_up_24_hours_after_the_first_failure_and_a_later_change_starts_again(
    webhook, receiver, partner, community
):
    receiver.answers = [500] * 50
    at = T0
    while webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(at)) != "waiting":
        webhook.refresh_from_db()
        if webhook.given_up_at is not None:
            break
        at = webhook.next_attempt_at
    webhook.refresh_from_db()
    delivery = WebhookDelivery.objects.get()
    assert webhook.given_up_at == at >= T0 + timedelta(hours=24)
    assert at - T0 < timedelta(hours=25)
    assert delivery.state == DeliveryState.GIVEN_UP
    # Backoff: 30 s doubling, at most an hour apart, so about 30 attempts in the day.
    assert 25 <= delivery.attempts <= 35
    assert webhook.cursor == 0

    # Nothing new: no more attempts, not even hours later.
    assert webhooks.webhooks_due(now=clock(at + timedelta(hours=5))) == []
    IncidentFactory(community=community)
    assert webhooks.webhooks_due(now=clock(at + timedelta(hours=5))) == [webhook.pk]
    receiver.answers = []
    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(at + timedelta(hours=5))) == "up to date"
    webhook.refresh_from_db()
    assert (webhook.given_up_at, webhook.failing_since) == (None, None)
    delivered = [payload for payload in receiver.payloads() if payload["event_id"] != str(delivery.event_id)]
    first = receiver.payloads()[0]
    assert apply({}, [first, *delivered]) == full_pull(key_client(issue_key(partner)))


def test_a_redirect_is_not_followed(webhook, receiver, other_host):
    receiver.answers = [(307, {"Location": other_host.url})]
    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(T0)) == "failed"
    assert other_host.received == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.status_code) == (DeliveryState.FAILED, 307)
    webhook.refresh_from_db()
    assert webhook.cursor == 0


def test_a_receiver_that_does_not_answer_in_time_fails_the_attempt(webhook, receiver, monkeypatch):
    monkeypatch.setattr(webhooks, "READ_TIMEOUT_SECONDS", 0.2)
    receiver.delay = 0.6
    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(T0)) == "failed"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status_code is None
    assert "timed out" in delivery.error


def test_a_receiver_answering_a_byte_at_a_time_is_cut_off(webhook, receiver, monkeypatch):
    monkeypatch.setattr(webhooks, "READ_TIMEOUT_SECONDS", 0.3)
    monkeypatch.setattr(webhooks, "TOTAL_TIMEOUT_SECONDS", 0.5)
    receiver.trickle = True
    started = time.monotonic()
    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(T0)) == "failed"
    assert time.monotonic() - started < 1.5
    delivery = WebhookDelivery.objects.get()
    assert delivery.status_code is None
    assert "no complete answer within" in delivery.error


def test_an_unreachable_receiver_fails_the_attempt(webhook, receiver):
    webhook.url = receiver.url
    receiver.close()
    Webhook.objects.filter(pk=webhook.pk).update(url=receiver.url)
    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(T0)) == "failed"
    assert WebhookDelivery.objects.get().error.startswith("ConnectionRefusedError")


@pytest.mark.parametrize(
    "url", ["https://10.20.30.40/hooks", "https://169.254.169.254/latest", "https://127.0.0.2/hooks"]
)
def test_deliveries_reach_public_addresses_only(webhook, receiver, settings, url):
    settings.DEBUG = False
    Webhook.objects.filter(pk=webhook.pk).update(url=url)
    started = time.monotonic()
    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(T0)) == "failed"
    assert time.monotonic() - started < 1
    assert "not a public address" in WebhookDelivery.objects.get().error


def test_the_address_checked_is_the_address_connected_to(webhook, receiver, monkeypatch):
    """The connection goes to the address the name resolved to when it was checked (no second
    lookup a rebinding DNS server could answer differently), the Host header keeps the name. The
    name here resolves, for this test only, to the receiver."""
    real = webhooks.socket.getaddrinfo
    monkeypatch.setattr(
        webhooks.socket,
        "getaddrinfo",
        lambda host, *args, **kwargs: real("127.0.0.1" if host == "partner.example.org" else host, *args, **kwargs),
    )
    monkeypatch.setattr(webhooks, "LOCAL_HOSTS", {"partner.example.org"})
    port = receiver.server.server_address[1]
    Webhook.objects.filter(pk=webhook.pk).update(url=f"http://partner.example.org:{port}/hooks")
    monkeypatch.setattr(webhooks, "validate_webhook_url", lambda url: None)
    assert webhooks.webhook_deliver(webhook_id=webhook.pk) == "up to date"
    assert receiver.received[0][0]["Host"] == f"partner.example.org:{port}"


def test_one_delivery_at_a_time_per_webhook(webhook, receiver):
    assert webhooks._take_lease(webhook.pk, T0) is not None
    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(T0 + timedelta(minutes=1))) == "busy"
    assert webhooks.webhooks_due(now=clock(T0 + timedelta(minutes=1))) == []
    assert receiver.received == []
    # A lease its worker never gave back runs out.
    assert webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(T0 + timedelta(minutes=6))) == "up to date"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL")
def test_two_workers_at_once_deliver_each_page_once(webhook, receiver, partner, small_pages):
    receiver.delay = 0.05
    barrier = threading.Barrier(2)
    outcomes = []

    def work():
        barrier.wait()
        try:
            outcomes.append(webhooks.webhook_deliver(webhook_id=webhook.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["busy", "up to date"]
    event_ids = [payload["event_id"] for payload in receiver.payloads()]
    assert len(event_ids) == len(set(event_ids)) > 2
    assert apply({}, receiver.payloads()) == full_pull(key_client(issue_key(partner)))


def test_deliveries_carry_no_personal_data(db, media_root, community, partner, staff_user, receiver):
    incident_report(
        actor=staff_user,
        community=community,
        category="domestic_conflict",
        occurred_at=T0,
        title="Конфлікт у родині",
        description="СЕКРЕТ-опис",
        location="СЕКРЕТ-адреса",
        internal_notes="СЕКРЕТ-нотатка",
        parties=[{"role": "complainant", "full_name": "Сидоренко Марина", "phone": "+380 99 111 22 33"}],
    )
    records_in(community, partner=partner, negotiator=NegotiatorFactory(community=community), actor=staff_user)
    webhook = Webhook.objects.create(partner=partner, url=receiver.url)
    assert webhooks.webhook_deliver(webhook_id=webhook.pk) == "up to date"
    items = [item for payload in receiver.payloads() for item in payload["items"]]
    assert {item["collection"] for item in items} >= {"incidents", "negotiators", "events"}
    for item in items:
        forbidden = FORBIDDEN_EVERYWHERE | FORBIDDEN_IN.get(item["collection"], set())
        assert json_keys(item["record"]) & forbidden == set(), item["collection"]
    text = b"".join(body for _headers, body in receiver.received).decode()
    assert [word for word in ("СЕКРЕТ", "Сидоренко", "111 22 33") if word in text] == []


def test_the_delivery_log_forgets_deliveries_done_after_its_retention(webhook, receiver, settings):
    settings.WEBHOOK_DELIVERY_LOG_DAYS = 30
    webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(T0))
    webhooks.webhook_send_test(webhook=webhook, now=clock(T0))
    receiver.answers = [500]
    IncidentFactory(community=webhook.partner.communities.first())
    webhooks.webhook_deliver(webhook_id=webhook.pk, now=clock(T0))
    assert webhooks.webhook_deliveries_prune(now=clock(T0 + timedelta(days=29))) == 0
    assert webhooks.webhook_deliveries_prune(now=clock(T0 + timedelta(days=31))) == 2
    assert list(WebhookDelivery.objects.values_list("state", flat=True)) == [DeliveryState.FAILED]


def test_inactive_webhooks_and_partners_receive_nothing(webhook, receiver, partner):
    Webhook.objects.filter(pk=webhook.pk).update(is_active=False)
    assert webhooks.webhooks_due() == []
    assert webhooks.webhook_deliver(webhook_id=webhook.pk) == "inactive"
    Webhook.objects.filter(pk=webhook.pk).update(is_active=True)
    partner.is_active = False
    partner.save()
    assert webhooks.webhooks_due() == []
    assert webhooks.webhook_deliver(webhook_id=webhook.pk) == "inactive"
    assert receiver.received == []


def test_a_commit_that_wrote_changes_queues_the_due_webhooks_once(
    webhook, community, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from sync import tasks

    queued = []
    monkeypatch.setattr(tasks.deliver_due_webhooks, "delay", lambda: queued.append(1))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # The fixtures wrote changes in the test's transaction too: their callback is not this one's.
    connection.run_on_commit.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        IncidentFactory(community=community)
        IncidentFactory(community=community)
    # One announcement for the transaction (the indicators' cache adds a marker of its own).
    assert [callback.__name__ for callback in callbacks].count("_announce_commit") == 1
    assert queued == [1]
    # In eager mode it would deliver inside the request that wrote the change.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True):
        IncidentFactory(community=community)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    Webhook.objects.update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        IncidentFactory(community=community)
    assert queued == [1]


def test_beat_queues_each_due_webhook_once(webhook, receiver, monkeypatch):
    from sync import tasks

    queued = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", queued.append)
    assert tasks.deliver_due_webhooks() == [webhook.pk]
    assert queued == [webhook.pk]
    assert tasks.deliver_webhook(webhook.pk) == "up to date"
    assert tasks.deliver_due_webhooks() == []


@pytest.mark.parametrize(
    ("url", "debug", "valid"),
    [
        ("https://partner.example.org/hooks", False, True),
        ("http://127.0.0.1:8080/hooks", False, True),
        ("http://localhost/hooks", False, True),
        ("http://partner.example.org/hooks", False, False),
        ("http://partner.example.org/hooks", True, True),
        ("ftp://partner.example.org/hooks", True, False),
        ("https://user:pass@partner.example.org/hooks", False, False),
    ],
)
def test_webhook_urls_are_https_except_on_this_machine(settings, url, debug, valid):
    settings.DEBUG = debug
    try:
        validate_webhook_url(url)
    except ValidationError:
        assert not valid
    else:
        assert valid


# --- the admin -----------------------------------------------------------------------------------


def test_staff_send_a_test_event_from_the_admin(client, staff_user, webhook, receiver):
    verified_login(client, staff_user)
    change = reverse("admin:sync_webhook_change", args=[webhook.pk])
    page = client.get(change).content.decode()
    assert webhook.secret in page
    assert reverse("admin:sync_webhook_send_test_event", args=[webhook.pk]) in page
    response = client.post(reverse("admin:sync_webhook_send_test_event", args=[webhook.pk]), follow=True)
    assert response.redirect_chain[-1][0] == change
    assert "HTTP 200" in response.content.decode()
    headers, body = receiver.received[-1]
    assert headers["X-Zlagoda-Event"] == "test"
    payload = json.loads(body)
    assert (payload["test"], payload["items"]) == (True, [])
    assert verify(webhook.secret, headers, body, time.time())
    delivery = WebhookDelivery.objects.get(is_test=True)
    assert (delivery.state, delivery.status_code) == (DeliveryState.DELIVERED, 200)
    # A test event moves nothing.
    webhook.refresh_from_db()
    assert webhook.cursor == 0
    assert client.get(reverse("admin:sync_webhookdelivery_change", args=[delivery.pk])).status_code == 200


def test_a_failed_test_event_says_so(client, staff_user, webhook, receiver):
    receiver.answers = [404]
    verified_login(client, staff_user)
    response = client.post(
        reverse("admin:sync_webhook_changelist"),
        {"action": "send_test_event", "_selected_action": [webhook.pk]},
        follow=True,
    )
    assert "HTTP 404" in response.content.decode()
    assert WebhookDelivery.objects.get(is_test=True).state == DeliveryState.FAILED


def test_staff_register_a_webhook_and_deliver_now(
    client, staff_user, partner, world, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    from sync import tasks

    # The task runs here, in-process, whether or not a broker is configured.
    monkeypatch.setattr(tasks.deliver_webhook, "delay", lambda pk: tasks.deliver_webhook.apply(args=[pk]))
    verified_login(client, staff_user)
    response = client.post(
        reverse("admin:sync_webhook_add"), {"partner": partner.pk, "url": receiver.url, "is_active": "on"}
    )
    assert response.status_code == 302
    webhook = Webhook.objects.get()
    assert len(webhook.secret) == 64
    Webhook.objects.filter(pk=webhook.pk).update(failing_since=T0, next_attempt_at=T0 + timedelta(days=999))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:sync_webhook_deliver_now", args=[webhook.pk]))
    webhook.refresh_from_db()
    assert webhook.cursor == webhooks.feed.head()
    assert webhook.failing_since is None
    assert receiver.received


def test_staff_cannot_register_a_plain_http_url_elsewhere(client, staff_user, partner):
    verified_login(client, staff_user)
    response = client.post(
        reverse("admin:sync_webhook_add"), {"partner": partner.pk, "url": "http://partner.example.org/hooks"}
    )
    assert response.status_code == 200
    assert not Webhook.objects.exists()


def test_programme_managers_see_webhooks_but_neither_the_secret_nor_the_buttons(
    client, manager_user, webhook, receiver
):
    verified_login(client, manager_user)
    page = client.get(reverse("admin:sync_webhook_change", args=[webhook.pk]))
    assert page.status_code == 200
    assert webhook.secret not in page.content.decode()
    assert reverse("admin:sync_webhook_send_test_event", args=[webhook.pk]) not in page.content.decode()
    assert client.post(reverse("admin:sync_webhook_send_test_event", args=[webhook.pk])).status_code == 403
    assert receiver.received == []


def test_staff_give_a_webhook_a_new_secret(client, staff_user, webhook, receiver):
    old = webhook.secret
    verified_login(client, staff_user)
    client.post(
        reverse("admin:sync_webhook_changelist"), {"action": "give_new_secret", "_selected_action": [webhook.pk]}
    )
    webhook.refresh_from_db()
    assert webhook.secret != old
    webhooks.webhook_send_test(webhook=webhook)
    headers, body = receiver.received[-1]
    assert verify(webhook.secret, headers, body, time.time())
    assert not verify(old, headers, body, time.time())
