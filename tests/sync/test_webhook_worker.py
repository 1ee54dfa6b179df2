"""End to end through a real Celery worker and the real Redis broker: a change committed on the
portal reaches the partner's webhook receiver, with no one pressing a button."""

import json
import time

import pytest

from sync.models import Webhook
from tests.incidents.factories import IncidentFactory
from tests.reports.test_celery_worker import REASON, worker  # noqa: F401  (the worker fixture)
from tests.sync.test_webhooks import Receiver

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(REASON is not None, reason=REASON or ""),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("api_settings"),
]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def test_a_committed_change_reaches_the_receiver_through_the_worker(worker, receiver, partner, community):  # noqa: F811
    Webhook.objects.create(partner=partner, url=receiver.url)
    incident = IncidentFactory(community=community, title="Через чергу")
    deadline = time.monotonic() + 60
    delivered: set = set()
    while ("incidents", incident.pk) not in delivered:
        assert time.monotonic() < deadline, f"not delivered in 60 s: {delivered}"
        time.sleep(0.2)
        delivered = {
            (item["collection"], item["id"])
            for _headers, body in list(receiver.received)
            for item in json.loads(body)["items"]
        }
    assert ("communities", community.pk) in delivered
    headers = receiver.received[0][0]
    assert headers["X-Zlagoda-Signature"].startswith("sha256=")
