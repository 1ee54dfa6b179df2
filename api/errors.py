"""One error shape for the whole API, whatever went wrong::

    {"error": {"code": "invalid", "message": "…", "fields": {"participants_men": ["…"]}}}

``code`` is stable and meant for programs, ``message`` is for people and follows
``Accept-Language``, ``fields`` maps each offending field (dotted path for nested ones, e.g.
``parties.0.full_name``) to its messages and is empty when no field is to blame.
"""

import json
import math
from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from api import idempotency

NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, "__all__"}


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = idempotency.CONFLICT_STATUS
    default_detail = _("This Idempotency-Key was already used for a different request.")
    default_code = idempotency.CONFLICT_CODE


class ApiThrottled(exceptions.Throttled):
    """DRF's 429 with the whole message in the request's language: DRF appends an untranslated
    "Expected available in N seconds." to its own first sentence."""

    def __init__(self, wait: float | None = None) -> None:
        seconds = max(1, math.ceil(wait or 0))
        detail = ngettext(
            "Too many requests: try again in %(seconds)d second.",
            "Too many requests: try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
        exceptions.APIException.__init__(self, detail)
        self.wait = seconds


class BadIdempotencyKey(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_idempotency_key"


# For errors raised outside DRF (no route, a crash): the code and message each status gets.
STATUS_ERRORS = {
    400: ("bad_request", _("Bad request.")),
    401: (exceptions.NotAuthenticated.default_code, exceptions.NotAuthenticated.default_detail),
    403: (exceptions.PermissionDenied.default_code, exceptions.PermissionDenied.default_detail),
    404: (exceptions.NotFound.default_code, exceptions.NotFound.default_detail),
    405: ("method_not_allowed", _("This method is not allowed here.")),
    406: (exceptions.NotAcceptable.default_code, exceptions.NotAcceptable.default_detail),
    413: (RequestTooLarge.default_code, RequestTooLarge.default_detail),
    415: ("unsupported_media_type", _("Send the request body as JSON (Content-Type: application/json).")),
    429: (exceptions.Throttled.default_code, exceptions.Throttled.default_detail),
    500: ("server_error", _("Something went wrong on our side; the error has been logged.")),
}


def error_body(code: str, message: object, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def error_body_for_status(status_code: int) -> dict[str, Any]:
    code, message = STATUS_ERRORS.get(status_code) or STATUS_ERRORS[500 if status_code >= 500 else 400]
    return error_body(code, message)


def json_error_response(status_code: int, body: dict[str, Any] | None = None) -> HttpResponse:
    """The error body (by default the one of ``status_code``) as a JSON response."""
    return HttpResponse(
        json.dumps(body or error_body_for_status(status_code), ensure_ascii=False),
        status=status_code,
        content_type="application/json",
    )


def _flatten(detail: object, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix: [str(message) for message in messages]} if messages else {}


def _validation_body(detail: object) -> dict[str, Any]:
    if not isinstance(detail, dict):
        detail = {api_settings.NON_FIELD_ERRORS_KEY: detail}
    fields = _flatten(detail)
    general = [message for key in NON_FIELD_KEYS for message in fields.pop(key, [])]
    message = " ".join(general) if general else _("Some fields are not valid: see “fields”.")
    return error_body(exceptions.ValidationError.default_code, message, fields)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, after mapping the exceptions that services and Django raise, reshaped into
    the error body. Anything it does not know stays a 500 (logged by Django)."""
    if isinstance(exc, Http404):
        # One message for "no such record" and "not yours", so the two cannot be told apart.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, idempotency.IdempotencyConflict):
        exc = IdempotencyKeyReused(str(exc))
    elif isinstance(exc, idempotency.InvalidIdempotencyKey):
        exc = BadIdempotencyKey(str(exc))
    elif isinstance(exc, exceptions.Throttled) and not isinstance(exc, ApiThrottled):
        exc = ApiThrottled(getattr(exc, "wait", None))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc.detail)
    else:
        # DRF's handler answers APIExceptions only (Django's were mapped to them above); outside
        # validation their detail, and so their code, is a single string.
        api_exc = cast(exceptions.APIException, exc)
        response.data = error_body(cast(str, api_exc.get_codes()), api_exc.detail)
    return response
