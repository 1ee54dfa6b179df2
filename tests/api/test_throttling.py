"""The API's rate limits: counted atomically in Redis, in the caller's language, and the API keeps
answering when the cache is down."""

import logging
import threading
from types import SimpleNamespace

import pytest
from django.test import override_settings

from api import throttling
from tests.communities.api_support import issue_key, key_client
from tests.redis_support import free_port, private_redis, redis_cache  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def fresh_counters(monkeypatch):
    monkeypatch.setattr(throttling, "local_counters", throttling.LocalCounters())


def test_the_api_answers_when_the_cache_is_down(partner, settings, caplog, fresh_counters):
    settings.API_THROTTLE_RATES = {"key": "3/minute", "user": None, "anon": None}
    client = key_client(issue_key(partner))
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{free_port()}/0")), caplog.at_level(logging.WARNING):
        statuses = [client.get("/api/v1/regions/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]  # counted in this process meanwhile
    warnings = [record for record in caplog.records if "throttle" in record.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a request


def test_429_message_is_wholly_in_the_requests_language(partner, settings):
    settings.API_THROTTLE_RATES = {"key": "1/minute", "user": None, "anon": None}
    client = key_client(issue_key(partner))
    client.get("/api/v1/regions/")
    english = client.get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="en")
    ukrainian = client.get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="uk")
    assert english.status_code == ukrainian.status_code == 429
    seconds = int(english["Retry-After"])
    assert 0 < seconds <= 60
    assert english.json()["error"]["message"] == f"Too many requests: try again in {seconds} seconds."
    message = ukrainian.json()["error"]["message"]
    assert ukrainian.json()["error"]["code"] == "throttled"
    assert str(int(ukrainian["Retry-After"])) in message
    assert not any(word in message.lower() for word in ("expected", "second", "request", "throttled"))


@pytest.mark.redis
def test_parallel_clients_never_get_past_the_rate(private_redis, settings, monkeypatch):  # noqa: F811
    settings.API_THROTTLE_RATES = {"key": "120/minute", "user": None, "anon": None}
    viewer = SimpleNamespace(api_key=SimpleNamespace(prefix="parallel"), user=None)
    monkeypatch.setattr(throttling, "viewer_for", lambda request: viewer)
    admitted, lock = [], threading.Lock()

    def client():
        for _ in range(40):
            allowed = throttling.ApiRateThrottle().allow_request(SimpleNamespace(), None)
            with lock:
                admitted.append(allowed)

    with override_settings(CACHES=redis_cache(private_redis.url)):
        threads = [threading.Thread(target=client) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(admitted) == 160
    assert admitted.count(True) == 120
