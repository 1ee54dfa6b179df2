"""The admin on a 1366x768 laptop screen, in Debian's Chromium driven by Playwright (issue 18,
item 4): the incident list shows its Status column without scrolling sideways, the incident and
community forms fit the window, the navigation sidebar starts collapsed, and axe-core finds no
critical or serious violation on the pages staff use.

Screenshots land in test-artifacts/screenshots/ (ignored by git).
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from access.roles import Role
from communities.services import partnership_start
from incidents.services import incident_report, incident_transition
from tests.accounts.support import second_factor_of, totp_code
from tests.communities.factories import CommunityFactory, UserFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory
from tools import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "secret-password"
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def records():
    """A case with parties, an action log and a changed status, in a community with two
    partnership periods: the widest forms staff open."""
    staff = UserFactory(username="admin-staff", first_name="Ірина", last_name="Бондар", role=Role.STAFF)
    community = CommunityFactory(name="Громада з довгою назвою для перевірки ширини")
    partnership_start(community=community, joined_on=timezone.localdate() - timedelta(days=400))
    negotiator = NegotiatorFactory(community=community)
    incident = incident_report(
        actor=staff,
        community=community,
        category="public_order",
        occurred_at=timezone.now() - timedelta(days=3),
        title="Суперечка щодо користування земельною ділянкою біля школи",
        negotiator=negotiator,
        parties=[
            {"role": "complainant", "full_name": "Оксана Петренко", "phone": "+380501234567"},
            {"role": "respondent", "full_name": "Іван Коваленко", "notes": "Сусід, живе поруч"},
        ],
    )
    incident_transition(incident=incident, to_status="in_progress", actor=staff, note="Зустріч призначено")
    OutreachEventFactory(community=community, title="Зустріч мешканців з представниками поліції та громади")
    return {"staff": staff, "incident": incident, "community": community}


@pytest.fixture
def page(browser, live_server, records):
    context = browser.new_context(viewport=LAPTOP, locale="uk-UA")
    context.set_default_timeout(20_000)
    page = context.new_page()
    device = second_factor_of(records["staff"])
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "admin-staff")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
    page.fill("#id_code", totp_code(device))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"admin-{name}.png"), full_page=True)


# How many pixels of a change list's table need a sideways scroll inside its box.
HIDDEN_IN_RESULTS = (
    "(() => { const box = document.querySelector('.results'); return box.scrollWidth - box.clientWidth; })()"
)


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def admin_pages(live_server, records) -> dict[str, str]:
    incident, community = records["incident"], records["community"]
    return {
        "incident-list": f"{live_server.url}/admin/incidents/incident/",
        "incident-form": f"{live_server.url}/admin/incidents/incident/{incident.pk}/change/",
        "community-form": f"{live_server.url}/admin/communities/community/{community.pk}/change/",
        "incident-history": f"{live_server.url}/admin/incidents/incident/{incident.pk}/history/",
    }


def test_the_admin_fits_a_1366_screen_with_the_sidebar_collapsed(page, live_server, records):
    pages = admin_pages(live_server, records)
    page.goto(pages["incident-list"])
    shot(page, "incident-list")
    assert page.locator("#nav-sidebar").get_attribute("aria-expanded") == "false"
    results = page.evaluate(
        "(() => { const box = document.querySelector('.results'); return box.scrollWidth - box.clientWidth; })()"
    )
    assert results <= 0, f"the incident list needs {results} px of sideways scroll"
    status = page.locator("th.column-status").bounding_box()
    assert status is not None
    assert status["x"] + status["width"] <= LAPTOP["width"]
    assert overflow(page) <= 0
    for name in ("incident-form", "community-form"):
        page.goto(pages[name])
        shot(page, name)
        assert overflow(page) <= 0, f"{name} is {overflow(page)} px wider than the window"
    # The other lists with bulk work: their results table fits its box (no sideways scroll in it).
    for path in ("communities/community", "negotiators/negotiator", "negotiators/outreachevent"):
        page.goto(f"{live_server.url}/admin/{path}/")
        hidden = page.evaluate(
            "(() => { const box = document.querySelector('.results'); return box.scrollWidth - box.clientWidth; })()"
        )
        assert hidden <= 0, f"{path}: {hidden} px of the list need a sideways scroll"


def test_axe_finds_no_critical_or_serious_violation_on_the_admin_pages(page, live_server, records):
    found = {}
    for name, url in admin_pages(live_server, records).items():
        page.goto(url)
        if name == "incident-history":
            shot(page, name)
        problems = axe.violations(page)
        if problems:
            found[name] = problems
    assert found == {}, "\n".join(f"{name}: {problem}" for name, problems in found.items() for problem in problems)
