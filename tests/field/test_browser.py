"""The field app in a real browser: Debian's Chromium, driven by Playwright, on a 360x640 touch
screen, against a live server of the portal. Covers logging online and offline, exactly-once
delivery of the outbox, forms that keep what was typed, and the community scope.

Screenshots of the main pages land in test-artifacts/screenshots/ (ignored by git).
"""

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from access.roles import Role
from incidents.models import ActionKind, Incident, IncidentStatus
from negotiators.models import OutreachEvent
from tests.accounts.support import second_factor_of, totp_code
from tests.browser_support import wait_until
from tests.communities.factories import CommunityFactory, UserFactory
from tests.field.conftest import PHONE, new_phone
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory
from tools import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "secret-password"


@pytest.fixture
def negotiator(community):
    user = UserFactory(username="olena", first_name="Олена", last_name="Коваль", role=Role.NEGOTIATOR)
    NegotiatorFactory(community=community, user=user)
    return user


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/field/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[data-login-form] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/field/")


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def wait_until_kept_offline(page: Page, *paths: str, timeout: float = 45) -> None:
    """Wait until the service worker controls the page and keeps ``paths`` in its cache."""
    script = """async (paths) => {
        if (!navigator.serviceWorker.controller) return false;
        for (const path of paths) {
            if (!(await caches.match(path, {ignoreVary: true}))) return false;
        }
        return true;
    }"""
    started = time.monotonic()
    reloaded = False
    while not page.evaluate(script, list(paths)):
        waited = time.monotonic() - started
        if waited > timeout:
            state = page.evaluate(
                "async () => ({controller: !!navigator.serviceWorker.controller,"
                " kept: await caches.keys().then(async (names) => Promise.all(names.map(async (name) =>"
                " (await (await caches.open(name)).keys()).map((request) => request.url))))})"
            )
            raise AssertionError(f"the service worker did not keep {paths}: {state}")
        if waited > timeout / 2 and not reloaded:
            # As a person would open another page: each page load asks the worker to keep them again.
            page.reload()
            reloaded = True
        time.sleep(0.2)


def unfold(page: Page) -> None:
    """Opens every folded section of the form, as a person filling them all would."""
    page.locator("form[data-queue] details").evaluate_all("(all) => all.forEach((d) => { d.open = true; })")


def fill_event(page: Page, *, title: str, total: str = "12", women: str = "7", men: str = "5") -> None:
    unfold(page)
    page.select_option("#id_kind", "round_table")
    page.fill("#id_place", "Будинок культури")
    page.select_option("#id_topic", "police_community")
    page.fill("#id_participants_total", total)
    page.fill("#id_participants_women", women)
    page.fill("#id_participants_men", men)
    page.fill("#id_participants_youth", "3")
    page.check("#id_police_present")
    page.check("#id_local_government_present")
    page.fill("#id_title", title)
    page.fill("#id_summary", "Поговорили про освітлення вулиць.")


def keep_an_event_offline(page: Page, context, live_server, **event) -> None:
    """Signed in with the pages kept for offline use, the network off: an event logged waits on the phone."""
    log_in(page, live_server, "olena")
    wait_until_kept_offline(page, "/field/", "/field/events/new/")
    context.set_offline(True)
    page.goto(f"{live_server.url}/field/events/new/")
    fill_event(page, **event)
    page.click("form[data-queue] button[type=submit]")
    expect(page.locator("[data-outbox]")).to_have_text("1 waiting to send")


