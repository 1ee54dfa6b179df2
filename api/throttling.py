"""Rate limits per API key and per user, counted in the cache (Redis when ``REDIS_URL`` is set,
so every web process shares the count)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.principal import viewer_for

if TYPE_CHECKING:
    # Not at run time: DRF imports this module while rest_framework.views is still loading.
    from rest_framework.request import Request
    from rest_framework.views import APIView


class ApiRateThrottle(SimpleRateThrottle):
    """One bucket per API key, else per user, else per client address (the schema and the docs).

    Rates come from ``settings.API_THROTTLE_RATES`` (scopes ``key``, ``user``, ``anon``), read on
    every request rather than once at import, so deployments and tests can change them.
    """

    cache_format = "zlagoda-api-throttle:%(scope)s:%(ident)s"

    def __init__(self) -> None:
        # SimpleRateThrottle resolves its rate in __init__ from a fixed scope; ours depends on the
        # caller, so it is resolved in allow_request.
        pass

    def allow_request(self, request: Request, view: APIView) -> bool:
        viewer = viewer_for(request)
        if viewer.api_key is not None:
            self.scope, self.ident = "key", viewer.api_key.prefix
        elif viewer.user is not None:
            self.scope, self.ident = "user", str(viewer.user.pk)
        else:
            self.scope, self.ident = "anon", self.get_ident(request)
        self.rate = settings.API_THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}
