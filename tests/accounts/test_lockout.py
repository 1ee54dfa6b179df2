"""Password guessing: every login form locks a username+address out after the configured number
of failures, for the cooling-off period, logs every failure and can be unlocked by command."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import call_command
from django.utils import timezone, translation

from tests.accounts.support import verified_login

pytestmark = pytest.mark.django_db

PASSWORD = "secret-password"  # tests.communities.factories.UserFactory's
LOGIN_FORMS = ["/accounts/login/", "/admin/login/", "/field/login/"]


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 10
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)


def attempt(client, path, username, password, **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", LOGIN_FORMS)
def test_ten_wrong_passwords_lock_the_login_and_the_right_one_is_refused(client, staff_user, path):
    statuses = [attempt(client, path, staff_user.username, f"wrong-{n}").status_code for n in range(10)]
    assert statuses == [200] * 9 + [429]
    response = attempt(client, path, staff_user.username, PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)


def test_nine_wrong_passwords_do_not_lock(client, staff_user):
    for n in range(9):
        attempt(client, "/accounts/login/", staff_user.username, f"wrong-{n}")
    assert attempt(client, "/accounts/login/", staff_user.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_failures_on_one_form_count_for_all(client, staff_user):
    for n, path in enumerate(LOGIN_FORMS * 4):
        if n < 10:
            attempt(client, path, staff_user.username, f"wrong-{n}")
    for path in LOGIN_FORMS:
        assert attempt(client, path, staff_user.username, PASSWORD).status_code == 429
    assert not signed_in(client)


def test_the_lockout_is_for_this_username_from_this_address(client, staff_user, manager_user):
    for n in range(10):
        attempt(client, "/accounts/login/", staff_user.username, f"wrong-{n}")
    other_address = attempt(client, "/accounts/login/", staff_user.username, PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert other_address.status_code == 302
    client.logout()
    assert attempt(client, "/accounts/login/", manager_user.username, PASSWORD).status_code == 302


def test_after_the_cooling_off_the_right_password_works(client, staff_user):
    for n in range(10):
        attempt(client, "/field/login/", staff_user.username, f"wrong-{n}")
    assert attempt(client, "/field/login/", staff_user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=29))
    assert attempt(client, "/field/login/", staff_user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert attempt(client, "/field/login/", staff_user.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_lockout_page_says_when_to_try_again_in_the_users_language(client, staff_user):
    for n in range(10):
        response = attempt(client, "/accounts/login/", staff_user.username, f"wrong-{n}", HTTP_ACCEPT_LANGUAGE="en")
    until = timezone.localtime(AccessAttempt.objects.get().attempt_time + timedelta(minutes=30))
    text = response.content.decode()
    assert "Too many failed logins" in text
    assert "Try again in 30 minutes." in text
    assert f"You can log in again from {until:%H:%M}" in text
    assert 1790 <= int(response["Retry-After"]) <= 1800
    ukrainian = attempt(client, "/accounts/login/", staff_user.username, PASSWORD, HTTP_ACCEPT_LANGUAGE="uk")
    assert "Забагато невдалих входів" in ukrainian.content.decode()


def test_the_field_login_shows_the_lockout_in_the_field_apps_look(client, negotiator_user):
    for n in range(10):
        response = attempt(client, "/field/login/", negotiator_user.username, f"wrong-{n}", HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 429
    assert "field/field.css" in text
    assert "portal.css" not in text
    assert "Too many failed logins" in text
    assert 'href="/field/login/"' in text


def test_every_failure_is_logged_with_user_address_and_time(client, staff_user, caplog):
    before = timezone.now()
    with caplog.at_level(logging.WARNING, logger="zlagoda.security"):
        attempt(client, "/accounts/login/", staff_user.username, "wrong")
        attempt(client, "/admin/login/", "nobody-of-that-name", "wrong", REMOTE_ADDR="203.0.113.5")
    rows = list(AccessFailureLog.objects.order_by("attempt_time").values_list("username", "ip_address", "path_info"))
    assert rows == [
        (staff_user.username, "127.0.0.1", "/accounts/login/"),
        ("nobody-of-that-name", "203.0.113.5", "/admin/login/"),
    ]
    assert all(before <= row.attempt_time <= timezone.now() for row in AccessFailureLog.objects.all())
    messages = [record.getMessage() for record in caplog.records if record.name == "zlagoda.security"]
    assert len(messages) == 2
    assert f"user='{staff_user.username}' address=127.0.0.1" in messages[0]
    assert "user='nobody-of-that-name' address=203.0.113.5" in messages[1]
    assert "wrong" not in " ".join(messages).replace("nobody", "")


def test_staff_see_the_failures_in_the_admin(client, staff_user, manager_user):
    attempt(client, "/accounts/login/", manager_user.username, "wrong", REMOTE_ADDR="203.0.113.77")
    verified_login(client, staff_user)
    page = client.get("/admin/axes/accessfailurelog/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert manager_user.username in page.content.decode()
    assert "203.0.113.77" in page.content.decode()
    assert client.get("/admin/axes/accessattempt/").status_code == 200


def test_unlock_login_lifts_the_lockout(client, staff_user):
    for n in range(10):
        attempt(client, "/admin/login/", staff_user.username, f"wrong-{n}")
    out = StringIO()
    with translation.override("en"):
        call_command("unlock_login", staff_user.username, stdout=out)
    assert out.getvalue() == f"Unlocked {staff_user.username}: 1 record of failed logins removed (from 127.0.0.1).\n"
    assert attempt(client, "/admin/login/", staff_user.username, PASSWORD).status_code == 302
    out = StringIO()
    call_command("unlock_login", staff_user.username, stdout=out)
    assert out.getvalue() == f"{staff_user.username} не має записаних невдалих входів: розблоковувати нічого.\n"
