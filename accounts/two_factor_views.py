"""The second factor's pages: enrolment (QR code, then recovery codes shown once), verification
after the password, and each user's own page to see or turn it on."""

import math
from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticToken

from access.viewer import request_viewer
from accounts.two_factor import (
    Pending,
    has_second_factor,
    recovery_codes_replace,
    second_factor_pending,
    second_factor_required,
    second_factor_verify,
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_qr_svg,
    totp_secret,
)


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6 digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "autocapitalize": "none",
                "aria-describedby": "code-help",
            }
        ),
    )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _wait_message(until: datetime | None) -> str:
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until is not None else 1
    return ngettext(
        "Too many wrong codes: wait %(seconds)d second, then try again.",
        "Too many wrong codes: wait %(seconds)d seconds, then try again.",
        seconds,
    ) % {"seconds": seconds}


def _to(name: str, next_url: str) -> HttpResponse:
    return redirect(f"{resolve_url(name)}?{urlencode({'next': next_url})}")


@never_cache
@login_required
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a code."""
    if has_second_factor(request.user):  # type: ignore[arg-type]
        return _to("two_factor:verify", _next_url(request))
    device = totp_enrolment_start(user=request.user)  # type: ignore[arg-type]
    form = SecondFactorCodeForm(request.POST or None)
    if form.is_valid():
        allowed, details = device.verify_is_allowed()
        codes = (
            totp_enrolment_confirm(request=request, device=device, code=form.cleaned_data["code"]) if allowed else None
        )
        if codes is not None:
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        if not allowed:
            form.add_error("code", _wait_message((details or {}).get("locked_until")))
        else:
            form.add_error(
                "code", _("This code is not right. Check the time on your phone and type the code shown now.")
            )
    context = {
        "form": form,
        "qr_svg": mark_safe(totp_qr_svg(device)),  # drawn by qrcode from our own address, no user markup
        "secret": totp_secret(device),
        "next": _next_url(request),
        "required": second_factor_required(request.user, request_viewer(request)),  # type: ignore[arg-type]
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@never_cache
@login_required
def second_factor_verify_view(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the app or a recovery code."""
    pending = second_factor_pending(request)
    if pending == Pending.ENROL:
        return _to("two_factor:enrol", _next_url(request))
    if pending == Pending.NONE:
        return redirect(_next_url(request))
    form = SecondFactorCodeForm(request.POST or None)
    if form.is_valid():
        verification = second_factor_verify(request=request, code=form.cleaned_data["code"])
        if verification.device is not None:
            return redirect(_next_url(request))
        if verification.wait_until is not None:
            form.add_error("code", _wait_message(verification.wait_until))
        else:
            form.add_error("code", _("This code is not right, or the recovery code was already used."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
def second_factor_settings(request: HttpRequest) -> HttpResponse:
    """Your second factor: whether it is on, how many recovery codes are left, new ones."""
    pending = second_factor_pending(request)
    if pending != Pending.NONE:
        target = "two_factor:enrol" if pending == Pending.ENROL else "two_factor:verify"
        return _to(target, request.path)
    user = request.user
    if request.method == "POST" and has_second_factor(user):  # type: ignore[arg-type]
        codes = recovery_codes_replace(user=user)  # type: ignore[arg-type]
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": request.path})
    context = {
        "enabled": has_second_factor(user),  # type: ignore[arg-type]
        "required": second_factor_required(user, request_viewer(request)),  # type: ignore[arg-type]
        "codes_left": StaticToken.objects.filter(device__user=user).count(),
    }
    return render(request, "accounts/two_factor_settings.html", context)
