"""Two duties for every request under ``/api/``, whether or not a view answered it:

- an error that did not come from the API's own handler (no such URL outside ``/api/v1/``, a
  crash, a refused host) becomes the API's JSON error body instead of Django's HTML page;
- a request made with an API key is written to the request log (key, method, path, query,
  status, time), so staff can see who pulled what.
"""

import time
from collections.abc import Callable

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone

from api.errors import json_error_response
from api.models import ApiKey, ApiRequest

API_PREFIX = "/api/"


def loggable(text: str) -> str:
    """``text`` as a text column can hold it: PostgreSQL refuses NUL characters (a request for
    ``/api/v1/incidents/%00/`` went unlogged and answered 500)."""
    return text.replace("\x00", "\N{REPLACEMENT CHARACTER}")


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        started_at, started = timezone.now(), time.perf_counter()
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            response = self._json_error(response)
        api_key = getattr(request, "zlagoda_api_key", None) or getattr(request, "auth", None)
        if isinstance(api_key, ApiKey):
            self._log(
                ApiRequest(
                    api_key=api_key,
                    method=(request.method or "")[:10],  # always set on a request from a client
                    path=loggable(request.path)[:500],
                    query=loggable(request.META.get("QUERY_STRING", ""))[:2000],
                    status_code=response.status_code,
                    requested_at=started_at,
                    duration_ms=round((time.perf_counter() - started) * 1000),
                )
            )
        return response

    def _log(self, entry: ApiRequest) -> None:
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            entry.save()
            return
        # The log row commits without waiting for the disk (a crash may lose the last fraction of
        # a second of log, never corrupt anything): waiting for the flush cost a page request
        # more than the rest of its writes together.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            entry.save()

    def _json_error(self, response: HttpResponseBase) -> HttpResponse:
        # A DRF view whose renderers cannot write JSON (the schema's YAML, the docs' HTML) still
        # holds the API's own error body, with its precise message: keep that one.
        body = getattr(response, "data", None)
        if not (isinstance(body, dict) and set(body) == {"error"}):
            body = None
        replacement = json_error_response(response.status_code, body)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                replacement[header] = response[header]
        return replacement