def test_a_negotiator_logs_an_event_and_sees_it_at_home_and_staff_see_it_in_the_admin(
    browser, phone, live_server, negotiator, community, staff_user
):
    page = phone.new_page()
    page.goto(f"{live_server.url}/field/")
    expect(page).to_have_url(re.compile(r"/field/login/"))
    shot(page, "login")
    log_in(page, live_server, "olena")
    page.click('a[href="/field/events/new/"]')
    shot(page, "event-form")
    fill_event(page, title="Круглий стіл з поліцією")
    page.click("form[data-queue] button[type=submit]")
    page.wait_for_url(re.compile(r"/field/events/\d+/$"))
    expect(page.locator("[data-status]")).to_contain_text("Event “Круглий стіл з поліцією” logged.")
    shot(page, "event-detail")

    event = OutreachEvent.objects.get()
    assert (event.community, event.created_by, event.participants_total) == (community, negotiator, 12)
    assert (event.participants_women, event.participants_men, event.participants_youth) == (7, 5, 3)
    assert (event.police_present, event.local_government_present, event.ngos_present) == (True, True, False)

    page.click('a[href="/field/"].button')
    expect(page.locator("main")).to_contain_text("Events I logged")
    expect(page.locator("main")).to_contain_text("Круглий стіл з поліцією")
    shot(page, "home")

    device = second_factor_of(staff_user)
    office = new_phone(browser)
    try:
        admin = office.new_page()
        admin.goto(f"{live_server.url}/admin/login/?next=/admin/negotiators/outreachevent/")
        admin.fill("#id_username", staff_user.username)
        admin.fill("#id_password", PASSWORD)
        admin.click("input[type=submit]")
        # Staff give their second factor after the password: a code from their authenticator app.
        admin.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
        admin.fill("#id_code", totp_code(device))
        admin.click("main form button[type=submit]")
        admin.wait_for_url(re.compile(r"/admin/negotiators/outreachevent/$"))
        expect(admin.locator("#result_list")).to_contain_text("Круглий стіл з поліцією")
        shot(admin, "admin-events")
    finally:
        office.close()


def test_a_negotiator_reports_an_incident_and_resolves_it_with_an_action(phone, live_server, negotiator):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    page.click('a[href="/field/incidents/new/"]')
    page.select_option("#id_category", "youth")
    page.check("#id_severity_2")
    page.fill("#id_location", "Парк біля школи")
    page.fill("#id_description", "Підлітки пошкодили лавки.")
    page.click("details:has(#id_party-0-full_name) summary")
    page.fill("#id_party-0-full_name", "Іваненко Петро")
    page.select_option("#id_party-0-role", "respondent")
    page.check("#id_party-0-is_minor")
    shot(page, "incident-form")
    page.click("form[data-queue] button[type=submit]")
    page.wait_for_url(re.compile(r"/field/incidents/\d+/$"))
    incident = Incident.objects.get()
    assert (incident.category, incident.severity, incident.status) == ("youth", 3, IncidentStatus.REPORTED)
    assert incident.parties.get().is_minor is True

    # Only the moves the workflow allows; how the negotiator responds is asked only for "in progress".
    expect(page.locator('[name="status-to_status"]')).to_have_count(2)
    expect(page.locator("#id_status-response_mode")).to_be_hidden()
    page.check('[name="status-to_status"][value="in_progress"]')
    expect(page.locator("#id_status-response_mode")).to_be_visible()
    page.select_option("#id_status-response_mode", "mediation")
    page.fill("#id_status-note", "Домовилися про зустріч з батьками.")
    page.click('form[action$="/status/"] button[type=submit]')
    expect(page.locator("[data-status]")).to_contain_text("The case is now “In progress”.")

    page.select_option("#id_action-kind", "mediation_meeting")
    page.fill("#id_action-description", "Зустріч батьків, школи й поліції.")
    page.click('form[action$="/actions/"] button[type=submit]')
    expect(page.locator("[data-status]")).to_contain_text("added to the case")

    page.check('[name="status-to_status"][value="resolved"]')
    page.fill("#id_status-note", "Лавки полагодили разом.")
    page.click('form[action$="/status/"] button[type=submit]')
    expect(page.locator("[data-status]")).to_contain_text("The case is now “Resolved”.")
    expect(page.locator(".log")).to_contain_text("Mediation meeting")
    shot(page, "incident-page")

    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.closed_at is not None
    assert list(incident.actions.order_by("id").values_list("kind", flat=True)) == [
        ActionKind.REPORTED,
        ActionKind.STATUS_CHANGE,
        ActionKind.MEDIATION_MEETING,
        ActionKind.STATUS_CHANGE,
    ]


