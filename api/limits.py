"""Request bodies over the configured size are refused with 413 before anything reads them.

The check sits near the top of ``MIDDLEWARE``, before the session, CSRF and the views, any of
which may read ``request.POST`` or ``request.body``: Django would read a multipart upload of any
size in full (spooling files to disk) before ``DATA_UPLOAD_MAX_MEMORY_SIZE`` could refuse it.
Under ``/api/`` the answer is the API's JSON error, elsewhere a translated page.

A body without ``Content-Length`` (``Transfer-Encoding: chunked``) is never read past the limit
either: Django's WSGI request reads at most ``Content-Length`` bytes of its input (none without
one), and this middleware puts the same bound on the stream it reads from. Under ASGI Django reads
the body before any middleware runs; the reverse proxy's limit (``deploy/Caddyfile``) covers that.

It lives with the API's machinery, the lowest package that answers requests, as
:mod:`api.outages` does, so that the API and the pages share one rule.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from api.errors import error_body, json_error_response
from api.middleware import API_PREFIX


def body_limit(request: HttpRequest) -> int:
    """The largest body, in bytes, ``request`` may carry."""
    if request.path.startswith(API_PREFIX):
        return int(settings.API_MAX_BODY_BYTES)
    return int(settings.REQUEST_MAX_BODY_BYTES)


def declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


class BoundedStream:
    """A request's input that gives out at most ``limit`` bytes, whatever the client sends."""

    def __init__(self, stream: object, limit: int) -> None:
        self.stream = stream
        self.remaining = limit

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data: bytes = self.stream.read(size)  # type: ignore[attr-defined]
        self.remaining -= len(data)
        return data

    def __getattr__(self, name: str) -> object:  # close() and the like, as the stream has them
        return getattr(self.stream, name)

    def readline(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data: bytes = self.stream.readline(size)  # type: ignore[attr-defined]
        self.remaining -= len(data)
        return data


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        limit = body_limit(request)
        length = declared_length(request)
        if length is not None and length > limit:
            return too_large(request, limit)
        stream = getattr(request, "_stream", None)
        if stream is not None:
            # Belt and braces for a server that hands Django a stream longer than it declares.
            request._stream = BoundedStream(stream, limit)  # type: ignore[assignment]
        return self.get_response(request)


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    # Before LocaleMiddleware: the language comes from the request itself (cookie, Accept-Language).
    with translation.override(translation.get_language_from_request(request)):
        megabytes = max(1, limit // (1024 * 1024))
        message = _("The request is too large: at most %(megabytes)d MB may be sent at once.") % {
            "megabytes": megabytes
        }
        response: HttpResponse
        if request.path.startswith(API_PREFIX):
            response = json_error_response(413, error_body("request_too_large", message))
        else:
            # No base layout: it would read the session, which must not touch the body either.
            response = HttpResponse(
                render_to_string("413.html", {"message": message, "LANGUAGE_CODE": translation.get_language()}),
                status=413,
            )
    return response
