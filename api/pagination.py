from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``page`` and ``page_size`` (50 by
    default, at most 500). The same pages in CSV carry ``Link`` and ``X-Total-Count`` headers, as
    a CSV body has nowhere to say where the next page is."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", self.get_next_link()), ("prev", self.get_previous_link()))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        response["X-Total-Count"] = str(self.page.paginator.count)
        return response
