"""No page breaks under the Content-Security-Policy: Chromium opens a portal page, the admin's
login, the field app and the API docs, uses what runs scripts there, and reports no CSP violation
(neither a ``securitypolicyviolation`` event nor a console message)."""

import re

import pytest
from playwright.sync_api import Page, expect

from access.roles import Role
from reports.models import MonitoringReport
from tests.accounts.support import second_factor_of, totp_code
from tests.browser_support import launched_chromium, wait_until_true
from tests.communities.factories import UserFactory
from tests.negotiators.factories import NegotiatorFactory
from tools import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-password"

# Every violation the page sees, kept where the test can read it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture(scope="module")
def browser():
    with launched_chromium(chromium.LOCALHOST_RULE) as browser:
        yield browser


class Watched:
    """A page whose console messages about the policy and whose violations are collected."""

    def __init__(self, context) -> None:
        self.console: list[str] = []
        self.page: Page = context.new_page()
        self.page.add_init_script(RECORD_VIOLATIONS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))

    def _console(self, message) -> None:
        text = message.text
        if message.type in ("error", "warning") and re.search(r"Content.Security.Policy|Permissions.Policy", text):
            self.console.append(text)

    def violations(self) -> list[str]:
        return [*self.console, *self.page.evaluate("window.__cspViolations || []")]


@pytest.fixture
def site(live_server):
    # "localhost" keeps the page a secure context over plain HTTP, as the service worker needs.
    return live_server.url.replace("127.0.0.1", "localhost")


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(20_000)
    yield context
    context.close()


def test_a_portal_page_runs_its_scripts_under_the_policy(context, site):
    device = second_factor_of(UserFactory(username="maria", role=Role.PROGRAMME_MANAGER))
    MonitoringReport.objects.create(kind="annual", year=2025, scope="programme", language="en")
    watched = Watched(context)
    page = watched.page
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", "maria")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    # A manager gives the second factor after the password (the verification page runs under it too).
    page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
    page.fill("#id_code", totp_code(device))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"{site}/reports/")
    expect(page.locator("#report-table")).to_be_visible()
    # The report table refreshes itself (static/reports/report_list.js) while a report is queued.
    with page.expect_request(re.compile(r"/reports/table/")):
        pass
    # The language menu (static/js/language_switch.js) sends its form on change.
    page.select_option("#language-select", "cs")
    expect(page.locator("html")).to_have_attribute("lang", "cs")
    assert watched.violations() == []


def test_the_admin_login_under_the_policy(context, site):
    watched = Watched(context)
    watched.page.goto(f"{site}/admin/login/")
    expect(watched.page.locator("#id_username")).to_be_visible()
    assert watched.violations() == []


def test_the_field_app_and_its_service_worker_under_the_policy(context, site, community):
    user = UserFactory(username="olena", role=Role.NEGOTIATOR)
    NegotiatorFactory(community=community, user=user)
    watched = Watched(context)
    page = watched.page
    page.goto(f"{site}/field/login/")
    page.fill("#id_username", "olena")
    page.fill("#id_password", PASSWORD)
    page.click("form[data-login-form] button[type=submit]")
    page.wait_for_url(f"{site}/field/")
    # The service worker registers and takes control (worker-src 'self').
    wait_until_true(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    assert watched.violations() == []


def test_the_api_docs_render_under_the_policy(context, site):
    watched = Watched(context)
    page = watched.page
    page.goto(f"{site}/api/v1/docs/")
    # Swagger UI's start-up script (served from ?script) loaded the schema and drew it.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Zlagoda API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert watched.violations() == []
