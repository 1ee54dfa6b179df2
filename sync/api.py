"""``GET /api/v1/changes/?since=<cursor>``: the change feed (:mod:`sync.feed`)."""

from typing import Any

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.changes import COLLECTIONS
from api.filtering import check_query
from api.pagination import whole_number
from api.principal import viewer_for
from api.schema import ApiAutoSchema
from api.viewsets import refuse_nul_characters
from sync import feed


class ChangeSerializer(serializers.Serializer[Any]):
    collection = serializers.ChoiceField(
        choices=sorted(COLLECTIONS), help_text="The collection: its URL under /api/v1/, e.g. incidents."
    )
    id = serializers.IntegerField(help_text="The record's id in its collection.")
    change = serializers.ChoiceField(
        choices=feed.KINDS,
        help_text="create or update: store the record; delete: it was deleted; exit: it left what you may "
        "see (moved elsewhere, or its community left your coverage). Remove it on both.",
    )
    record = serializers.JSONField(
        allow_null=True, help_text="The record as its collection shows it now; null for delete and exit."
    )


class ChangePageSerializer(serializers.Serializer[Any]):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(help_text="Give it as since= to read on; store it with your copy.")
    has_more = serializers.BooleanField(help_text="More changes wait: ask again at once with next_cursor.")


class ChangeFeedSchema(ApiAutoSchema):
    def _error_statuses(self) -> list[str]:
        # A cursor this API did not give, or an unknown parameter (400).
        return sorted({*super()._error_statuses(), "400"})


class ChangeFeed(APIView):
    """Every create, update, delete and scope exit of the records you may see, in commit order."""

    renderer_classes = [JSONRenderer]
    schema = ChangeFeedSchema()

    @property
    def action(self) -> str | None:
        # Reads only: for another method ApiAccess checks who is calling, then lets the 405 come.
        request = getattr(self, "request", None)
        return None if request is not None and request.method not in SAFE_METHODS else "read"

    query_parameters = {"since", "page_size", "format"}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        refuse_nul_characters(request.query_params)
        check_query(request.query_params, self.query_parameters)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.STR,
                description="The next_cursor of the last page you read; leave it out to start from the "
                "beginning (every record you may see, as created).",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": feed.MAX_PAGE_SIZE},
                description=f"Records per page: {feed.DEFAULT_PAGE_SIZE} by default and at most.",
            ),
        ],
        responses=ChangePageSerializer,
    )
    def get(self, request: Request) -> Response:
        since = feed.decode_cursor(request.query_params.get("since"))
        size = whole_number(request, "page_size", forms.IntegerField(required=False, min_value=1))
        limit = min(size or feed.DEFAULT_PAGE_SIZE, feed.MAX_PAGE_SIZE)
        page = feed.read(viewer_for(request), request, since=since, limit=limit)
        return Response(
            {
                "results": [
                    {"collection": item.collection, "id": item.id, "change": item.change, "record": item.record}
                    for item in page.items
                ],
                "next_cursor": page.next_cursor,
                "has_more": page.has_more,
            }
        )
