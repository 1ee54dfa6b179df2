"""Sessions end after an idle timeout and an absolute lifetime that depend on the role. Time is
moved by editing the session's timestamps, never by waiting."""

import time

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.sessions import LOGIN_AT, SEEN_AT
from config.settings import env_duration
from tests.accounts.support import verified_login

ROLES = [
    ("staff_user", "staff", "/"),
    ("manager_user", "programme_manager", "/"),
    ("partner_user", "partner", "/"),
    ("negotiator_user", "negotiator", "/field/"),
]
LOGIN_PAGE = {"/": "/accounts/login/", "/field/": "/field/login/"}


def signed_in(client, request, fixture):
    user = request.getfixturevalue(fixture)
    verified_login(client, user)
    return user


def move_back(client, **seconds):
    """Pretend the login (``login``) or the last request (``seen``) was that many seconds ago."""
    session = client.session
    for key, name in ((LOGIN_AT, "login"), (SEEN_AT, "seen")):
        if name in seconds:
            session[key] = time.time() - seconds[name]
    session.save()


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_lifetimes_are_shortest_for_those_who_read_the_most():
    lifetimes = settings.SESSION_LIFETIMES
    assert lifetimes["staff"] == lifetimes["programme_manager"] == {"idle": 30 * 60, "absolute": 12 * 3600}
    assert lifetimes["partner"] == {"idle": 8 * 3600, "absolute": 7 * 86400}
    assert lifetimes["negotiator"] == {"idle": 7 * 86400, "absolute": 30 * 86400}
    assert settings.SESSION_COOKIE_AGE == 30 * 86400


@pytest.mark.parametrize(("fixture", "role", "page"), ROLES)
def test_a_session_used_within_its_idle_timeout_stays(client, request, fixture, role, page):
    signed_in(client, request, fixture)
    move_back(client, seen=settings.SESSION_LIFETIMES[role]["idle"] - 60)

    assert client.get(page).status_code == 200
    assert is_signed_in(client)


@pytest.mark.parametrize(("fixture", "role", "page"), ROLES)
def test_an_idle_session_is_logged_out_to_its_login_page(client, request, fixture, role, page):
    signed_in(client, request, fixture)
    move_back(client, seen=settings.SESSION_LIFETIMES[role]["idle"] + 1)

    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_PAGE[page] + "?next=")
    assert not is_signed_in(client)


@pytest.mark.parametrize(("fixture", "role", "page"), ROLES)
def test_a_session_ends_at_its_absolute_lifetime_however_active(client, request, fixture, role, page):
    signed_in(client, request, fixture)
    move_back(client, login=settings.SESSION_LIFETIMES[role]["absolute"] + 1, seen=5)

    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_PAGE[page])
    assert not is_signed_in(client)


def test_a_negotiators_phone_stays_signed_in_through_a_week_offline(client, negotiator_user):
    verified_login(client, negotiator_user)
    move_back(client, login=20 * 86400, seen=6 * 86400)
    assert client.get("/field/").status_code == 200


def test_the_admin_sends_an_idle_staff_member_to_its_login(client, staff_user):
    verified_login(client, staff_user)
    move_back(client, seen=31 * 60)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_login_page_says_the_session_expired(client, staff_user):
    verified_login(client, staff_user)
    move_back(client, seen=31 * 60)
    response = client.get("/", follow=True, headers={"Accept": "text/html"})
    assert "Ваш сеанс завершився. Увійдіть знову, будь ласка." in response.content.decode()


def test_the_field_apps_script_gets_401_json(client, negotiator_user):
    verified_login(client, negotiator_user)
    move_back(client, seen=8 * 86400)
    response = client.get("/field/", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json()["login_url"] == "/field/login/"


def test_the_api_answers_an_expired_session_as_it_answers_no_login(client, staff_user):
    verified_login(client, staff_user)
    assert client.get("/api/v1/communities/").status_code == 200
    move_back(client, seen=31 * 60)

    response = client.get("/api/v1/communities/")

    assert response.status_code == 401
    assert response.json()["error"]["code"]


@pytest.mark.parametrize(("fixture", "role", "page"), ROLES)
def test_each_answer_sets_the_cookie_to_expire_with_the_idle_timeout(client, request, fixture, role, page):
    signed_in(client, request, fixture)
    move_back(client, seen=120)

    response = client.get(page)

    max_age = int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"])
    idle = settings.SESSION_LIFETIMES[role]["idle"]
    assert idle - 5 <= max_age <= idle
    assert time.time() - client.session[SEEN_AT] < 5


def test_near_the_absolute_lifetime_the_cookie_expires_with_it(client, staff_user):
    verified_login(client, staff_user)
    move_back(client, login=12 * 3600 - 600, seen=120)
    max_age = int(client.get("/").cookies[settings.SESSION_COOKIE_NAME]["max-age"])
    assert 590 <= max_age <= 600


def test_activity_is_recorded_at_most_once_a_minute(client, staff_user):
    verified_login(client, staff_user)
    move_back(client, seen=10)
    seen = client.session[SEEN_AT]

    response = client.get("/")

    assert client.session[SEEN_AT] == seen
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_login_starts_the_clock_and_the_cookie_expires_with_the_idle_timeout(client, staff_user):
    before = time.time()
    response = client.post("/accounts/login/", {"username": "staff-user", "password": "secret-password"})
    assert before <= client.session[LOGIN_AT] == client.session[SEEN_AT] <= time.time()
    assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == 30 * 60


def test_a_session_from_before_the_lifetimes_starts_its_clock_on_its_next_request(client, staff_user):
    verified_login(client, staff_user)
    session = client.session
    del session[LOGIN_AT], session[SEEN_AT]
    session.save()

    assert client.get("/").status_code == 200
    assert time.time() - client.session[LOGIN_AT] < 5


def test_a_user_without_a_role_gets_the_shortest_lifetimes(client, db):
    from tests.communities.factories import UserFactory

    verified_login(client, UserFactory(username="no-role"))
    move_back(client, seen=31 * 60)
    client.get("/")
    assert not is_signed_in(client)


@pytest.mark.parametrize(("value", "seconds"), [("90", 90), ("90s", 90), ("30m", 1800), ("12h", 43200), ("7d", 604800)])
def test_lifetimes_are_read_from_the_environment_as_durations(monkeypatch, value, seconds):
    monkeypatch.setenv("SESSION_IDLE_STAFF", value)
    assert env_duration("SESSION_IDLE_STAFF", "30m") == seconds


@pytest.mark.parametrize("value", ["0", "-5m", "soon", "12w", "1.5h"])
def test_a_duration_that_is_not_one_is_refused(monkeypatch, value):
    monkeypatch.setenv("SESSION_IDLE_STAFF", value)
    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_STAFF"):
        env_duration("SESSION_IDLE_STAFF", "30m")
