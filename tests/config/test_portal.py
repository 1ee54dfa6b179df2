import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_sends_anonymous_users_to_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_home_links_to_the_admin(client, staff_user):
    client.force_login(staff_user)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_language_switch_persists_for_the_following_requests(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    assert 'lang="en"' in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "uk", "next": reverse("home")})
    assert 'lang="uk"' in client.get(reverse("home")).content.decode()


def test_health_check_reports_the_database_reachable(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}
