"""The report's page in Debian's Chromium (issue 17's "done when"): a programme manager writes the
executive summary and a case story, sends the report for review and finalises it, on a 1366x768
laptop; the page fits the window and axe-core finds no critical or serious violation.

Screenshots land in test-artifacts/screenshots/ (ignored by git).
"""

from pathlib import Path

import pytest
from django.urls import reverse

from access.roles import Role
from reports.models import ReportStage
from tests.browser_support import session_cookie, wider_than_window
from tests.communities.factories import UserFactory
from tests.reports.factories import done_report
from tools import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SUMMARY = "Incidents fell in most communities after the joint patrols started."


def test_a_manager_writes_the_analysis_and_finalises_the_report(browser, live_server, media_root):
    report = done_report(language="en")
    manager = UserFactory(username="report-browser-manager", role=Role.PROGRAMME_MANAGER)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    context.set_default_timeout(30_000)
    context.add_cookies([session_cookie(live_server, manager)])
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(live_server.url + reverse("reports:detail", args=[report.pk]))
        page.fill("textarea[name=executive_summary]", SUMMARY)
        page.get_by_role("button", name="Save the texts").click()
        page.wait_for_load_state()
        assert page.locator("textarea[name=executive_summary]").input_value() == SUMMARY

        page.fill("input[name=title]", "A bus stop made safe")
        page.fill("textarea[name=text]", "The negotiators and the police met the parents.")
        page.fill("textarea[name=quote]", "Now my daughter walks home without fear.")
        page.fill("input[name=quote_attribution]", "a mother from the community")
        page.get_by_role("button", name="Save the story").click()
        page.wait_for_load_state()
        assert page.get_by_text("A bus stop made safe").count() >= 1
        assert wider_than_window(page) <= 0
        assert axe.violations(page) == []

        page.get_by_role("button", name="Send for review").click()
        page.wait_for_load_state()
        page.check("input[name=confirm]")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Finalise the report").click()
        page.wait_for_load_state()
        page.screenshot(path=str(SCREENSHOTS / "report-final.png"), full_page=True)
        report.refresh_from_db()
        assert report.stage == ReportStage.FINAL
        assert report.number in page.locator("h1").inner_text()
        assert page.locator("textarea[name=executive_summary]").count() == 0  # locked
        assert SUMMARY in page.content()
    finally:
        context.close()
