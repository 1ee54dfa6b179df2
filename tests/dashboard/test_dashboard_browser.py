"""The dashboard and the map page in Debian's Chromium (issue 18, items 1 and 3): on a 1366x768
laptop and a 360x640 phone they fit the window, axe-core finds no critical or serious violation,
and a change of the filter shows the new figures without reloading the page (the page works
without JavaScript too: the filter is a plain GET form).

Screenshots land in test-artifacts/screenshots/ (ignored by git).
"""

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from access.roles import Role
from incidents.models import Severity
from tests.browser_support import session_cookie, wait_until_true, wider_than_window
from tests.communities.factories import CommunityFactory, SafetyAssessmentFactory, UserFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory
from tools import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 360, "height": 640}}
KYIV = ZoneInfo("Europe/Kyiv")
# Three communities of Khmelnytskyi oblast, at their own places on the map.
PLACES = [
    ("Хмельницька міська територіальна громада", "49.42", "26.99"),
    ("Кам'янець-Подільська міська територіальна громада", "48.68", "26.58"),
    ("Шепетівська міська територіальна громада", "50.18", "27.06"),
]


@pytest.fixture
def communities():
    made = []
    for index, (name, latitude, longitude) in enumerate(PLACES):
        community = CommunityFactory(name=name, latitude=Decimal(latitude), longitude=Decimal(longitude))
        for year in (2024, 2025):
            for month in (3, 10):
                day = date(year, month, 5 + index)
                OutreachEventFactory(community=community, date=day, participants_total=15 + index)
            SafetyAssessmentFactory(community=community, year=year, half=1, assessed_on=date(year, 5, 10))
        IncidentFactory(
            community=community,
            severity=Severity.CRITICAL,
            occurred_at=datetime(2025, 6, 2 + index, 10, tzinfo=KYIV),
            title=f"Сутичка біля школи {index + 1}",
        )
        made.append(community)
    return made


def test_the_dashboard_and_the_map_fit_a_laptop_and_a_phone(browser, live_server, communities):
    manager = UserFactory(username="dashboard-browser-manager", role=Role.PROGRAMME_MANAGER)
    cookie = session_cookie(live_server, manager)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, locale="uk-UA")
        context.set_default_timeout(20_000)
        context.add_cookies([cookie])
        page = context.new_page()
        try:
            for page_name, path in (("dashboard", "/"), ("map", "/map/")):
                response = page.goto(live_server.url + path)
                assert response is not None
                assert response.status == 200
                assert page.locator(".map-figure .chart > svg").count() == 1
                if page_name == "dashboard":
                    assert page.locator(".chart-card .chart > svg").count() == 5
                    assert page.get_by_text("Сутичка біля школи 3").count() == 1
                page.screenshot(path=str(SCREENSHOTS / f"{page_name}-{name}.png"), full_page=True)
                wider = wider_than_window(page)
                assert wider <= 0, f"{page_name} on the {name}: {wider} px wider than the window"
                assert axe.violations(page) == [], f"{page_name} on the {name}"
        finally:
            context.close()


def test_a_change_of_the_filter_shows_the_new_figures_without_a_reload(browser, live_server, communities):
    manager = UserFactory(username="dashboard-browser-filter", role=Role.PROGRAMME_MANAGER)
    context = browser.new_context(viewport=VIEWPORTS["laptop"], locale="uk-UA")
    context.set_default_timeout(20_000)
    context.add_cookies([session_cookie(live_server, manager)])
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert page.locator("#id_period").input_value() == "2025"
        page.evaluate("window.stillTheSamePage = true")
        page.select_option("#id_community", str(communities[0].pk))
        page.wait_for_url(re.compile(rf"community={communities[0].pk}"))
        wait_until_true(page, "!document.getElementById('dashboard-main').hasAttribute('aria-busy')")
        assert page.evaluate("window.stillTheSamePage === true")
        assert page.get_by_text("Сутичка біля школи 1").count() == 1
        assert page.get_by_text("Сутичка біля школи 2").count() == 0
        # The map's own page opens with the same choice.
        page.click(".map-choice a")
        page.wait_for_url(re.compile(r"/map/\?.*community="))
        assert page.locator(".map-figure .chart > svg").count() == 1
    finally:
        context.close()
