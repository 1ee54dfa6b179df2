"""Rate limits per API key and per user, counted in the cache (Redis when ``REDIS_URL`` is set,
so every web process shares the count).

Fixed windows counted atomically: the first request of a window creates its counter
(``cache.add``), every request increments it (``cache.incr``, Redis ``INCR``), so parallel
clients cannot slip past the limit as they could with a read-modify-write history list. When the
cache cannot be reached, each process counts in its own memory (a warning is logged, at most once
a minute), so the API keeps answering.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from api.principal import viewer_for

if TYPE_CHECKING:
    # Not at run time: DRF imports this module while rest_framework.views is still loading.
    from rest_framework.request import Request
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)

WARNING_INTERVAL_SECONDS = 60.0


class LocalCounters:
    """This process's fallback counters: key -> (count, end of the window)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}
        self._last_warning = -math.inf

    def incr(self, key: str, duration: int, now: float) -> tuple[int, float]:
        with self._lock:
            count, until = self._counts.get(key, (0, 0.0))
            if until <= now:
                count, until = 0, now + duration
                if len(self._counts) > 10_000:  # forget windows that are over
                    self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            self._counts[key] = (count + 1, until)
            return count + 1, until

    def peek(self, key: str, now: float) -> tuple[int, float]:
        with self._lock:
            count, until = self._counts.get(key, (0, 0.0))
            return (count, until) if until > now else (0, now)

    def should_warn(self, now: float) -> bool:
        with self._lock:
            if now - self._last_warning < WARNING_INTERVAL_SECONDS:
                return False
            self._last_warning = now
            return True


local_counters = LocalCounters()


def window_count(key: str, duration: int, now: float) -> tuple[int, float]:
    """Count one more in ``key``'s fixed window of ``duration`` seconds: the count so far, this one
    included, and when the window ends. In the cache, else in this process's memory."""
    try:
        return _count_in_cache(key, duration, now)
    except Exception as error:  # any cache failure: Redis down, a timeout, a refused write
        _warn_cache_down(error, now)
        return local_counters.incr(key, duration, now)


def window_peek(key: str, now: float) -> tuple[int, float]:
    """``key``'s count in its current window and when the window ends, counting nothing."""
    try:
        count = cache.get(key)
        until = cache.get(f"{key}:until")
    except Exception as error:
        _warn_cache_down(error, now)
        return local_counters.peek(key, now)
    if count is None:
        return 0, now
    return int(count), float(until) if until is not None else now


def _warn_cache_down(error: Exception, now: float) -> None:
    if local_counters.should_warn(now):
        logger.warning("API throttle: the cache is unavailable (%s); counting in this process", error)


def _count_in_cache(key: str, duration: int, now: float) -> tuple[int, float]:
    for _attempt in range(3):
        if cache.add(key, 1, timeout=duration):
            cache.set(f"{key}:until", now + duration, timeout=duration)
            return 1, now + duration
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add and incr: start the next one
            continue
        until = cache.get(f"{key}:until")
        return count, float(until) if until is not None else now + duration
    raise RuntimeError("the throttle's counter kept expiring")


class ApiRateThrottle(SimpleRateThrottle):
    """One bucket per API key, else per user, else per client address (the schema and the docs).

    Rates come from ``settings.API_THROTTLE_RATES`` (scopes ``key``, ``user``, ``anon``), read on
    every request rather than once at import, so deployments and tests can change them.
    """

    cache_format = "zlagoda-api-throttle:%(scope)s:%(ident)s"

    def __init__(self) -> None:
        # SimpleRateThrottle resolves its rate in __init__ from a fixed scope; ours depends on the
        # caller, so it is resolved in allow_request.
        self.wait_seconds = 0.0

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
        num_requests, duration = self.parse_rate(self.rate)
        if num_requests is None or duration is None:  # parse_rate's answer to no rate
            return True
        now = time.time()
        count, until = self._count(self.get_cache_key(request, view), duration, now)
        self.wait_seconds = max(1.0, until - now)
        return count <= num_requests

    def _count(self, key: str, duration: int, now: float) -> tuple[int, float]:
        return window_count(key, duration, now)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}

    def wait(self) -> float:
        return self.wait_seconds
