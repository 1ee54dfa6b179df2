import pytest
from django.urls import reverse

from tests.accounts.support import verified_login

pytestmark = pytest.mark.django_db


def test_home_sends_anonymous_users_to_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_home_links_to_the_admin(client, staff_user):
    verified_login(client, staff_user)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_language_switch_persists_for_the_following_requests(client, staff_user):
    verified_login(client, staff_user)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    assert 'lang="en"' in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "uk", "next": reverse("home")})
    assert 'lang="uk"' in client.get(reverse("home")).content.decode()


def test_health_check_reports_the_database_reachable(client, media_root, settings):
    settings.REDIS_URL = None  # the embedded default, also where CI sets REDIS_URL
    body = client.get(reverse("healthz")).json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "not_configured", "storage": "ok"}


def test_health_check_answers_503_when_the_storage_is_not_writable(client, media_root, monkeypatch, settings):
    settings.REDIS_URL = None

    def read_only(name, content, max_length=None):
        raise PermissionError(13, "Permission denied", str(media_root))

    monkeypatch.setattr("communities.views.default_storage.save", read_only)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "ok", "broker": "not_configured", "storage": "unavailable"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_health_check_needs_redis_only_when_it_is_configured(client, media_root, settings):
    from tests.redis_support import free_port, redis_cache

    down = f"redis://127.0.0.1:{free_port()}/0"
    settings.REDIS_URL = None
    settings.CACHES = redis_cache(down)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200  # the embedded default: nothing is shared through Redis
    assert response.json()["checks"]["cache"] == "unavailable"
    settings.REDIS_URL = down
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"] | {"database": "ok", "storage": "ok"} == response.json()["checks"]
    assert (response.json()["checks"]["cache"], response.json()["checks"]["broker"]) == ("unavailable", "unavailable")
