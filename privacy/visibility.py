"""Whether the current request may show personal data, for the places that cannot ask the viewer.

A model's ``__str__`` (a negotiator is named by their contact) is rendered everywhere: admin
titles, breadcrumbs, select boxes, other models' lists. :class:`PersonalDataVisibilityMiddleware`
sets, for each request, whether its viewer reads personal data; ``__str__`` asks
:func:`personal_data_shown` and names the record by its number otherwise. Outside a request
(Celery, commands, the shell) it answers yes: those outputs decide for themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from access.capabilities import Capability
from access.viewer import Viewer, known_viewer

# A bool, or a function that decides on first use (so a request that names nobody costs nothing).
_shown: ContextVar[bool | Callable[[], bool]] = ContextVar("personal_data_shown", default=True)


def personal_data_shown() -> bool:
    shown = _shown.get()
    return shown() if callable(shown) else shown


@contextmanager
def showing_personal_data(shown: bool | Callable[[], bool]) -> Iterator[None]:
    token = _shown.set(shown)
    try:
        yield
    finally:
        _shown.reset(token)


class PersonalDataVisibilityMiddleware:
    """After the authentication middleware: personal data is shown only to viewers who read it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        decided: list[bool] = []

        def shown() -> bool:
            if not decided:
                # The viewer the page resolved, or the session's user; never cached on the request
                # here: the API resolves its callers (API keys) itself, later. A key's request
                # counts as not reading personal data, which the API never returns anyway.
                viewer = known_viewer(request) or Viewer.for_user(getattr(request, "user", None))
                decided.append(viewer.can(Capability.READS_PERSONAL_DATA))
            return decided[0]

        with showing_personal_data(shown):
            return self.get_response(request)
