"""A Chromium for the browser tests outside the field app (which has pytest-playwright's own): a
pytest plugin (``tests/conftest.py``) whose ``browser`` fixture any test module may take."""

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, sync_playwright

from tests.accounts.support import verified_login
from tools import chromium


@contextmanager
def launched_chromium(*extra_args: str) -> Iterator[Browser]:
    """Debian's Chromium, launched with the shared settings (``tools.chromium``) and ``extra_args``.

    Playwright's sync API runs an event loop in the test's thread, so Django's guard against
    database queries from async code is lifted while the browser is open."""
    if not chromium.installed():
        pytest.fail(f"{chromium.CHROMIUM_PATH} is missing: apt-get install chromium (make test does it)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**chromium.launch_options(*extra_args))
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module, with the shared settings."""
    with launched_chromium() as browser:
        yield browser


def session_cookie(live_server, user) -> dict[str, str]:
    """A signed-in session of ``user`` (with its second factor) for the browser."""
    client = Client()
    verified_login(client, user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def wider_than_window(page) -> int:
    """How far the page scrolls sideways (0 when it fits its window)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def wait_until(page, check: Callable[[], object], timeout: float = 20, what: str = "") -> None:
    """Wait until ``check()`` is true, letting Playwright handle the page's events meanwhile."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s: {what or check}")
        page.wait_for_timeout(100)


def wait_until_true(page, expression: str, timeout: float = 20) -> None:
    """Wait until the page's JavaScript ``expression`` is true.

    Not Playwright's ``wait_for_function``: its polls after the first ``eval`` the expression in the
    page, which the portal's policy refuses (no 'unsafe-eval'), so it fails whenever the first poll
    is false. ``page.evaluate`` goes through DevTools, outside the page's policy."""
    wait_until(page, lambda: page.evaluate(expression), timeout, expression)
