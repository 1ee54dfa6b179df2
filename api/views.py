"""The API's own pages: the catch-all that answers unknown URLs under ``/api/v1/``, and the
400 page that answers in the API's error shape under ``/api/``."""

from typing import Any, NoReturn

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.views import APIView

from api.errors import json_error_response
from api.middleware import API_PREFIX
from api.permissions import ApiAccess


def bad_request(
    request: HttpRequest, exception: Exception, template_name: str = defaults.ERROR_400_TEMPLATE_NAME
) -> HttpResponse:
    """``handler400``: a request Django refuses before any view (a Host header not in
    ALLOWED_HOSTS, another suspicious operation) never reaches the API middleware, which sits
    inside the middleware that raised; under /api/ it is still JSON, elsewhere Django's page."""
    if request.path.startswith(API_PREFIX):
        return json_error_response(400)
    return defaults.bad_request(request, exception, template_name)


@extend_schema(exclude=True)
class UnknownApiUrl(APIView):
    """Any URL under /api/v1/ that is not a collection: 404 in the API's error shape, after the
    same authentication as everywhere (so anonymous callers learn nothing about the URL space and
    requests with a key are logged)."""

    permission_classes = [ApiAccess]
    # No action here: ApiAccess checks only who is calling, not whether they may write.
    action = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        message = _("There is no such URL in the API.")
        if not request.path.endswith("/"):
            try:
                match = resolve(request.path + "/")
            except Resolver404:
                match = None
            if match is not None and getattr(match.func, "view_class", None) is not UnknownApiUrl:
                message = _("There is no such URL in the API; did you mean %(url)s?") % {"url": request.path + "/"}
        raise exceptions.NotFound(message)

    # Whatever the method: initial() has already answered.
    def get(self, request: Request, *args: Any, **kwargs: Any) -> NoReturn:  # pragma: no cover
        raise exceptions.NotFound()

    post = put = patch = delete = head = options = get
