"""Nothing personal left on a phone, in a real Chromium (as test_browser.py): a case with its
parties is never kept by the service worker, so with the session gone and no connection it cannot
be opened; logging out (online or offline) shows what still waits to be sent, lets the user send
or discard it, and leaves nothing of the session in the caches or the outbox; another user's
login on the phone erases what the one before kept."""

import re
import time
from typing import cast

import pytest
from playwright.sync_api import Page, expect

from access.roles import Role
from incidents.models import IncidentParty, PartyRole
from negotiators.models import OutreachEvent
from tests.communities.factories import UserFactory
from tests.field.conftest import new_phone
from tests.field.test_browser import PASSWORD, fill_event, keep_an_event_offline, log_in, shot
from tests.field.test_browser import wait_until_kept_offline as wait_until_kept
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTY = "Марія Бондар"
PARTY_PHONE = "+380501112233"

# Everything the caches hold: where, which login it was kept for, and the text of the pages.
CACHED = """async () => {
    const found = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            const response = await cache.match(request);
            const html = (response.headers.get("Content-Type") || "").startsWith("text/html");
            found.push({
                path: new URL(request.url).pathname + new URL(request.url).search,
                session: response.headers.get("X-Field-Session"),
                text: html ? await response.text() : "",
            });
        }
    }
    return found;
}"""

