"""The headers every kind of page carries: a Content-Security-Policy without inline scripts, a
Permissions-Policy, ``Cache-Control: no-store`` on personal answers, and X-Forwarded-* believed
only from the reverse proxy."""

import re

import pytest
from csp.middleware import CSPMiddleware
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import include, path

from api.proxies import TrustedProxyMiddleware
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client
from tests.incidents.factories import IncidentFactory


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def outage(request: HttpRequest) -> HttpResponse:
    raise OperationalError("the database is away")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def cached_for_an_hour(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("the same for everyone")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# The portal's URLs and a few that fail on purpose (error pages 403, 500, 503).
urlpatterns = [
    path("test-crash/", crash),
    path("test-outage/", outage),
    path("test-forbidden/", forbidden),
    path("test-cached/", cached_for_an_hour),
    path("", include("config.urls")),
]
handler400 = "api.views.bad_request"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_strict_policy(response) -> None:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    scripts = policy["script-src"]
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert all(source == "'self'" or source.startswith("'nonce-") for source in scripts), scripts
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["worker-src"] == ["'self'"]
    assert policy["manifest-src"] == ["'self'"]
    # No third-party origin in any directive.
    for name, sources in policy.items():
        assert not [s for s in sources if s.startswith(("http:", "https:", "//")) or "." in s], name


# json_script's data blocks are never run, so the policy does not apply to them.
DATA_BLOCK = 'type="application/json"'


def assert_inline_scripts_carry_the_nonce(response) -> None:
    html = response.content.decode()
    nonces = [s.removeprefix("'nonce-").removesuffix("'") for s in directives(response)["script-src"][1:]]
    for tag in re.findall(r"<script\b[^>]*>", html):
        if "src=" in tag or DATA_BLOCK in tag:
            continue
        assert nonces, tag
        assert f'nonce="{nonces[0]}"' in tag, tag


@pytest.fixture
def signed_in(staff_user, manager_user, negotiator_user):
    def as_(user) -> Client:
        client = Client()
        verified_login(client, user)
        return client

    return {"staff": as_(staff_user), "manager": as_(manager_user), "negotiator": as_(negotiator_user)}


def page_kinds(signed_in, community):
    incident = IncidentFactory(community=community)
    anonymous = Client(raise_request_exception=False)
    staff = signed_in["staff"]
    staff.raise_request_exception = False
    return {
        "portal home": (signed_in["manager"], "/", 200),
        "reports page": (signed_in["manager"], "/reports/", 200),
        "login page": (anonymous, "/accounts/login/", 200),
        "admin login": (anonymous, "/admin/login/", 200),
        "admin index": (staff, "/admin/", 200),
        "admin change list": (staff, "/admin/incidents/incident/", 200),
        "admin change form": (staff, f"/admin/incidents/incident/{incident.pk}/change/", 200),
        "field login": (anonymous, "/field/login/", 200),
        "field home": (signed_in["negotiator"], "/field/", 200),
        "field case": (signed_in["negotiator"], f"/field/incidents/{incident.pk}/", 200),
        "service worker": (signed_in["negotiator"], "/field/sw.js", 200),
        "API docs": (anonymous, "/api/v1/docs/", 200),
        "API docs' script": (anonymous, "/api/v1/docs/?script", 200),
        "API collection": (staff, "/api/v1/incidents/", 200),
        "error 403": (anonymous, "/test-forbidden/", 403),
        "error 404": (anonymous, "/no-such-page/", 404),
        "error 500": (anonymous, "/test-crash/", 500),
        "error 503": (anonymous, "/test-outage/", 503),
    }


def test_every_kind_of_page_has_a_strict_content_security_policy(signed_in, community):
    for kind, (client, url, status) in page_kinds(signed_in, community).items():
        response = client.get(url)
        assert response.status_code == status, kind
        assert_strict_policy(response)
        assert_inline_scripts_carry_the_nonce(response)


def test_error_400_has_the_policy_too():
    response = Client().get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert_strict_policy(response)


def test_pages_have_no_inline_script_and_no_inline_handler(signed_in, community):
    """The policy would block them: every script is a file of the portal."""
    for kind, (client, url, _status) in page_kinds(signed_in, community).items():
        html = client.get(url).content.decode()
        inline = [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag and DATA_BLOCK not in tag]
        assert inline == [], kind
        assert not re.search(r"\son[a-z]+\s*=\s*[\"']", html), kind


def test_a_nonce_is_new_for_each_request_and_named_in_the_policy():
    """A template that needs an inline script writes ``nonce="{{ CSP_NONCE }}"``."""
    template = engines["django"].from_string('<script nonce="{{ CSP_NONCE }}">go()</script>')
    seen = set()
    for _attempt in range(2):
        request = RequestFactory().get("/")
        middleware = CSPMiddleware(lambda request: HttpResponse(template.render({}, request)))
        response = middleware(request)
        assert_inline_scripts_carry_the_nonce(response)
        seen.add(directives(response)["script-src"][1])
    assert len(seen) == 2


def test_every_page_denies_the_powerful_features(signed_in, community):
    for kind, (client, url, _status) in page_kinds(signed_in, community).items():
        policy = client.get(url)["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "usb", "payment"):
            assert f"{feature}=()" in policy, kind


@pytest.mark.parametrize(
    "kind",
    [
        "portal home",
        "reports page",
        "admin index",
        "admin change list",
        "admin change form",
        "field case",
        "API collection",
    ],
)
def test_personal_answers_are_never_stored(signed_in, community, kind):
    client, url, _status = page_kinds(signed_in, community)[kind]
    assert "no-store" in client.get(url)["Cache-Control"]


def test_the_field_pages_kept_for_offline_use_are_private_and_revalidated(signed_in, community):
    # The field app's home names no one but the signed-in negotiator; its service worker keeps it
    # for offline use, bound to the login (tests/field/test_offline_privacy.py).
    client, url, _status = page_kinds(signed_in, community)["field home"]
    assert client.get(url)["Cache-Control"] == "private, no-cache"


def test_every_api_answer_with_a_key_is_never_stored(staff_user, community):
    client = key_client(issue_key(staff_user))
    IncidentFactory(community=community)
    for url in ("/api/v1/incidents/", "/api/v1/incidents/?format=csv", "/api/v1/no-such-thing/"):
        assert client.get(url)["Cache-Control"] == "no-store", url
    assert Client().get("/api/v1/incidents/")["Cache-Control"] == "no-store"


def test_the_public_api_schema_and_docs_may_be_cached():
    for url in ("/api/v1/schema/", "/api/v1/docs/"):
        assert "no-store" not in Client().get(url).get("Cache-Control", "")


def test_a_signed_in_answer_keeps_the_caching_its_view_chose(signed_in):
    assert signed_in["manager"].get("/test-cached/")["Cache-Control"] == "public, max-age=3600"


def test_the_rule_leaves_anonymous_pages_alone():
    assert "Cache-Control" not in Client().get("/test-forbidden/")


def test_static_files_keep_their_caching(client):
    response = client.get("/static/css/portal.css")
    assert "no-store" not in response.get("Cache-Control", "")


# --- The reverse proxy ------------------------------------------------------------------------

PROXY = "172.31.240.2"


@pytest.fixture
def behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "10.9.0.0/16"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = []


def test_x_forwarded_proto_is_honoured_from_the_proxy(behind_the_proxy):
    response = Client().get("/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    response = Client().get("/accounts/login/", REMOTE_ADDR="10.9.3.4", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200


def test_x_forwarded_proto_from_anyone_else_is_ignored(behind_the_proxy):
    response = Client().get("/accounts/login/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_no_proxy_is_trusted_by_default(settings):
    assert settings.TRUSTED_PROXIES == []


def seen_by_the_view(settings, **meta) -> dict:
    seen: dict[str, object] = {}

    def capture(request):
        seen.update(address=request.META["REMOTE_ADDR"], secure=request.is_secure())
        seen.update(forwarded=request.META.get("HTTP_X_FORWARDED_FOR"))
        return HttpResponse()

    TrustedProxyMiddleware(capture)(RequestFactory().get("/", **meta))
    return seen


def test_the_client_address_comes_from_x_forwarded_for_only_through_the_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    through_proxy = seen_by_the_view(
        settings, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20", HTTP_X_FORWARDED_PROTO="https"
    )
    # The left entry was written by the client; the proxy appended the address it saw.
    assert through_proxy == {"address": "198.51.100.20", "secure": True, "forwarded": None}
    direct = seen_by_the_view(
        settings, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="6.6.6.6", HTTP_X_FORWARDED_PROTO="https"
    )
    assert direct == {"address": "198.51.100.20", "secure": False, "forwarded": None}
