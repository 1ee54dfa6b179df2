"""The real-browser tests' Chromium (Playwright) and the live server they drive."""

import os
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from playwright.sync_api import sync_playwright

from tools import chromium

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def playwright():
    if not chromium.installed():
        pytest.fail(f"{chromium.CHROMIUM_PATH} is missing: apt-get install chromium (make test does it)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous ones.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class RequestsInFlight:
    """Counts the requests the live server is answering. A test ends while its page or service
    worker may still be fetching (the pages kept for offline use, say): the database must not be
    emptied under a request still running, which on SQLite shares the test's own connection."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running = 0
        self.started = 0

    def start(self, **kwargs):
        with self.lock:
            self.running += 1
            self.started += 1

    def finish(self, **kwargs):
        with self.lock:
            self.running = max(0, self.running - 1)

    def wait_until_quiet(self, timeout: float = 30, quiet: float = 0.3) -> None:
        """Until no request has run or started for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                running, started = self.running, self.started
            if not running:
                time.sleep(quiet)
                with self.lock:
                    if not self.running and self.started == started:
                        return
            else:
                time.sleep(0.05)
        raise AssertionError(f"the live server still answers {self.running} request(s) after {timeout} s")


@pytest.fixture(autouse=True)
def _server_finishes_before_the_database_is_emptied(request):
    """Set up after the database fixture, so torn down before it: after each browser test's
    browser contexts are closed, wait for the live server to finish what they had asked."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    request.getfixturevalue("live_server")
    requests = RequestsInFlight()
    request_started.connect(requests.start)
    request_finished.connect(requests.finish)
    try:
        yield
        requests.wait_until_quiet()
    finally:
        request_started.disconnect(requests.start)
        request_finished.disconnect(requests.finish)


@pytest.fixture(scope="module")
def browser(playwright):
    browser = playwright.chromium.launch(**chromium.launch_options())
    yield browser
    browser.close()


# The field app's phone, in English so that tests read the messages they check.
PHONE = {**chromium.PHONE, "locale": "en-GB"}


def new_phone(browser, **options):
    context = browser.new_context(**PHONE, **options)
    context.set_default_timeout(20_000)
    return context


@pytest.fixture
def phone(browser):
    context = new_phone(browser)
    yield context
    context.close()
