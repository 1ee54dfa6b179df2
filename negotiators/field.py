"""Plumbing the field app's pages share (``/field/``: negotiators, incidents and training pages).

What the signed-in viewer may do in the field app (:class:`FieldAccess`), the login check that answers scripts
with JSON instead of a redirect, and :func:`submit`, the one way a field form is written: exactly
once per ``Idempotency-Key``, with errors as JSON for the offline queue or as a re-rendered page.
"""

import hashlib
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from access.capabilities import Capability
from access.home import home_url
from access.viewer import Viewer, request_viewer
from api.idempotency import (
    CONFLICT_CODE,
    CONFLICT_STATUS,
    REPLAYED_HEADER,
    IdempotencyConflict,
    InvalidIdempotencyKey,
    Outcome,
    run_once,
)
from communities.models import Community
from communities.selectors import writable_communities
from negotiators.models import Negotiator

# What the browser adds to a form post that is not part of the submission itself.
NOT_SUBMITTED = ("csrfmiddlewaretoken", "idempotency_key")

# The login's "device session": a random id given to each login, that the phone's service worker
# and outbox tag what they keep with, so that what one login kept is erased when it ends.
DEVICE_SESSION_KEY = "field_device_session"
DEVICE_SESSION_SALT = "field.device-session"
DEVICE_SESSION_HEADER = "X-Field-Session"
# The field pages the service worker keeps; every other signed-in answer is no-store (api.headers).
KEPT_FOR_OFFLINE = "private, no-cache"
# A page the service worker keeps comes again only when it changed: the worker asks with its copy's
# version (If-None-Match) and gets 304 when the page is the same, so a repeat visit costs headers.
# Not an ETag: a browser without the worker would then reuse its own copy of a form, whose
# idempotency key was already sent.
PAGE_VERSION_HEADER = "X-Field-Version"
# What differs between two renderings of the same page: the CSRF token's mask and each form's fresh
# idempotency key (field.js sends the cookie's token and a key of its own), a CSP nonce.
PER_RENDERING = re.compile(rb'(name="(?:csrfmiddlewaretoken|idempotency_key)" value="|nonce=")[^"]*')


def page_version(content: bytes) -> str:
    """The version of a page's HTML, the same for every rendering of the same page."""
    return hashlib.sha256(PER_RENDERING.sub(rb"\1", content)).hexdigest()[:32]


