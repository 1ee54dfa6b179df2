"""Correcting an event already sent, in a real browser (Chromium, 360x640): online, offline through
the outbox (sent once when the connection is back), and the choice after a conflict (the record
changed on the server between opening the form and sending it): keep mine, keep the server's."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from negotiators.models import OutreachEvent
from negotiators.services import event_correct, event_log
from tests.field.test_browser import log_in, negotiator, shot  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def event(negotiator, community):  # noqa: F811 - the fixture imported above
    return event_log(
        actor=negotiator,
        community=community,
        kind="round_table",
        title="Круглий стіл про освітлення",
        date=timezone.localdate(),
        topic="police_community",
        participants_total=12,
        participants_women=7,
        participants_men=5,
        place="Будинок культури",
    )


def open_correction(page: Page, live_server, event) -> None:
    page.goto(f"{live_server.url}/field/events/{event.pk}/")
    expect(page.locator("[data-correct]")).to_have_text("Correct this event")
    expect(page.locator("p.correct")).to_contain_text("until")
    page.click("[data-correct]")
    page.wait_for_url(f"{live_server.url}/field/events/{event.pk}/edit/")
    expect(page.locator("#id_participants_total")).to_have_value("12")
    assert page.input_value("#id_date") == event.date.isoformat()


def corrections(event) -> int:
    return event.history.filter(history_type="~").count()


def test_a_sent_event_is_corrected_online(phone, live_server, event):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    open_correction(page, live_server, event)
    expect(page.locator("[data-edit-until]")).to_contain_text("You can correct it until")
    shot(page, "event-correct")
    page.fill("#id_participants_total", "25")
    page.fill("#id_participants_women", "13")
    page.click("form[data-queue] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/field/events/{event.pk}/")
    expect(page.locator("[data-status]")).to_contain_text("corrected")
    expect(page.locator("dl.facts")).to_contain_text("25")
    event.refresh_from_db()
    assert (event.participants_total, event.participants_women) == (25, 13)
    assert corrections(event) == 1
    assert event.history.first().history_change_reason == "field app"


def test_a_correction_made_offline_is_sent_once_when_back_online(phone, live_server, event):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    open_correction(page, live_server, event)
    phone.set_offline(True)
    page.fill("#id_participants_total", "30")
    page.fill("#id_participants_men", "6")
    page.click("form[data-queue] button[type=submit]")
    expect(page.locator("[data-outbox]")).to_have_text("1 waiting to send")
    expect(page.locator("[data-status]")).to_contain_text("Saved on this phone")
    event.refresh_from_db()
    assert event.participants_total == 12
    phone.set_offline(False)
    expect(page.locator("[data-outbox]")).to_be_hidden()
    expect(page.locator("[data-status]")).to_contain_text("Sent: Outreach event: Круглий стіл про освітлення")
    page.reload()
    page.wait_for_load_state("networkidle")
    event.refresh_from_db()
    assert (event.participants_total, event.participants_men) == (30, 6)
    assert corrections(event) == 1
    assert OutreachEvent.objects.count() == 1


def test_a_conflict_shows_both_versions_and_each_choice_does_what_it_says(phone, live_server, event, staff_user):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    open_correction(page, live_server, event)
    box = page.locator("[data-conflict]")
    expect(box).to_be_hidden()

    # Staff change it on the server while the form is open: keep the server's.
    event_correct(event=event, actor=staff_user, changes={"participants_total": 40})
    page.fill("#id_participants_total", "25")
    page.click("form[data-queue] button[type=submit]")
    expect(box).to_be_visible()
    expect(page.locator("[data-form-message]")).to_contain_text("changed by someone else")
    row = box.locator('tr[data-conflict-field="participants_total"]')
    expect(row.locator("td").nth(0)).to_have_text("25")
    expect(row.locator("td").nth(1)).to_have_text("40")
    shot(page, "event-correct-conflict")
    page.click('[data-conflict] [data-keep="server"]')
    expect(page.locator("#id_participants_total")).to_have_value("40")
    expect(box).to_be_hidden()
    event.refresh_from_db()
    assert event.participants_total == 40

    # Again, and this time keep mine: sent with the server's version under a new key.
    event_correct(event=event, actor=staff_user, changes={"participants_total": 41})
    page.fill("#id_participants_total", "26")
    page.click("form[data-queue] button[type=submit]")
    expect(box).to_be_visible()
    expect(box.locator('tr[data-conflict-field="participants_total"] td').nth(1)).to_have_text("41")
    page.click('[data-conflict] [data-keep="mine"]')
    page.wait_for_url(f"{live_server.url}/field/events/{event.pk}/")
    event.refresh_from_db()
    assert event.participants_total == 26
    assert corrections(event) == 3  # staff twice, then the negotiator's once
    assert event.history.first().history_user.username == "olena"


def test_a_correction_kept_offline_that_meets_a_conflict_opens_with_the_choice(phone, live_server, event, staff_user):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    open_correction(page, live_server, event)
    phone.set_offline(True)
    page.fill("#id_participants_total", "27")
    page.click("form[data-queue] button[type=submit]")
    expect(page.locator("[data-outbox]")).to_have_text("1 waiting to send")
    event_correct(event=event, actor=staff_user, changes={"participants_total": 50})

    phone.set_offline(False)
    refused = page.locator("[data-refused]")
    expect(refused).to_contain_text("changed by someone else")
    expect(page.locator("[data-outbox]")).to_have_text("1 not accepted: open to fix")
    refused.locator("a").click()
    box = page.locator("[data-conflict]")
    expect(box).to_be_visible()
    row = box.locator('tr[data-conflict-field="participants_total"] td')
    expect(row.nth(0)).to_have_text("27")
    expect(row.nth(1)).to_have_text("50")
    page.click('[data-conflict] [data-keep="mine"]')
    page.wait_for_url(f"{live_server.url}/field/events/{event.pk}/")
    expect(page.locator("[data-outbox]")).to_be_hidden()
    event.refresh_from_db()
    assert event.participants_total == 27
    assert corrections(event) == 2  # the staff's, then the negotiator's once
