"""The password pages on the field app's phone (Debian's Chromium, 360x640): a negotiator goes from
the field app's home to the change page, meets the policy, changes the password, and no page
scrolls sideways."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.communities.factories import UserFactory
from tools import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
NEW_PASSWORD = "vyshyvanka on a windy hill"


@pytest.fixture
def phone(monkeypatch):
    if not chromium.installed():
        pytest.fail(f"{chromium.CHROMIUM_PATH} is missing: apt-get install chromium (make test does it)")
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium.launch_options())
        context = browser.new_context(**chromium.PHONE, locale="en-GB")
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def assert_fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_negotiator_changes_the_password_from_the_field_app_on_a_phone(phone, live_server, negotiator_user):
    page = phone
    page.goto(f"{live_server.url}/field/login/")
    assert_fits_the_phone(page)
    page.fill("#id_username", "negotiator-user")
    page.fill("#id_password", "secret-password")
    page.click("button[type=submit]")
    page.wait_for_url("**/field/")

    page.click("text=Change your password")
    page.wait_for_url("**/accounts/password/change/")
    page.fill("#id_old_password", "secret-password")
    page.fill("#id_new_password1", "qwerty-2024")
    page.fill("#id_new_password2", "qwerty-2024")
    page.click(".account-form button[type=submit]")
    assert page.locator(".error", has_text="keyboard pattern").is_visible()
    assert_fits_the_phone(page)
    page.screenshot(path=str(SCREENSHOTS / "accounts-password-change.png"), full_page=True)

    page.fill("#id_old_password", "secret-password")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click(".account-form button[type=submit]")
    page.wait_for_url("**/accounts/password/change/done/")
    assert_fits_the_phone(page)
    negotiator_user.refresh_from_db()
    assert negotiator_user.check_password(NEW_PASSWORD)


def test_the_reset_pages_fit_a_phone(phone, live_server, db):
    UserFactory(username="olena", email="olena@example.org")
    page = phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Forgot your password?")
    page.wait_for_url("**/accounts/password/reset/")
    assert_fits_the_phone(page)
    page.fill("#id_email", "olena@example.org")
    page.click(".account-form button[type=submit]")
    page.wait_for_url("**/accounts/password/reset/done/")
    assert_fits_the_phone(page)
    page.screenshot(path=str(SCREENSHOTS / "accounts-password-reset-done.png"), full_page=True)