@pytest.mark.parametrize("reload", ["no reload", "reload offline", "reload on reconnecting"])
def test_an_event_logged_offline_is_kept_and_arrives_once_when_back_online(phone, live_server, negotiator, reload):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    wait_until_kept_offline(page, "/field/", "/field/events/new/", "/field/incidents/new/")

    phone.set_offline(True)
    page.goto(f"{live_server.url}/field/events/new/")  # from the service worker's copy
    expect(page.locator("[data-offline]")).to_be_visible()
    fill_event(page, title="Зустріч без зв'язку")
    page.click("form[data-queue] button[type=submit]")
    badge = page.locator("[data-outbox]")
    expect(badge).to_have_text("1 waiting to send")
    expect(page.locator("[data-status]")).to_contain_text("Saved on this phone")
    assert page.input_value("#id_title") == ""  # ready for the next one
    shot(page, "event-kept-offline")
    if reload == "reload offline":
        page.reload()
        expect(badge).to_have_text("1 waiting to send")
        page.goto(f"{live_server.url}/field/")
        expect(page.locator("[data-outbox-list]")).to_contain_text("Зустріч без зв'язку")
        shot(page, "home-offline")
    assert not OutreachEvent.objects.exists()

    phone.set_offline(False)
    if reload == "reload on reconnecting":
        page.reload()  # the `online` handler and the new page's load both try to send it
        # Whichever page sent it said so: the page left may have shown it just before the reload.
        wait_until(page, OutreachEvent.objects.exists, what="the event reached the portal")
        expect(badge).to_be_hidden()
        page.goto(f"{live_server.url}/field/")
        expect(page.locator("main")).to_contain_text("Зустріч без зв'язку")
    else:
        expect(badge).to_be_hidden()
        expect(page.locator("[data-status]")).to_contain_text("Sent: Outreach event: Зустріч без зв'язку")
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(badge).to_be_hidden()
    assert OutreachEvent.objects.filter(title="Зустріч без зв'язку").count() == 1
    assert OutreachEvent.objects.count() == 1


def test_what_a_page_sent_but_could_not_show_is_shown_by_the_next_page(phone, live_server, negotiator):
    page = phone.new_page()
    keep_an_event_offline(page, phone, live_server, title="Сказано на наступній сторінці")
    # The page is being left as the connection returns: it has nowhere left to say what it sent.
    page.evaluate("() => document.querySelector('[data-status]').remove()")
    phone.set_offline(False)
    expect(page.locator("[data-outbox]")).to_be_hidden()
    assert OutreachEvent.objects.get().title == "Сказано на наступній сторінці"

    page.goto(f"{live_server.url}/field/")
    expect(page.locator("[data-status]")).to_contain_text("Sent: Outreach event: Сказано на наступній сторінці")
    page.reload()
    expect(page.locator("[data-status]")).not_to_contain_text("Sent")  # said once


def test_an_event_kept_offline_survives_closing_the_browser(playwright, live_server, negotiator, tmp_path):
    def open_phone():
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), **chromium.launch_options(), **PHONE
        )
        context.set_default_timeout(20_000)
        return context

    context = open_phone()
    page = context.pages[0] if context.pages else context.new_page()
    keep_an_event_offline(page, context, live_server, title="Пережила перезапуск")
    context.close()  # the phone's browser is closed (or killed) with the entry still waiting
    assert not OutreachEvent.objects.exists()

    context = open_phone()
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"{live_server.url}/field/")
        expect(page.locator("[data-status]")).to_contain_text("Sent: Outreach event: Пережила перезапуск")
        assert OutreachEvent.objects.get().title == "Пережила перезапуск"
    finally:
        context.close()


def test_a_submission_whose_answer_was_lost_is_retried_and_creates_one_event(browser, live_server, negotiator):
    # Without the service worker, so that Playwright sees (and can cut) the page's own request.
    context = new_phone(browser, service_workers="block")
    try:
        page = context.new_page()
        log_in(page, live_server, "olena")
        page.goto(f"{live_server.url}/field/events/new/")

        def reaches_the_server_but_the_answer_is_lost(route):
            route.fetch()
            route.abort("connectionreset")

        page.route("**/field/events/new/", reaches_the_server_but_the_answer_is_lost)
        fill_event(page, title="Відповідь загубилася")
        page.click("form[data-queue] button[type=submit]")
        expect(page.locator("[data-outbox]")).to_have_text("1 waiting to send")
        assert OutreachEvent.objects.count() == 1  # the server did write it
        page.unroute("**/field/events/new/")

        page.goto(f"{live_server.url}/field/")  # every page load sends what waits
        expect(page.locator("[data-status]")).to_contain_text("Sent: Outreach event: Відповідь загубилася")
        expect(page.locator("[data-outbox]")).to_be_hidden()
        assert OutreachEvent.objects.count() == 1
    finally:
        context.close()


