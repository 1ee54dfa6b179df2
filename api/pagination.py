from typing import Any, cast

from django.core.paginator import Page
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class ApiPagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``page`` and ``page_size`` (50 by
    default, at most 500). The same pages in CSV carry ``Link`` and ``X-Total-Count`` headers, as
    a CSV body has nowhere to say where the next page is."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

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
