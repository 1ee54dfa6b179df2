"""API keys that keep failing: one answer for every key that does not work, and an address that
keeps sending them is answered 429 with Retry-After until its window ends."""

import time
from datetime import timedelta
from typing import cast

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from api import throttling
from api.keys import api_key_issue, api_key_revoke
from api.models import ApiKey
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

LIMIT = 5


@pytest.fixture
def limits(settings, monkeypatch):
    settings.API_KEY_FAILURE_LIMIT = LIMIT
    settings.API_KEY_FAILURE_WINDOW_SECONDS = 600
    monkeypatch.setattr(throttling, "local_counters", throttling.LocalCounters())


@pytest.fixture
def address(request):
    """An address of this test's own, so that counts kept in the cache by other tests do not mix in."""
    return f"192.0.2.{abs(hash(request.node.name)) % 250 + 1}"


def get(token: str, address: str, **extra):
    return key_client(token).get("/api/v1/regions/", REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **extra)


def refusals(partner, staff_user) -> dict[str, str]:
    """A token of every kind that does not work."""
    revoked = issue_key(partner)
    api_key_revoke(api_key=ApiKey.objects.get(prefix=revoked.split("_")[1]), actor=staff_user)
    expired = issue_key(partner, expires_at=timezone.now() + timedelta(days=1))
    ApiKey.objects.filter(prefix=expired.split("_")[1]).update(expires_at=timezone.now() - timedelta(seconds=1))
    known_prefix = issue_key(partner).split("_")[1]
    inactive_owner = cast(User, UserFactory(username="left-the-ngo", role="staff"))
    inactive = api_key_issue(actor=None, user=inactive_owner).token
    inactive_owner.is_active = False
    inactive_owner.save()
    return {
        "unknown": "zlg_ffffffff_" + "a" * 43,
        "wrong secret": f"zlg_{known_prefix}_" + "b" * 43,
        "revoked": revoked,
        "expired": expired,
        "owner inactive": inactive,
        "not a key": "hello",
    }


def test_revoked_expired_and_unknown_keys_get_exactly_the_same_answer(partner, staff_user, address):
    answers = {kind: get(token, address) for kind, token in refusals(partner, staff_user).items()}
    shapes = {(r.status_code, r.content, r.get("WWW-Authenticate")) for r in answers.values()}
    assert shapes == {
        (
            401,
            b'{"error":{"code":"authentication_failed","message":"Invalid API key.","fields":{}}}',
            'Bearer realm="api"',
        )
    }


def test_an_address_that_keeps_failing_gets_429_with_retry_after_even_for_a_good_key(partner, limits, address):
    good = issue_key(partner)
    statuses = [get("zlg_ffffffff_" + "c" * 43, address).status_code for _ in range(LIMIT)]
    assert statuses == [401] * LIMIT
    refused = get(good, address)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 590 <= int(refused["Retry-After"]) <= 600
    assert get("zlg_ffffffff_" + "c" * 43, address).status_code == 429
    # Another address is not concerned.
    assert get(good, "198.51.100.7").status_code == 200


def test_good_keys_do_not_count_towards_the_limit(partner, limits, address):
    good = issue_key(partner)
    assert [get(good, address).status_code for _ in range(LIMIT + 2)] == [200] * (LIMIT + 2)
    assert get("zlg_ffffffff_" + "d" * 43, address).status_code == 401


def test_the_block_ends_with_its_window(partner, limits, address, monkeypatch):
    good = issue_key(partner)
    for _ in range(LIMIT):
        get("zlg_ffffffff_" + "e" * 43, address)
    assert get(good, address).status_code == 429
    later = time.time() + 601
    monkeypatch.setattr(throttling.cache, "get", lambda key, default=None: None)  # the cache expired both keys
    monkeypatch.setattr(time, "time", lambda: later)
    assert get(good, address).status_code == 200


def test_the_count_holds_when_the_cache_is_down(partner, limits, address, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for name in ("add", "get", "incr", "set"):
        monkeypatch.setattr(throttling.cache, name, down)
    good = issue_key(partner)
    assert [get("zlg_ffffffff_" + "f" * 43, address).status_code for _ in range(LIMIT)] == [401] * LIMIT
    assert get(good, address).status_code == 429


def test_session_requests_are_not_counted(client, partner, limits, address):
    for _ in range(LIMIT):
        get("zlg_ffffffff_" + "g" * 43, address)
    assert client.get("/api/v1/regions/", REMOTE_ADDR=address).status_code == 401  # no key: not 429
