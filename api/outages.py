"""What a dependency that is away looks like, and the answer every request gets then: 503 with
``Retry-After``, as the API's JSON error under ``/api/`` and as a translated page elsewhere.

It lives with the API's machinery, the lowest package that answers requests, so that the portal's
pages, the field app and the reports' retries (``reports.services.TRANSIENT_ERRORS``) share one
list of outages.
"""

import logging
from collections.abc import Callable

import botocore.exceptions
import kombu.exceptions
import redis.exceptions
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from api.errors import error_body, json_error_response

logger = logging.getLogger(__name__)

# The database, Redis (cache, broker, result store), an S3-compatible file storage or the network
# between them was briefly away.
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    botocore.exceptions.ConnectionError,  # EndpointConnectionError, ConnectTimeoutError...
    botocore.exceptions.ReadTimeoutError,
)

# What Django's file storage raises when it cannot write or read a file: a folder's OSError (disk
# full, permissions, a volume gone), an S3 server's refusal (ClientError: no such bucket, access
# denied, slow down) or boto3 failing to reach it at all.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    botocore.exceptions.BotoCoreError,
    botocore.exceptions.ClientError,
)
RETRY_AFTER_SECONDS = 30


class OutageMiddleware:
    """Turns an outage that escaped a view into 503 + ``Retry-After`` instead of a bare 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        if not isinstance(exception, OUTAGE_ERRORS):
            return None
        logger.error("Outage while answering %s %s", request.method, request.path, exc_info=exception)
        message = _("The service is briefly unavailable. Please try again in a minute.")
        response: HttpResponseBase
        if request.path.startswith("/api/"):
            response = json_error_response(503, error_body("service_unavailable", message))
        else:
            # No base layout: it would ask the session and the user of the database that may be away.
            response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
