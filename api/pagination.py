from typing import Any, cast

from django import forms
from django.core.paginator import Page, Paginator
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response


def whole_number(request: Request, name: str, field: forms.IntegerField) -> int | None:
    """The parameter ``name`` read by ``field`` (None when absent or empty), or a 400 naming it."""
    try:
        value: int | None = field.clean(request.query_params.get(name))
    except forms.ValidationError as error:
        raise exceptions.ValidationError({name: error.messages}) from None
    return value


class ApiPagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``page`` and ``page_size`` (50 by
    default, at most 500: a larger ``page_size`` gives 500). The same pages in CSV carry ``Link``
    and ``X-Total-Count`` headers, as a CSV body has nowhere to say where the next page is.
    ``page`` and ``page_size`` are whole numbers from 1 (anything else is a 400 naming them, not
    the default page); a page past the last is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int:
        size = whole_number(request, self.page_size_query_param, forms.IntegerField(required=False, min_value=1))
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_page_number(self, request: Request, paginator: "Paginator[Any]") -> int:
        # DRF also reads page=last; the schema says a number, and so does this.
        number = whole_number(request, self.page_query_param, forms.IntegerField(required=False, min_value=1))
        return 1 if number is None else number

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", self.get_next_link()), ("prev", self.get_previous_link()))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        # Set by paginate_queryset, which the view calls first.
        page = cast("Page[Any]", self.page)
        response["X-Total-Count"] = str(page.paginator.count)
        return response

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        # Plain English, like the rest of the schema (DRF's descriptions are translated).
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number: 1 (the default) and up; a page past the last is a 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page: {self.page_size} by default, at most {self.max_page_size} "
                f"(a larger value gives {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