def test_a_page_closed_while_its_submission_is_on_the_way_loses_nothing(browser, live_server, negotiator):
    context = new_phone(browser, service_workers="block")
    try:
        page = context.new_page()
        log_in(page, live_server, "olena")
        page.goto(f"{live_server.url}/field/events/new/")

        def reaches_the_server_but_the_answer_never_comes(route):
            route.fetch()  # and no answer: the phone is put away, the tab closed

        page.route("**/field/events/new/", reaches_the_server_but_the_answer_never_comes)
        fill_event(page, title="Вкладку закрили")
        page.click("form[data-queue] button[type=submit]")
        deadline = time.monotonic() + 20
        while not OutreachEvent.objects.exists():
            assert time.monotonic() < deadline, "the submission never reached the server"
            page.wait_for_timeout(200)  # not time.sleep: Playwright runs the route handler meanwhile
        page.close()

        page = context.new_page()
        page.goto(f"{live_server.url}/field/")  # the entry was kept before it was sent
        expect(page.locator("[data-status]")).to_contain_text("Sent: Outreach event: Вкладку закрили")
        expect(page.locator("[data-outbox]")).to_be_hidden()
        assert OutreachEvent.objects.get().title == "Вкладку закрили"
    finally:
        context.close()


def test_a_double_tap_creates_one_event(phone, live_server, negotiator):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    page.goto(f"{live_server.url}/field/events/new/")
    fill_event(page, title="Подвійне натискання")
    page.evaluate(
        "() => { const form = document.querySelector('form[data-queue]'); form.requestSubmit(); form.requestSubmit(); }"
    )
    page.wait_for_url(re.compile(r"/field/events/\d+/$"))
    page.wait_for_load_state("networkidle")
    assert OutreachEvent.objects.count() == 1


def test_a_validation_error_keeps_everything_typed_and_shows_the_error_at_its_field(phone, live_server, negotiator):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    page.goto(f"{live_server.url}/field/events/new/")
    fill_event(page, title="Забагато людей", total="10", women="8", men="5")
    page.click("form[data-queue] button[type=submit]")
    error = page.locator('[data-field="participants_men"] .error')
    expect(error).to_have_text("Women and men together cannot exceed the total (10).")
    shot(page, "event-validation-error")
    assert page.input_value("#id_title") == "Забагато людей"
    assert page.input_value("#id_place") == "Будинок культури"
    assert page.input_value("#id_participants_women") == "8"
    assert page.input_value("#id_summary") == "Поговорили про освітлення вулиць."
    assert page.is_checked("#id_police_present")
    assert not OutreachEvent.objects.exists()

    page.fill("#id_participants_men", "2")
    page.click("form[data-queue] button[type=submit]")
    page.wait_for_url(re.compile(r"/field/events/\d+/$"))
    assert OutreachEvent.objects.get().participants_men == 2


def test_an_entry_the_server_rejects_after_the_connection_returns_is_shown_fixed_and_resent(
    phone, live_server, negotiator
):
    page = phone.new_page()
    keep_an_event_offline(page, phone, live_server, title="Помилка в цифрах", total="10", women="8", men="5")
    page.goto(f"{live_server.url}/field/")
    phone.set_offline(False)

    entry = page.locator("[data-outbox-list] li")
    expect(entry).to_contain_text("Women and men together cannot exceed the total (10).")
    expect(page.locator("[data-outbox]")).to_have_text("1 not accepted: open to fix")
    shot(page, "home-entry-to-fix")
    entry.get_by_role("link", name="Open and fix").click()
    expect(page.locator('[data-field="participants_men"] .error')).to_contain_text("cannot exceed the total")
    assert page.input_value("#id_title") == "Помилка в цифрах"
    page.fill("#id_participants_men", "2")
    page.click("form[data-queue] button[type=submit]")
    page.wait_for_url(re.compile(r"/field/events/\d+/$"))
    expect(page.locator("[data-outbox]")).to_be_hidden()
    assert OutreachEvent.objects.get().participants_men == 2


