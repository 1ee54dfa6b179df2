"""A community profile in Debian's Chromium (issue 18, item 2): on a 1366x768 laptop and a 360x640
phone it fits the window, axe-core finds no critical or serious violation, and printed it drops
the navigation and keeps its charts.

Screenshots land in test-artifacts/screenshots/ (ignored by git).
"""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from access.roles import Role
from communities.models import Engagement, EngagementMode, Topic
from incidents.models import IncidentStatus
from tests.browser_support import session_cookie, wider_than_window
from tests.communities.factories import (
    CommunityFactory,
    PartnershipFactory,
    SafetyAssessmentFactory,
    UserFactory,
)
from tests.communities.factories import test_programme as shared_programme
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory
from tools import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 360, "height": 640}}
KYIV = ZoneInfo("Europe/Kyiv")


@pytest.fixture
def community():
    """A community with two years of history in every section of its profile."""
    community = CommunityFactory(name="Старокостянтинівська міська територіальна громада")
    PartnershipFactory(community=community, joined_on=date(2023, 1, 1))
    NegotiatorFactory.create_batch(2, community=community)
    for year in (2024, 2025):
        for month in (3, 9):
            OutreachEventFactory(community=community, date=date(year, month, 12), participants_total=20 + month)
            IncidentFactory(
                community=community,
                occurred_at=datetime(year, month, 2, 10, tzinfo=KYIV),
                status=IncidentStatus.RESOLVED,
                closed_at=datetime(year, month, 20, 10, tzinfo=KYIV),
            )
        SafetyAssessmentFactory(
            community=community, year=year, half=1, assessed_on=date(year, 5, 10), cohesion=Decimal(year - 2021)
        )
    Engagement.objects.create(
        community=community,
        mode=EngagementMode.ACUTE,
        topic=Topic.NEIGHBOURLY_COEXISTENCE,
        starts_on=date(2025, 2, 1),
        ends_on=date(2025, 4, 1),
        line_communication=True,
        programme=shared_programme(),
    )
    return community


def test_the_profile_fits_a_laptop_and_a_phone_and_prints_without_navigation(browser, live_server, community):
    manager = UserFactory(username="profile-browser-manager", role=Role.PROGRAMME_MANAGER)
    cookie = session_cookie(live_server, manager)
    url = live_server.url + reverse("dashboard:community", args=[community.pk])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, locale="uk-UA")
        context.set_default_timeout(20_000)
        context.add_cookies([cookie])
        page = context.new_page()
        try:
            response = page.goto(url)
            assert response is not None
            assert response.status == 200
            assert page.locator("figure.chart svg").count() >= 3
            page.screenshot(path=str(SCREENSHOTS / f"profile-{name}.png"), full_page=True)
            wider = wider_than_window(page)
            assert wider <= 0, f"{name}: the page is {wider} px wider than the window"
            assert axe.violations(page) == []
            if name == "laptop":
                page.emulate_media(media="print")
                assert not page.locator("header.topbar").is_visible()
                assert page.locator("figure.chart svg").first.is_visible()
                page.screenshot(path=str(SCREENSHOTS / "profile-print.png"), full_page=True)
        finally:
            context.close()