class KeptPageVersionMiddleware:
    """Gives each page kept for offline use its version, and answers 304 when the service worker
    asks with it. Inside GZipMiddleware (it reads the HTML) and outside everything else, so that
    it sees the final headers: a page a view made private (no-store) has no version."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not (
            request.method == "GET"
            and response.status_code == 200
            and isinstance(response, HttpResponse)
            and response.get("Cache-Control") == KEPT_FOR_OFFLINE
            and response.has_header(DEVICE_SESSION_HEADER)
        ):
            return response
        version = page_version(response.content)
        response[PAGE_VERSION_HEADER] = version
        if request.headers.get("If-None-Match") != f'"{version}"':
            return response
        unchanged = HttpResponseNotModified()
        for header, value in response.items():
            if header.lower() not in ("content-type", "content-length"):
                unchanged[header] = value
        unchanged.cookies = response.cookies  # a refreshed session or CSRF cookie still arrives
        return unchanged


def device_session(request: HttpRequest) -> str | None:
    """The signed-in login's device session id (made at its first field page), ``None`` when
    signed out. Signed, with the user's id in it, so that the server can later tell the phone
    that the account is gone without anyone being able to ask about an account by its id."""
    user = request.user
    if not user.is_authenticated:
        return None
    stored = request.session.get(DEVICE_SESSION_KEY)
    if isinstance(stored, list) and len(stored) == 2 and stored[0] == user.pk:
        return str(stored[1])
    token = signing.dumps([user.pk, secrets.token_urlsafe(12)], salt=DEVICE_SESSION_SALT)
    request.session[DEVICE_SESSION_KEY] = [user.pk, token]
    return token


def device_session_account_gone(token: str) -> bool:
    """The login that made ``token`` belongs to an account switched off (or deleted): the phone
    must erase everything it kept for it. A token the server did not sign tells nothing."""
    try:
        value = signing.loads(token, salt=DEVICE_SESSION_SALT)
    except signing.BadSignature:
        return False
    if not (isinstance(value, list) and value and isinstance(value[0], int)):
        return False
    return not get_user_model().objects.filter(pk=value[0], is_active=True).exists()


def private_page(view: Callable) -> Callable:
    """A page with personal data (a case with its parties, negotiators' names): ``Cache-Control:
    no-store, private``, so neither the browser nor the field app's service worker keeps it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapped


@dataclass(frozen=True)
class FieldAccess:
    """The request's :class:`Viewer` as the field app sees it: with the communities it may log in."""

    viewer: Viewer
    writable: QuerySet[Community]

    @property
    def negotiator(self) -> Negotiator | None:
        return self.viewer.negotiator

    @property
    def community(self) -> Community | None:
        """The negotiator's own community (staff and managers have none)."""
        return self.negotiator.community if self.negotiator else None

    @property
    def logs_records(self) -> bool:
        """Logs records (programme managers only read the field pages)."""
        return self.viewer.can(Capability.LOGS_RECORDS)

    @property
    def works_in_communities(self) -> bool:
        """Reads a community's records (every community, or their own); a case worker or volunteer
        does not: they work only the cases assigned to them."""
        return self.viewer.can(Capability.SEES_EVERY_COMMUNITY) or self.viewer.can(Capability.SEES_OWN_COMMUNITY)

    @property
    def works_cases(self) -> bool:
        """Works individual cases (``casework``): staff, negotiators, case workers and volunteers."""
        return self.viewer.can(Capability.WORKS_CASES)

    @cached_property
    def can_write(self) -> bool:
        return self.writable.exists()

    @property
    def chooses_community(self) -> bool:
        """Staff pick the community on each form; a negotiator always logs in their own."""
        return self.viewer.can(Capability.LOGS_IN_ANY_COMMUNITY)


def field_access(viewer: Viewer) -> FieldAccess | None:
    """``None`` for viewers the field app is not for (partners, users without a role)."""
    if not viewer.can(Capability.USES_FIELD_APP):
        return None
    return FieldAccess(viewer=viewer, writable=writable_communities(viewer))


def wants_json(request: HttpRequest) -> bool:
    """The field app's script asks for JSON; a browser without it posts the form and gets pages."""
    return "application/json" in request.headers.get("Accept", "")


def field_view(view: Callable) -> Callable:
    """Signed in with a field role, else: scripts get 401/403 JSON (a queued submission must learn
    it needs a new login rather than follow a redirect), browsers the login page or a 403 page.
    Sets ``request.field`` to the user's :class:`FieldAccess`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        login_url = reverse("field:login")
        if not request.user.is_authenticated:
            if wants_json(request):
                return JsonResponse(
                    {"message": _("You were logged out. Log in again to send this."), "login_url": login_url},
                    status=401,
                )
            return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        access = field_access(request_viewer(request))
        if access is None:
            message = _("The field app is for negotiators and programme staff.")
            if wants_json(request):
                return JsonResponse({"message": message}, status=403)
            # A link to the user's own home, never back to the field app that refused them.
            context = {"message": message, "back_url": home_url(request_viewer(request))}
            return render(request, "field/message.html", context, status=403)
        request.field = access
        response = view(request, *args, **kwargs)
        # Tags what the service worker keeps with the login that saw it.
        response[DEVICE_SESSION_HEADER] = device_session(request)
        if request.method != "GET":
            add_never_cache_headers(response)  # an answer to a form holds what was typed
        elif not response.has_header("Cache-Control"):
            # A page the service worker may keep for offline use (nothing personal on it: pages
            # that are say so with private_page): the browser's own cache asks the server first.
            response["Cache-Control"] = KEPT_FOR_OFFLINE
        return response

    return wrapped


class FieldRequest(HttpRequest):
    """A request :func:`field_view` let through, with the viewer's :class:`FieldAccess`."""

    field: FieldAccess


def read_only_response(request: FieldRequest) -> HttpResponse:
    message = _("Programme managers can read the field pages but not log records.")
    if request.field.logs_records:
        message = _("Your login is not linked to a community yet. Ask the programme staff.")
    if wants_json(request):
        return JsonResponse({"message": message}, status=403)
    return render(request, "field/message.html", {"message": message}, status=403)


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


def posted_idempotency_key(request: HttpRequest) -> str:
    return request.headers.get("Idempotency-Key") or request.POST.get("idempotency_key", "")


def submitted_data(request: HttpRequest) -> dict[str, list[str]]:
    """The submission as its idempotency fingerprint sees it: the fields, and each file's bytes
    (by their SHA-256), so that a replay with the same photos is the same submission."""
    data = {name: request.POST.getlist(name) for name in sorted(request.POST) if name not in NOT_SUBMITTED}
    for name in sorted(request.FILES):
        digests = []
        for uploaded in request.FILES.getlist(name):
            digest = hashlib.sha256()
            for chunk in uploaded.chunks():
                digest.update(chunk)
            uploaded.seek(0)
            digests.append(digest.hexdigest())
        data[f"{name}[files]"] = digests
    return data


# Parts that apps above add to a record's field form (``photos``: its photos). Each maker is
# called with the request and the kind of record (``"event"``, ``"incident"``) and returns a Django
# form bound to the request's data and files (or unbound on a GET), with ``save(record, actor)``,
# or ``None``. The form's view validates the parts with its own forms, and saves them in the same
# transaction once its service wrote the record. Apps register in their ``AppConfig.ready``.
FORM_PARTS: dict[str, Callable[[HttpRequest, str], Any]] = {}


def form_parts(request: HttpRequest, kind: str) -> dict[str, Any]:
    """The parts of the ``kind`` record's form, by the name the apps registered them under."""
    made = {name: make(request, kind) for name, make in FORM_PARTS.items()}
    return {name: part for name, part in made.items() if part is not None}


def save_form_parts(parts: dict[str, Any], record, actor) -> None:
    """Save each part with the record just written; a part that refuses (a ``ValidationError``)
    gets the errors and rejects the whole submission."""
    for part in parts.values():
        try:
            part.save(record, actor)
        except ValidationError as error:
            apply_errors(part, error)
            raise FormRejected from error


class FormRejected(Exception):
    """The submission did not validate; the form (or forms) now carry the errors."""


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` next to the form's fields (model field names are the
    form's field names); what has no field becomes an error of the whole form."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def form_errors(*forms) -> dict[str, list[str]]:
    """Errors keyed by the posted field names (with prefixes), as the page's script shows them."""
    errors: dict[str, list[str]] = {}
    for form in forms:
        if form is None:
            continue
        if hasattr(form, "forms"):  # a formset
            errors.update(form_errors(*form.forms))
            if form.non_form_errors():
                errors.setdefault("__all__", []).extend(form.non_form_errors())
            continue
        for name, messages_ in form.errors.items():
            key = "__all__" if name == "__all__" else form.add_prefix(name)
            errors.setdefault(key, []).extend(messages_)
    return errors


def submit(
    request: FieldRequest,
    *,
    write: Callable[[], tuple[int, dict]],
    rejected: Callable[[int, str], HttpResponse],
    forms=(),
) -> HttpResponse:
    """Run ``write`` once per ``Idempotency-Key`` (header, or the form's hidden field).

    ``write`` validates and calls a service, returning ``(status, {"id", "url", "message"})`` or
    raising :class:`FormRejected`. Scripts get that JSON (or 400 with ``errors``, 422
    ``idempotency_conflict`` on a key reused with other data, as the API answers); browsers are
    redirected to ``url`` or get ``rejected(status, message)``, the page again with everything
    typed and the errors next to the fields.
    """
    key = posted_idempotency_key(request)
    try:
        if key:
            outcome = run_once(
                owner=request.field.viewer, key=key, scope=request.path, data=submitted_data(request), write=write
            )
        else:
            outcome = Outcome(*write(), replayed=False)
    except FormRejected:
        message = _("Please correct the errors below.")
        if wants_json(request):
            return JsonResponse({"message": message, "errors": form_errors(*forms)}, status=400)
        return rejected(400, message)
    except IdempotencyConflict:
        message = _(
            "This form was already sent with different content. Nothing new was saved: "
            "check the records, then send it again as a new entry if it is missing."
        )
        if wants_json(request):
            return JsonResponse({"message": message, "code": CONFLICT_CODE}, status=CONFLICT_STATUS)
        return rejected(CONFLICT_STATUS, message)
    except InvalidIdempotencyKey as error:
        if wants_json(request):
            return JsonResponse({"message": str(error)}, status=400)
        return rejected(400, str(error))
    if wants_json(request):
        response = JsonResponse(outcome.response, status=outcome.status_code)
        if outcome.replayed:
            response[REPLAYED_HEADER] = "true"
        return response
    messages.success(request, outcome.response["message"])  # type: ignore[index]
    return redirect(outcome.response["url"])  # type: ignore[index]
