"""Login throttling on every login form, with django-axes.

The three forms (``/accounts/login/``, ``/admin/login/``, ``/field/login/``) all authenticate
through ``AxesStandaloneBackend``, so a failure on one counts for all: after
``settings.AXES_FAILURE_LIMIT`` failures for one username from one address, that pair is refused
for ``settings.AXES_COOLOFF_TIME``. Every failure is kept in axes' failure log (the admin's
"Access failures") and written to the ``zlagoda.security`` logger.
"""

import logging
from datetime import datetime
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_noop

security_log = logging.getLogger("zlagoda.security")

# django-axes's admin speaks neither Ukrainian nor Czech: its words are translated in our catalogue
# (which comes before the package's own).
AXES_ADMIN_WORDS = (
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Axes"),
)


def client_address(request: HttpRequest) -> str | None:
    """The address a login comes from, read as the rest of the portal reads it: ``REMOTE_ADDR``.

    Headers such as ``X-Forwarded-For`` are set by whoever sends the request, so trusting them
    would let an attacker pick a new address for every guess. Behind a reverse proxy the deployment
    rewrites ``REMOTE_ADDR`` from the proxy's header (only for the proxy's own address).
    """
    return request.META.get("REMOTE_ADDR") or None


def retry_at(username: str, address: str | None) -> datetime:
    """When ``username`` may try again from ``address``: the last failure plus the cooling-off."""
    cool_off = get_cool_off() or settings.AXES_COOLOFF_TIME
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (last or timezone.now()) + cool_off


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The page a locked-out login gets (``AXES_LOCKOUT_CALLABLE``): 429, what happened, and when
    to try again; in the field app's look for the field login."""
    username = str((credentials or {}).get("username") or request.POST.get("username") or "")
    until = retry_at(username, client_address(request))
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    template = "accounts/locked_out_field.html" if request.path.startswith("/field/") else "accounts/locked_out.html"
    response = render(
        request,
        template,
        {"username": username, "retry_at": until, "minutes": minutes, "login_path": request.path},
        status=429,
    )
    response["Retry-After"] = str(max(1, int((until - timezone.now()).total_seconds())))
    return response


@receiver(user_login_failed, dispatch_uid="accounts.lockout.log_login_failure")
def log_login_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # credentials are cleansed by Django (the password is "********"); only the username is logged.
    security_log.warning(
        "login failed: user=%r address=%s path=%s at=%s",
        credentials.get("username", ""),
        client_address(request) if request is not None else None,
        request.path if request is not None else None,
        timezone.now().isoformat(),
    )


@receiver(user_locked_out, dispatch_uid="accounts.lockout.log_lockout")
def log_lockout(sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any) -> None:
    security_log.warning(
        "login locked out: user=%r address=%s path=%s at=%s",
        username,
        ip_address,
        request.path,
        timezone.now().isoformat(),
    )
