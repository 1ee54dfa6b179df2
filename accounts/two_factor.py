"""The second factor, with django-otp: a TOTP authenticator app and one-time recovery codes.

Who must have one: superusers and the roles with ``Capability.REQUIRES_SECOND_FACTOR``; anyone
else may turn it on. A session counts as verified once a code was accepted in it
(``django_otp.login``; ``request.user.is_verified()``), and ``accounts.middleware`` keeps an
unverified session of such a user away from every page but these.
"""

import base64
import logging
from dataclasses import dataclass
from datetime import datetime

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.capabilities import Capability
from access.viewer import Viewer, request_viewer

security_log = logging.getLogger("zlagoda.security")

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def second_factor_required(user: User, viewer: Viewer | None = None) -> bool:
    """Whether ``user`` must sign in with a second factor."""
    if user.is_superuser:
        return True
    return (viewer or Viewer.for_user(user)).can(Capability.REQUIRES_SECOND_FACTOR)


def has_second_factor(user: User) -> bool:
    """Whether ``user`` has a confirmed second factor (an authenticator app)."""
    return bool(user_has_device(user, confirmed=True))


class Pending:
    """What an unverified session still needs: nothing, enrolment or a code."""

    NONE = ""
    ENROL = "enrol"
    VERIFY = "verify"


def second_factor_pending(request: HttpRequest) -> str:
    """``Pending.ENROL`` or ``Pending.VERIFY`` when the session's user may not go on without a
    second factor, else ``Pending.NONE``."""
    user = request.user
    # is_verified() is set on the user by django-otp's OTPMiddleware.
    if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
        return Pending.NONE
    if has_second_factor(user):
        return Pending.VERIFY
    if second_factor_required(user, request_viewer(request)):
        return Pending.ENROL
    return Pending.NONE


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator device ``user`` is enrolling (one is created if none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The device's key as an authenticator app's manual entry wants it: base32, in groups of 4."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` address as an inline SVG QR code (drawn here, no script)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return str(image.to_string(encoding="unicode"))


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def totp_enrolment_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a code from the app: the session is verified and a new set of
    recovery codes is returned (to be shown once). ``None`` if the code is wrong."""
    user = request.user
    if device.user_id != user.pk or device.confirmed or not device.verify_token(_clean(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = recovery_codes_replace(user=device.user)
    _verified(request, device)
    security_log.info("second factor enrolled: user=%r", user.get_username())
    return codes


def _verified(request: HttpRequest, device: Device) -> None:
    # A new session key once the session gains the second factor, as Django does at the password.
    request.session.cycle_key()
    otp_login(request, device)


def recovery_codes_replace(*, user: User) -> list[str]:
    """A new set of ``settings.SECOND_FACTOR_RECOVERY_CODES`` one-time codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.SECOND_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@dataclass(frozen=True)
class Verification:
    device: Device | None
    # When verification is throttled after wrong codes: the earliest next try.
    wait_until: datetime | None = None


def second_factor_verify(*, request: HttpRequest, code: str) -> Verification:
    """Check ``code`` (from the app, or a recovery code, which is used up) against the session
    user's devices; on success the session is verified."""
    user = request.user
    token = _clean(code)
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=True, for_verify=True))
        # An authenticator's code is digits; a recovery code has letters: each goes to its kind,
        # so a mistyped app code does not slow down the recovery codes, nor the other way round.
        kind = TOTPDevice if token.isdigit() else StaticDevice
        waits = []
        for device in devices:
            if not isinstance(device, kind):
                continue
            allowed, details = device.verify_is_allowed()
            if not allowed:
                waits.append((details or {}).get("locked_until") or timezone.now())
                continue
            if device.verify_token(token):
                _verified(request, device)
                return Verification(device=device)
    security_log.warning(
        "second factor code refused: user=%r address=%s", user.get_username(), request.META.get("REMOTE_ADDR")
    )
    return Verification(device=None, wait_until=max(waits) if waits else None)


@transaction.atomic
def second_factor_reset(*, user: User) -> list[str]:
    """Remove every second-factor device of ``user`` (a lost phone): the next login enrols again
    (or, for whom it is optional, goes without). Returns what was removed."""
    removed = []
    for device in devices_for_user(user, confirmed=None):
        removed.append(f"{device.name or type(device).__name__} ({device._meta.verbose_name})")
        device.delete()
    security_log.warning("second factor reset: user=%r devices=%d", user.get_username(), len(removed))
    return removed
