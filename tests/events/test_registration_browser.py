"""The public registration page on a 360x640 phone screen, in Debian's Chromium driven by
Playwright (issue 16, item 2): a visitor fills the form in, sends it and sees the confirmation,
which arrives by mail; with JavaScript off too. The page fits the screen and axe-core finds no
critical or serious violation.

Screenshots land in test-artifacts/screenshots/ (ignored by git).
"""

import re
import time
from pathlib import Path

import pytest

from events.models import ConsentText, Registration, RegistrationStatus
from tests.communities.factories import CommunityFactory
from tests.events.registration_support import MEETING_LINK, planned_webinar
from tools import axe, chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# The form's time check refuses what is sent sooner than this after the page was rendered.
HUMAN_SECONDS = 3.2


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_register_on_a_phone(browser, live_server, smtp_server, javascript):
    # A transactional test empties the tables afterwards, the migration's consent text among them.
    ConsentText.objects.get_or_create(version=1, language="uk", defaults={"text": "Я погоджуюся на обробку даних."})
    event = planned_webinar()
    community = CommunityFactory(name="Славутицька громада")
    event.audience_communities.add(community)
    context = browser.new_context(**chromium.PHONE, locale="uk-UA", java_script_enabled=javascript)
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/e/{event.slug}/")
        rendered = time.monotonic()
        assert event.title in page.content()
        assert MEETING_LINK not in page.content()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
        if javascript:
            # The optional script adds the start in the browser's own zone.
            assert page.locator("#local-time").is_visible()
            assert axe.violations(page) == []
        page.fill("#id_full_name", "Марія Шевченко")
        page.fill("#id_email", "maria@example.org")
        page.fill("#id_organisation", "Славутицька міська рада")
        page.select_option("#id_role", "local_government")
        page.fill("#id_community", f"Славутицька громада ({community.region.name})")
        page.fill("#id_question", "Як залучити ВПО до ради громади?")
        page.check("#id_consent")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"event-register-{'js' if javascript else 'nojs'}.png"), full_page=True)
        page.wait_for_timeout(max(0, (HUMAN_SECONDS - (time.monotonic() - rendered)) * 1000))
        page.click("form.register button[type=submit]")
        page.wait_for_load_state()
        errors = page.locator(".error").all_inner_texts()
        assert errors == [], errors
        page.wait_for_url(re.compile(r"/done/registered/(#register)?$"))
        assert page.locator("[role=status]").is_visible()
        assert "Славутицька" not in page.locator("[role=status]").inner_text()
    finally:
        context.close()

    registration = Registration.objects.get(event=event)
    assert registration.status == RegistrationStatus.REGISTERED
    assert registration.language == "uk"
    assert registration.community == community
    (received,) = smtp_server.received
    assert received.rcpt_tos == ["maria@example.org"]
    assert "event.ics" in {part.get_filename() for part in received.message.iter_attachments()}
