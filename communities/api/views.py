"""The API's own pages: the catch-all that answers unknown URLs under ``/api/v1/``."""

from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.views import APIView

from communities.api.permissions import ApiAccess


@extend_schema(exclude=True)
class UnknownApiUrl(APIView):
    """Any URL under /api/v1/ that is not a collection: 404 in the API's error shape, after the
    same authentication as everywhere (so anonymous callers learn nothing about the URL space and
    requests with a key are logged)."""

    permission_classes = [ApiAccess]
    # No action here: ApiAccess checks only who is calling, not whether they may write.
    action = None

    def initial(self, request, *args, **kwargs):
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
    def get(self, request, *args, **kwargs):  # pragma: no cover
        raise exceptions.NotFound()

    post = put = patch = delete = head = options = get
