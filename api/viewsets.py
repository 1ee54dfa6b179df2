"""The base of every collection of the API."""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import ModelSerializer

from access.capabilities import Capability
from access.viewer import Viewer
from api.filtering import check_query, multi_value_parameters
from api.idempotency import REPLAYED_HEADER, run_once
from api.principal import audience_of, viewer_for

_M = TypeVar("_M", bound=Model)


def stable_order(queryset: QuerySet[_M]) -> QuerySet[_M]:
    """Append the primary key to the ordering, so that pages never repeat or skip a row when
    several rows share the sort value (same date, same name)."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering or ())
    if not any(str(term).lstrip("-") in ("pk", "id") for term in ordering):
        ordering.append("pk")
    return queryset.order_by(*ordering)


def with_community(queryset: QuerySet[_M]) -> QuerySet[_M]:
    """The rows with their community in the same query, without the community's columns no
    serializer shows (SQLite parses every date it loads: two per row on a 100-row page)."""
    return queryset.select_related("community").defer(
        "community__created_at", "community__updated_at", "community__population", "community__kind"
    )


def refuse_nul_characters(params: QueryDict) -> None:
    """A NUL character in a query is never meant (and PostgreSQL cannot compare text with it)."""
    bad = sorted({name for name, values in params.lists() if any("\x00" in value for value in [name, *values])})
    if bad:
        raise ValidationError(
            {name.replace("\x00", "") or "query": [_("This value contains a NUL character.")] for name in bad}
        )


class ScopedViewSet(viewsets.GenericViewSet[Any]):
    """A collection whose rows come from a selector, so whatever is out of the caller's scope is
    simply not there (404).

    Subclasses set ``selector`` (viewer -> queryset), ``serializer_class`` (an
    :class:`~api.serializers.AudienceSerializer`), ``filterset_class``, and may
    override :meth:`optimise` (``select_related``/``prefetch_related``) and :meth:`attach`, and
    name the capability that may write in ``write_capability``. A write action hands :meth:`respond_once` a
    ``write(data)`` that calls the service with the input serializer's validated data and returns
    ``(status, body)`` (see ``incidents.api.IncidentViewSet.create``).
    """

    # A plain function (viewer -> queryset) set on the class and called as type(self).selector:
    # typed loosely, as mypy reads a function in a class body as a method.
    selector: Callable[..., QuerySet[Any]]
    write_capability: Capability | None = None
    # The model of the rows, for the schema; by default the serializer's (set it when the
    # serializer is not a ModelSerializer, e.g. computed figures).
    model: type[Model] | None = None
    # The actions that answer a page of rows (and so take page and page_size) on GET; filters
    # (the filter set's parameters) apply to the list alone.
    paginated_actions: tuple[str, ...] = ("list",)

    @cached_property
    def viewer(self) -> Viewer:
        return viewer_for(self.request)

    @property
    def is_schema_view(self) -> bool:
        return getattr(self, "swagger_fake_view", False)

    def get_queryset(self) -> QuerySet[Any]:
        if self.is_schema_view:
            # Without a model of its own, the collection's serializer is a ModelSerializer.
            serializer_class = cast("type[ModelSerializer[Any]]", type(self).serializer_class)
            return (self.model or serializer_class.Meta.model)._default_manager.none()
        return self.optimise(type(self).selector(self.viewer))

    def optimise(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset

    def attach(self, rows: list[Any]) -> list[Any]:
        """Add to the rows of a page (or to one record) what one query for all of them can fetch
        more cheaply than ``prefetch_related``, e.g. many-to-many ids."""
        return rows

    def paginate_queryset(self, queryset: QuerySet[Any] | Sequence[Any]) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        return None if page is None else self.attach(list(page))

    def get_object(self) -> Any:
        return self.attach([super().get_object()])[0]

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return stable_order(super().filter_queryset(queryset))

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if not self.is_schema_view:
            context["audience"] = audience_of(self.viewer)
        return context

    def query_parameters(self) -> tuple[set[str], set[str]]:
        """The query parameters this action takes, as the schema lists them, and those of them
        that take several values: ``format``; on a list, its filter set's and the pagination's."""
        known, multi = {"format"}, set()
        filterset_class = getattr(self, "filterset_class", None)
        if self.action == "list" and filterset_class is not None:
            known |= set(filterset_class.base_filters)
            multi = multi_value_parameters(filterset_class)
        paginator = self.paginator
        if paginator is not None and self.action in self.paginated_actions and self.request.method in ("GET", "HEAD"):
            known |= {
                name
                for name in (
                    getattr(paginator, "page_query_param", None),
                    getattr(paginator, "page_size_query_param", None),
                )
                if name
            }
        return known, multi

    def check_query(self, request: Request) -> None:
        """A 400 for an unknown or repeated query parameter (a misspelt filter would otherwise
        return every row). A collection without a filter set reads its query itself."""
        if getattr(self, "filterset_class", None) is not None:
            known, multi = self.query_parameters()
            check_query(request.query_params, known, multi)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self.action is None:
            # A method this URL does not take: dispatch answers 405, whatever the query holds.
            return
        refuse_nul_characters(request.query_params)
        self.check_query(request)
        if request.method not in SAFE_METHODS:
            # Reading the body through Django enforces DATA_UPLOAD_MAX_MEMORY_SIZE (413), which
            # DRF's parsers, reading the stream themselves, would not.
            request._request.body  # noqa: B018

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        if response.status_code >= 400 and not isinstance(getattr(request, "accepted_renderer", None), JSONRenderer):
            # Errors are always JSON, even for ?format=csv.
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def respond_once(self, request: Request, write: Callable[[dict[str, Any]], tuple[int, object]]) -> Response:
        """Validate the body with the action's input serializer, then run ``write`` (given the
        validated data, returns ``(status, body)``) at most once per ``Idempotency-Key``: a retry
        with the same body gets the first response again (header ``Idempotency-Replayed: true``),
        the same key with another body is a 422, valid or not. The body is validated inside
        :func:`run_once`, after the key is looked up, so a body refused with a 400 leaves its key
        unused. Without the header, the body is validated and ``write`` just runs."""
        form = self.get_serializer(data=request.data)

        def validated_write() -> tuple[int, object]:
            form.is_valid(raise_exception=True)
            return write(form.validated_data)

        key = request.headers.get("Idempotency-Key")
        if key is None:
            status_code, body = validated_write()
            return Response(body, status=status_code)
        outcome = run_once(
            owner=self.viewer,
            key=key,
            scope=f"{request.method} {request.path}"[:128],
            data=request.data,
            write=validated_write,
        )
        headers = {REPLAYED_HEADER: "true"} if outcome.replayed else {}
        return Response(outcome.response, status=outcome.status_code, headers=headers)


class ReadOnlyCollection(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """``GET <collection>/`` (paginated, filtered, ``?format=csv``) and ``GET <collection>/<id>/``."""
