"""The second factor: required for staff, programme managers and superusers, enrolled at first
login, asked for at every login after; optional for negotiators and partners; reset by command."""

import base64
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.support import second_factor_of, totp_code, verified_login
from tests.communities.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-password"  # tests.communities.factories.UserFactory's
ENROL = "/accounts/two-factor/enrol/"
VERIFY = "/accounts/two-factor/verify/"


def password_login(client, user, path="/accounts/login/", next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(path, data)
    assert response.status_code == 302, response.content[:300]
    return response


def enrol(client, next_url="/"):
    """Go through enrolment: the device's key from the page, a code computed from it, the codes."""
    page = client.get(ENROL, {"next": next_url}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    text = page.content.decode()
    secret = re.search(r"<code data-secret>([A-Z2-7 ]+)</code>", text).group(1).replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    done = client.post(ENROL, {"code": totp_code(device), "next": next_url}, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    return device, codes, done


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/", "/field/login/"])
def test_a_staff_login_without_the_second_factor_cannot_reach_the_admin(client, staff_user, path):
    password_login(client, staff_user, path, next_url="/admin/")
    for url in ["/admin/", "/admin/incidents/incident/", "/admin/auth/user/", "/", "/reports/", "/field/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{ENROL}?next="), url
    # With a device but no code given yet, it is the code that is asked for.
    second_factor_of(staff_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"


def test_an_unverified_session_gets_403_from_the_api_but_an_api_key_is_not_concerned(client, staff_user):
    from tests.communities.api_support import issue_key, key_client

    password_login(client, staff_user)
    response = client.get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "second_factor_required"
    assert response["Content-Type"] == "application/json"
    assert key_client(issue_key(staff_user)).get("/api/v1/regions/").status_code == 200
    verified_login(client, staff_user)
    assert client.get("/api/v1/regions/").status_code == 200


@pytest.fixture
def slow_retries(settings):
    """Wrong codes make the next try wait 60 s, 120 s ... (1 s, 2 s ... in production): long
    enough that the test cannot outrun the wait on a busy machine."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 60


WAIT = re.compile(r"Too many wrong codes: wait (59|60) seconds, then try again\.")


def test_enrolment_at_first_login_end_to_end(client, staff_user, slow_retries):
    password_login(client, staff_user, "/admin/login/", next_url="/admin/")
    assert client.get("/admin/")["Location"] == f"{ENROL}?next=%2Fadmin%2F"
    page = client.get(ENROL, {"next": "/admin/"}, HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "<svg" in text
    # The QR code is drawn on the server: no script of its own (the page's shared ones load from files).
    assert re.findall(r"<script\b[^>]*>", text) == ['<script src="/static/js/language_switch.js" defer>']
    device = TOTPDevice.objects.get(user=staff_user)
    assert not device.confirmed
    wrong = client.post(ENROL, {"code": "000000", "next": "/admin/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    throttled = client.post(ENROL, {"code": totp_code(device), "next": "/admin/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert WAIT.search(throttled.content.decode())
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)

    device, codes, done = enrol(client, "/admin/")
    assert TOTPDevice.objects.get(user=staff_user).confirmed
    assert len(codes) == 10 == len(set(codes))
    assert "They are shown only now" in done.content.decode()
    assert 'href="/admin/"' in done.content.decode()
    assert client.get("/admin/").status_code == 200

    # The next login asks for a code; the enrolment page no longer shows the key.
    client.logout()
    password_login(client, staff_user, next_url="/admin/")
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    verified = client.post(VERIFY, {"code": totp_code(device, steps_ahead=1), "next": "/admin/"})
    assert verified.status_code == 302
    assert verified["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(client, staff_user):
    password_login(client, staff_user)
    _device, codes, _done = enrol(client)
    for attempt in range(2):
        client.logout()
        password_login(client, staff_user)
        response = client.post(VERIFY, {"code": codes[0].upper(), "next": "/"}, HTTP_ACCEPT_LANGUAGE="en")
        if attempt == 0:
            assert response.status_code == 302
            assert client.get("/admin/").status_code == 200
        else:
            assert response.status_code == 200
            assert "already used" in response.content.decode()
            assert client.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=staff_user).count() == 9


def test_wrong_codes_are_throttled_with_a_translated_message(client, staff_user, slow_retries):
    device = second_factor_of(staff_user)
    password_login(client, staff_user)
    first = client.post(VERIFY, {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This code is not right" in first.content.decode()
    # Until the wait is over, even the right code is refused: django-otp's throttle.
    second = client.post(VERIFY, {"code": totp_code(device)}, HTTP_ACCEPT_LANGUAGE="en")
    assert WAIT.search(second.content.decode())
    ukrainian = client.post(VERIFY, {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="uk")
    assert "Забагато неправильних кодів" in ukrainian.content.decode()
    assert client.get("/admin/").status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_next_address_must_be_our_own(client, staff_user):
    device = second_factor_of(staff_user)
    password_login(client, staff_user)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_superuser_needs_the_second_factor_too(client):
    admin = UserFactory(username="root")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    password_login(client, admin)
    assert client.get("/admin/")["Location"].startswith(ENROL)


@pytest.mark.parametrize("fixture", ["negotiator_user", "partner_user"])
def test_negotiators_and_partners_may_go_without_or_turn_it_on(client, request, fixture):
    user = request.getfixturevalue(fixture)
    password_login(client, user)
    home = "/field/" if fixture == "negotiator_user" else "/"
    assert client.get(home).status_code == 200
    settings_page = client.get("/accounts/two-factor/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Turn on the second factor" in settings_page.content.decode()
    device, codes, _done = enrol(client, "/accounts/two-factor/")
    assert len(codes) == 10
    # From now on their logins, the field login included, ask for the code.
    client.logout()
    password_login(client, user, "/field/login/")
    assert client.get(home)["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": totp_code(device, steps_ahead=1)})
    assert client.get(home).status_code == 200
    assert "unused recovery codes" in client.get("/accounts/two-factor/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_new_recovery_codes_replace_the_old(client, staff_user):
    verified_login(client, staff_user)
    response = client.post("/accounts/two-factor/")
    first = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    second = re.findall(r"<li><code>(\w+)</code></li>", client.post("/accounts/two-factor/").content.decode())
    assert len(first) == len(second) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(second)
    assert StaticDevice.objects.filter(user=staff_user).count() == 1


def test_reset_second_factor_removes_the_devices_and_the_next_login_enrols_again(client, staff_user):
    verified_login(client, staff_user)
    client.post("/accounts/two-factor/")  # recovery codes too
    out = StringIO()
    with translation.override("en"):
        call_command("reset_second_factor", staff_user.username, stdout=out)
    assert "Removed the second factor of staff-user: " in out.getvalue()
    assert "Test phone" in out.getvalue()
    assert "Recovery codes" in out.getvalue()
    assert "set up a new one" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=staff_user).exists()
    assert not StaticDevice.objects.filter(user=staff_user).exists()
    client.logout()
    password_login(client, staff_user)
    assert client.get("/admin/")["Location"].startswith(ENROL)
    out = StringIO()
    call_command("reset_second_factor", staff_user.username, stdout=out)
    assert out.getvalue() == "staff-user не має другого фактора: нічого не видалено.\n"
    with pytest.raises(CommandError):
        call_command("reset_second_factor", "nobody", stdout=out)


def test_staff_see_and_remove_devices_in_the_admin(client, staff_user, manager_user):
    lost = second_factor_of(manager_user)
    verified_login(client, staff_user)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 200
    response = client.post(f"/admin/otp_totp/totpdevice/{lost.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()


def test_the_admin_never_shows_a_devices_key_or_recovery_codes(client, staff_user, manager_user):
    device = second_factor_of(manager_user)
    verified_login(client, manager_user)
    client.post("/accounts/two-factor/")
    codes = list(StaticToken.objects.filter(device__user=manager_user).values_list("token", flat=True))
    verified_login(client, staff_user)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403
    recovery = StaticDevice.objects.get(user=manager_user)
    page = client.get(f"/admin/otp_static/staticdevice/{recovery.pk}/change/").content.decode()
    assert not any(code in page for code in codes)


def test_the_session_gets_a_new_key_once_the_second_factor_is_given(client, staff_user):
    device = second_factor_of(staff_user)
    password_login(client, staff_user)
    before = client.session.session_key
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.session.session_key != before
    assert client.get("/admin/").status_code == 200


def test_a_negotiator_finds_the_optional_second_factor_from_the_field_app(client, negotiator_user):
    client.force_login(negotiator_user)
    home = client.get("/field/").content.decode()
    assert 'href="/accounts/two-factor/"' in home
    assert client.get("/accounts/two-factor/").status_code == 200
