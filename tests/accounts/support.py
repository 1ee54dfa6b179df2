"""Signing test users in the way the portal requires: with a second factor where it is needed.

``verified_login(client, user)`` is ``client.force_login(user)`` plus a real confirmed TOTP device
whose use is recorded in the session, as django-otp does after a right code. Staff, programme
managers and superusers reach nothing without it (accounts.middleware); for anyone else it is the
same as turning the second factor on and giving it. ``totp_code(device)`` is the code an
authenticator app would show, for tests that go through the pages.
"""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def second_factor_of(user) -> TOTPDevice:
    """``user``'s confirmed authenticator device (created the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def verified_login(client, user) -> TOTPDevice:
    client.force_login(user)
    device = second_factor_of(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code ``device``'s app shows now (or ``steps_ahead`` periods later: the device refuses a
    code of a period it already accepted, and accepts one period ahead)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def password_accepted(username: str, password: str) -> bool:
    """Whether the login forms' check accepts this password (django-axes needs the request)."""
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    return authenticate(RequestFactory().post("/accounts/login/"), username=username, password=password) is not None
