"""Headers every answer of the portal carries, whatever produced it (a page, the admin, the API,
an error page):

- ``Permissions-Policy``: no page may use the camera, the microphone, geolocation or the other
  powerful features (``settings.PERMISSIONS_POLICY``);
- ``Cache-Control: no-store``: nothing with personal data stays in a browser's or a proxy's
  cache. The rule (docs/security.md):

  * every answer under ``/api/`` except the public schema and docs (``API_CACHEABLE_PATHS``):
    ``no-store``, whatever the view said;
  * every answer to a signed-in session that has not set its own ``Cache-Control`` (the admin
    and the login pages already say ``no-store`` through ``never_cache``): ``no-store, private``.

  Static files are answered by WhiteNoise before this middleware and keep their long caching;
  the Content-Security-Policy header comes from django-csp's middleware.

With the API's machinery, the lowest package that answers requests (as :mod:`api.outages`).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

from api.middleware import API_PREFIX

NO_STORE = "no-store"
PRIVATE_NO_STORE = "no-store, private"


def api_cacheable_paths() -> frozenset[str]:
    """The public answers under /api/: the schema and its docs, the same for everyone."""
    return frozenset({reverse("api:schema"), reverse("api:docs")})


def permissions_policy(*, own_origin: tuple[str, ...] = ()) -> str:
    """``settings.PERMISSIONS_POLICY`` (feature -> allowed origins) as the header's value;
    ``own_origin`` names the features a page allows to itself (``self``), as the field app's
    incident and event forms do for geolocation (set on the response, the middleware keeps it)."""
    policy = {**settings.PERMISSIONS_POLICY, **{feature: ["self"] for feature in own_origin}}
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in policy.items())


class SecurityHeadersMiddleware:
    """After the authentication middleware (it asks whether the session is signed in)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = permissions_policy()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.policy)
        if request.path.startswith(API_PREFIX):
            if request.path not in api_cacheable_paths():
                response["Cache-Control"] = NO_STORE
        elif "Cache-Control" not in response and signed_in(request):
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response


def signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