def test_a_negotiator_logged_out_meanwhile_is_asked_to_log_in_and_loses_nothing(phone, live_server, negotiator):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    page.goto(f"{live_server.url}/field/events/new/")
    phone.clear_cookies(name="sessionid")  # the session expired while the form was open
    fill_event(page, title="Після виходу")
    page.click("form[data-queue] button[type=submit]")
    expect(page.locator("[data-status]")).to_contain_text("Log in again")
    expect(page.locator("[data-outbox]")).to_have_text("1 waiting to send")
    assert not OutreachEvent.objects.exists()

    page.locator("[data-status] a").click()
    page.fill("#id_username", "olena")
    page.fill("#id_password", PASSWORD)
    page.click("form[data-login-form] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/field/events/new/")
    expect(page.locator("[data-status]")).to_contain_text("Sent: Outreach event: Після виходу")
    expect(page.locator("[data-outbox]")).to_be_hidden()
    assert OutreachEvent.objects.get().title == "Після виходу"


def test_a_negotiator_cannot_open_a_record_of_another_community(phone, live_server, negotiator):
    elsewhere = CommunityFactory()
    incident = IncidentFactory(community=elsewhere, title="Чужий випадок")
    event = OutreachEventFactory(community=elsewhere, title="Чужа подія")
    page = phone.new_page()
    log_in(page, live_server, "olena")
    for path in (f"/field/incidents/{incident.pk}/", f"/field/events/{event.pk}/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404
        expect(page.locator("body")).not_to_contain_text("Чуж")
    page.goto(f"{live_server.url}/field/incidents/?closed=1")
    expect(page.locator("main")).not_to_contain_text("Чужий випадок")


def test_training_progress_and_the_language_switch(phone, live_server, negotiator):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    page.click('a[href="/field/training/"]')
    expect(page.locator("h1")).to_have_text("My training")
    shot(page, "training")
    page.click('footer button[value="uk"]')
    expect(page.locator("h1")).to_have_text("Моє навчання")
    expect(page.locator("html")).to_have_attribute("lang", "uk")


def test_a_kept_page_comes_again_only_when_it_changed_and_its_form_logs_a_new_event(
    phone, live_server, negotiator, community
):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    wait_until_kept_offline(page, "/field/", "/field/events/new/")
    answers: list[tuple[str, int]] = []  # what the service worker got from the server

    def answered(response) -> None:
        if response.request.service_worker:
            answers.append((response.url.removeprefix(live_server.url), response.status))

    phone.on("response", answered)

    # Unchanged: the server answers 304 and the page is the copy kept on the phone.
    page.goto(f"{live_server.url}/field/")
    expect(page.locator("main")).to_be_visible()
    assert ("/field/", 304) in answers

    # Changed: the new page comes, and is shown.
    OutreachEventFactory(community=community, title="Зустріч, додана з порталу", created_by=negotiator)
    answers.clear()
    page.goto(f"{live_server.url}/field/")
    expect(page.locator("main")).to_contain_text("Зустріч, додана з порталу")
    assert ("/field/", 200) in answers

    # A form served from its kept copy twice logs two events, not one replayed.
    for title in ("Перша з копії", "Друга з копії"):
        answers.clear()
        page.goto(f"{live_server.url}/field/events/new/")
        fill_event(page, title=title)
        page.click("form[data-queue] button[type=submit]")
        expect(page.locator("[data-status]")).to_contain_text(f"Event “{title}” logged.")
    assert ("/field/events/new/", 304) in answers
    assert set(OutreachEvent.objects.filter(title__endswith="з копії").values_list("title", flat=True)) == {
        "Перша з копії",
        "Друга з копії",
    }