OUTBOX = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open("zlagoda-field", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("outbox", { keyPath: "id" });
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const request = open.result.transaction("outbox").objectStore("outbox").getAll();
        request.onsuccess = () => { open.result.close(); resolve(request.result); };
    };
})"""


@pytest.fixture
def negotiator(community):
    user = UserFactory(username="olena", first_name="Олена", last_name="Коваль", role=Role.NEGOTIATOR)
    NegotiatorFactory(community=community, user=user)
    return user


@pytest.fixture
def case(community):
    incident = IncidentFactory(community=community, title="Сварка біля магазину")
    IncidentParty.objects.create(incident=incident, role=PartyRole.COMPLAINANT, full_name=PARTY, phone=PARTY_PHONE)
    return incident


def cached(page: Page) -> list[dict]:
    return page.evaluate(CACHED)


def kept_pages(page: Page) -> list[dict]:
    """The field pages kept (the offline page and the static files hold nobody's data)."""
    return [
        entry for entry in cached(page) if entry["path"].startswith("/field/") and entry["path"] != "/field/offline/"
    ]


def assert_nothing_personal_kept(page: Page) -> None:
    for entry in cached(page):
        assert PARTY not in entry["text"], entry["path"]
        assert PARTY_PHONE not in entry["text"], entry["path"]
        assert not re.match(r"/field/incidents/\d+/", entry["path"]), entry["path"]


def open_case_then_keep_another_page(page: Page, live_server, case) -> None:
    """Opens the case (its party shows), then a page the service worker keeps: once that one is
    kept, the worker has long handled the case's answer too."""
    page.goto(f"{live_server.url}/field/incidents/{case.pk}/")
    expect(page.locator("main")).to_contain_text(PARTY)
    event = cast(OutreachEvent, OutreachEventFactory(community=case.community, title="Збори мешканців"))
    page.goto(f"{live_server.url}/field/events/{event.pk}/")
    wait_until_kept(page, f"/field/events/{event.pk}/")


def test_a_case_with_a_partys_name_cannot_be_opened_offline_once_the_cookies_are_gone(
    phone, live_server, negotiator, case
):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    wait_until_kept(page, "/field/", "/field/incidents/")
    open_case_then_keep_another_page(page, live_server, case)
    assert_nothing_personal_kept(page)
    assert all(entry["session"] for entry in kept_pages(page))  # each tagged with its login

    phone.set_offline(True)
    phone.clear_cookies()
    response = page.goto(f"{live_server.url}/field/incidents/{case.pk}/")
    # The service worker answers with the offline page, which says why (not "log in").
    assert response.from_service_worker
    expect(page.locator("h1")).to_have_text("No connection")
    expect(page.locator('[data-when="private"]')).to_be_visible()
    expect(page.locator('[data-when="private"]')).to_contain_text("This case cannot be opened without a connection")
    expect(page.locator('[data-when="kept"]')).to_be_hidden()
    expect(page.locator("body")).not_to_contain_text(PARTY)
    expect(page.locator("body")).not_to_contain_text(PARTY_PHONE)
    shot(page, "offline-private-case")
    page.reload()
    expect(page.locator("body")).not_to_contain_text(PARTY)


def test_after_logging_out_nothing_of_the_session_is_kept_and_a_case_cannot_be_opened(
    phone, live_server, negotiator, case
):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    wait_until_kept(page, "/field/", "/field/incidents/", "/field/events/new/")
    open_case_then_keep_another_page(page, live_server, case)
    session = page.evaluate("() => document.body.dataset.session")
    assert {entry["session"] for entry in kept_pages(page)} == {session}

    page.click("form[data-logout] button")  # nothing waits: no question asked
    page.wait_for_url(re.compile(r"/field/login/"))
    page.wait_for_load_state("networkidle")
    assert kept_pages(page) == []
    assert page.evaluate(OUTBOX) == []
    assert not [entry for entry in cached(page) if entry["session"] == session]

    phone.set_offline(True)
    for path in (f"/field/incidents/{case.pk}/", "/field/", "/field/events/new/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_have_text("No connection")
        expect(page.locator("body")).not_to_contain_text(PARTY)
        expect(page.locator("body")).not_to_contain_text("Олена")


def test_entries_unsent_at_an_offline_logout_are_offered_then_discarded_and_the_server_is_told_later(
    phone, live_server, negotiator
):
    page = phone.new_page()
    keep_an_event_offline(page, phone, live_server, title="Не надіслано до виходу")
    page.click("form[data-logout] button")
    dialog = page.locator("dialog[data-unsent]")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Outreach event: Не надіслано до виходу")
    expect(dialog.locator('[data-choice="send"]')).to_be_disabled()  # no connection to send it
    shot(page, "logout-unsent")
    dialog.locator('[data-choice="stay"]').click()
    expect(dialog).to_have_count(0)
    assert len(page.evaluate(OUTBOX)) == 1  # staying keeps it

    page.click("form[data-logout] button")
    page.locator('dialog[data-unsent] [data-choice="discard"]').click()
    page.wait_for_url(re.compile(r"/field/login/"))
    expect(page.locator('[data-when="logged-out"]')).to_be_visible()
    assert page.evaluate(OUTBOX) == []
    assert kept_pages(page) == []

    phone.set_offline(False)  # the offline page reloads, and the server's session is ended
    expect(page.locator("form[data-login-form]")).to_be_visible()
    assert page.evaluate("() => localStorage.getItem('zlagoda-logout')") is None
    page.goto(f"{live_server.url}/field/")
    expect(page).to_have_url(re.compile(r"/field/login/"))
    assert not OutreachEvent.objects.exists()


def test_entries_unsent_at_logout_can_be_sent_first(browser, live_server, negotiator):
    # Without the service worker, so that Playwright sees (and can cut) the page's own request.
    context = new_phone(browser, service_workers="block")
    try:
        page = context.new_page()
        log_in(page, live_server, "olena")
        page.goto(f"{live_server.url}/field/events/new/")
        page.route("**/field/events/new/", lambda route: route.abort("connectionreset"))
        fill_event(page, title="Надіслати перед виходом")
        page.click("form[data-queue] button[type=submit]")
        expect(page.locator("[data-outbox]")).to_have_text("1 waiting to send")
        page.unroute("**/field/events/new/")

        page.click("form[data-logout] button")
        dialog = page.locator("dialog[data-unsent]")
        expect(dialog).to_contain_text("Надіслати перед виходом")
        dialog.locator('[data-choice="send"]').click()
        page.wait_for_url(re.compile(r"/field/login/"))
        assert OutreachEvent.objects.get().title == "Надіслати перед виходом"
        assert page.evaluate(OUTBOX) == []
        page.goto(f"{live_server.url}/field/")
        expect(page).to_have_url(re.compile(r"/field/login/"))
    finally:
        context.close()


def test_another_users_login_on_the_phone_erases_what_the_first_one_kept(phone, live_server, negotiator, community):
    other = UserFactory(username="petro", role=Role.NEGOTIATOR)
    NegotiatorFactory(community=community, user=other)
    page = phone.new_page()
    keep_an_event_offline(page, phone, live_server, title="Чуже на цьому телефоні")
    first = page.evaluate("() => document.body.dataset.session")
    phone.clear_cookies()  # the session ended on the server meanwhile
    phone.set_offline(False)
    # The page learns it (from the session check, or from the entry refused), forgets the kept
    # pages and asks for a login.
    expect(page.locator("form[data-login-form], [data-status] a").first).to_be_visible()
    page.goto(f"{live_server.url}/field/login/?next=/field/events/new/")
    expect(page.locator("[data-outbox]")).to_have_text("1 saved on this phone: log in to send them.")
    assert kept_pages(page) == []

    page.fill("#id_username", "petro")
    page.fill("#id_password", PASSWORD)
    page.click("form[data-login-form] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/field/events/new/")  # where the login page was asked from
    expect(page.locator("[data-status]")).to_contain_text("What another login kept on this phone was erased.")
    expect(page.locator("[data-outbox]")).to_be_hidden()
    assert page.evaluate(OUTBOX) == []
    wait_until_kept(page, "/field/", "/field/events/new/")
    assert first not in {entry["session"] for entry in kept_pages(page)}
    assert not OutreachEvent.objects.exists()  # never sent as the other user


def test_switching_a_lost_phones_account_off_erases_what_it_kept_once_it_is_online(phone, live_server, negotiator):
    page = phone.new_page()
    keep_an_event_offline(page, phone, live_server, title="Телефон загублено")
    assert kept_pages(page)
    negotiator.is_active = False  # the phone was lost: staff switch the account off
    negotiator.save()

    phone.set_offline(False)  # the page open learns the login ended (or its entry is refused)
    expect(page.locator("form[data-login-form], [data-status] a").first).to_be_visible()
    page.goto(f"{live_server.url}/field/")  # whoever has the phone opens the app
    expect(page).to_have_url(re.compile(r"/field/login/"))
    deadline = time.monotonic() + 20
    while page.evaluate(OUTBOX):
        assert time.monotonic() < deadline, "the outbox of the account switched off was not erased"
        page.wait_for_timeout(200)
    assert kept_pages(page) == []
    expect(page.locator("[data-outbox]")).to_be_hidden()
    assert not OutreachEvent.objects.exists()  # and nothing was written for it
