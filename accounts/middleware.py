"""Keeps a signed-in user who needs a second factor away from everything until it is given.

After ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware``. A user who must have a
second factor, or chose one, and whose session is not verified yet gets only the pages that let
them give it (or sign out); pages redirect to enrolment or verification, the API answers 403 in its
JSON error shape. Requests with an API key (``Authorization: Bearer``) are not concerned: the key
is their second factor.
"""

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.two_factor import Pending, second_factor_pending

API_PREFIX = "/api/"


def _open_paths() -> tuple[str, ...]:
    """What an unverified session may still open: giving the second factor, the login pages (to
    sign in as someone else), logging out, the language switch, static files, the health check and
    the field app's shell files (kept by its service worker for anyone)."""
    return (
        reverse("two_factor:settings"),
        reverse("login"),
        reverse("logout"),
        reverse("admin:login"),
        reverse("admin:logout"),
        reverse("field:login"),
        reverse("field:offline"),
        reverse("field:service_worker"),
        reverse("field:manifest"),
        reverse("healthz"),
        "/i18n/",
        settings.STATIC_URL,
    )


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._open is None:
            self._open = _open_paths()
        path = request.path
        if path.startswith(self._open) or self._with_api_key(request):
            return self.get_response(request)
        pending = second_factor_pending(request)
        if pending == Pending.NONE:
            return self.get_response(request)
        if path.startswith(API_PREFIX):
            return self._api_refusal()
        target = reverse("two_factor:enrol" if pending == Pending.ENROL else "two_factor:verify")
        next_url = request.get_full_path() if request.method in ("GET", "HEAD") else path
        return HttpResponseRedirect(f"{target}?{urlencode({'next': next_url})}")

    @staticmethod
    def _with_api_key(request: HttpRequest) -> bool:
        return request.path.startswith(API_PREFIX) and request.headers.get("Authorization", "").lower().startswith(
            "bearer "
        )

    @staticmethod
    def _api_refusal() -> HttpResponse:
        # The API's error shape (api.errors), written out here: this package sits below the API.
        body = {
            "error": {
                "code": "second_factor_required",
                "message": _("Give your second factor on the portal first, or use an API key."),
                "fields": {},
            }
        }
        return HttpResponse(json.dumps(body, ensure_ascii=False), status=403, content_type="application/json")
