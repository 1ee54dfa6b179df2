"""Chaos drill: the Redis the portal uses (cache, throttle, broker) dies while partners and phones
are calling. The API keeps answering, writes are kept, and ``/healthz/`` says what is down."""

import pytest
from django.test import override_settings

from api import throttling
from negotiators.models import OutreachEvent
from tests.communities.api_support import event_body, issue_key, key_client
from tests.redis_support import private_redis, redis_cache  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


def test_redis_dying_mid_requests_leaves_the_api_answering_and_the_health_check_honest(
    private_redis,  # noqa: F811
    settings,
    monkeypatch,
    api_as,
    partner,
    community,
    negotiator_user,
):
    monkeypatch.setattr(throttling, "local_counters", throttling.LocalCounters())
    settings.API_THROTTLE_RATES = {"key": "1000/minute", "user": "1000/minute", "anon": None}
    settings.REDIS_URL = private_redis.url
    partner_client = key_client(issue_key(partner))
    phone = api_as("negotiator")
    with override_settings(CACHES=redis_cache(private_redis.url)):
        before = [partner_client.get("/api/v1/communities/").status_code for _ in range(5)]
        assert phone.post("/api/v1/events/", event_body(community, title="До збою"), format="json").status_code == 201
        assert partner_client.get("/healthz/").status_code == 200

        private_redis.kill()

        during = [partner_client.get("/api/v1/communities/").status_code for _ in range(5)]
        written = phone.post(
            "/api/v1/events/",
            event_body(community, title="Під час збою"),
            format="json",
            HTTP_IDEMPOTENCY_KEY="chaos-1",
        )
        health = partner_client.get("/healthz/")

    assert before == during == [200] * 5
    assert written.status_code == 201
    assert set(OutreachEvent.objects.values_list("title", flat=True)) == {"До збою", "Під час збою"}
    assert health.status_code == 503
    assert health.json()["checks"]["cache"] == "unavailable"
    assert health.json()["checks"]["database"] == "ok"
