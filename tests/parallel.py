"""The suite on several processes (pytest-xdist): ``make test`` loads this plugin with ``-p``, before
Django reads its settings in a worker.

- Each worker gets a Redis database of its own (``REDIS_URL``'s number plus one plus the worker's
  number), so a test clearing the cache or purging Celery's queue never touches another worker's.
  PostgreSQL needs nothing: pytest-django gives each worker a test database of its own.
- A test module stays on one worker (its module-scoped fixtures, such as a Chromium, start once),
  and all the tests on the demo programme go to one worker, which seeds it once (``conftest.py``).
"""

import os
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", … in a worker; unset otherwise


def worker_redis_url(url: str, worker: str) -> str:
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + 1 + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{number}"))


if WORKER and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = worker_redis_url(os.environ["REDIS_URL"], WORKER)


def pytest_itemcollected(item: Any) -> None:
    if WORKER:
        from tests.conftest import DEMO_FIXTURE

        uses_demo = DEMO_FIXTURE in getattr(item, "fixturenames", ())
        item.add_marker(pytest.mark.xdist_group("demo" if uses_demo else item.nodeid.split("::")[0]))
