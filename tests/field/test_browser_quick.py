"""Quick log in a real browser (Chromium, 360x640 touch screen): a quick event from home in a few
taps, timed by the test's own clock; offline and sent once; its place remembered; the full form's
sections that fold and open on an error; a case page that starts with its status and next step."""

import time
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from casework.models import ContactKind
from incidents.models import ActionKind, IncidentAction, IncidentStatus
from negotiators.models import OutreachEvent
from tests.casework.factories import CaseFactory, CaseWorkerUserFactory, GoalFactory, PlanActionFactory, ReferralFactory
from tests.field.test_browser import log_in, negotiator, shot, wait_until_kept_offline  # noqa: F401
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN_HEIGHT = 640


class Taps:
    """The taps a person makes on the page (typing on the keyboard is not one)."""

    def __init__(self, page: Page):
        self.page, self.count = page, 0

    def tap(self, selector: str) -> None:
        self.page.locator(selector).tap()
        self.count += 1


def quick_event(page: Page, taps: Taps, *, total: str, place: str | None = None) -> None:
    taps.tap('form[data-quick] label:has([name="kind"][value="public_meeting"])')
    if place is not None:
        taps.tap("form[data-quick] [name=place]")
        page.locator("form[data-quick] [name=place]").fill(place)
    taps.tap("form[data-quick] [name=participants_total]")
    page.keyboard.type(total)
    taps.tap("form[data-quick] button[type=submit]")


def test_a_quick_event_from_home_takes_three_taps(phone, live_server, negotiator, community):  # noqa: F811
    OutreachEventFactory(community=community, created_by=negotiator, place="Школа № 3")
    page = phone.new_page()
    log_in(page, live_server, "olena")
    expect(page.locator("form[data-quick] [name=place]")).to_have_value("Школа № 3")
    shot(page, "home-quick-event")
    started = time.monotonic()
    taps = Taps(page)
    quick_event(page, taps, total="25")
    notice = page.locator("[data-status] p.ok")
    expect(notice).to_contain_text("logged: 25 participants")
    seconds = time.monotonic() - started
    print(f"\nquick event from home: {taps.count} taps, {seconds:.1f} s (the test's own clock)")
    assert taps.count <= 5
    event = OutreachEvent.objects.get(participants_total=25)
    assert (event.kind, event.place, event.date) == ("public_meeting", "Школа № 3", timezone.localdate())
    assert page.url == f"{live_server.url}/field/"
    expect(notice.get_by_role("link", name="See the event")).to_have_attribute("href", f"/field/events/{event.pk}/")
    expect(notice.get_by_role("link", name="Add the breakdown")).to_have_attribute(
        "href", f"/field/events/{event.pk}/edit/"
    )
    # The form's box starts on the first screen.
    assert page.locator("form[data-quick]").bounding_box()["y"] < SCREEN_HEIGHT


def test_an_offline_quick_event_is_sent_once_and_its_place_is_remembered(phone, live_server, negotiator):  # noqa: F811
    page = phone.new_page()
    log_in(page, live_server, "olena")
    wait_until_kept_offline(page, "/field/")
    phone.set_offline(True)
    page.goto(f"{live_server.url}/field/")  # the service worker's copy
    taps = Taps(page)
    quick_event(page, taps, total="14", place="Бібліотека")
    assert taps.count <= 5
    badge = page.locator("[data-outbox]")
    expect(badge).to_have_text("1 waiting to send")
    place = page.locator("form[data-quick] [name=place]")
    expect(place).to_have_value("Бібліотека")  # ready for the next one, at the same place
    page.reload()
    expect(place).to_have_value("Бібліотека")
    assert not OutreachEvent.objects.exists()

    phone.set_offline(False)
    expect(badge).to_be_hidden()
    page.reload()
    page.wait_for_load_state("networkidle")
    event = OutreachEvent.objects.get()
    assert (event.place, event.participants_total) == ("Бібліотека", 14)

    # The next quick event starts from the same place, with no tap on it.
    taps = Taps(page)
    quick_event(page, taps, total="9")
    expect(page.locator("[data-status] p.ok")).to_contain_text("logged: 9 participants")
    assert OutreachEvent.objects.filter(place="Бібліотека").count() == 2


def test_the_full_form_folds_its_sections_and_opens_the_one_with_an_error(phone, live_server, negotiator):  # noqa: F811
    page = phone.new_page()
    log_in(page, live_server, "olena")
    page.goto(f"{live_server.url}/field/events/new/")
    sections = page.locator("form[data-queue] details")
    assert sections.evaluate_all("(all) => all.map((d) => d.open)") == [True, False, False, False]
    summary = sections.nth(1).locator("summary")
    assert summary.bounding_box()["height"] >= 44
    expect(page.locator("#id_participants_women")).to_be_hidden()
    page.select_option("#id_kind", "forum")
    page.select_option("#id_topic", "youth")
    page.fill("#id_participants_total", "5")
    summary.tap()
    page.fill("#id_participants_men", "9")
    summary.tap()  # folded again before sending
    expect(page.locator("#id_participants_women")).to_be_hidden()
    page.locator("form[data-queue] button[type=submit]").tap()
    expect(page.locator('[data-field="participants_men"] .error')).to_be_visible()
    assert sections.nth(1).evaluate("(d) => d.open")
    shot(page, "event-form-error-unfolded")


def page_height(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_a_case_page_starts_with_its_status_and_next_action(phone, live_server, negotiator, community):  # noqa: F811
    incident = IncidentFactory(
        community=community, status=IncidentStatus.IN_PROGRESS, description="Сварка сусідів. " * 20
    )
    for n in range(6):
        IncidentAction.objects.create(
            incident=incident,
            kind=ActionKind.MEDIATION_MEETING,
            performed_at=timezone.now() - timedelta(days=n + 1),
            actor=negotiator,
            description="Зустріч сторін у школі, домовилися про наступні кроки. " * 3,
        )
    page = phone.new_page()
    log_in(page, live_server, "olena")
    page.goto(f"{live_server.url}/field/incidents/{incident.pk}/")
    print(f"\nincident page height at 360x640: {page_height(page)} px")
    box = page.locator("[data-next]")
    expect(box).to_contain_text("In progress")
    expect(box).to_contain_text("Move the case on: Resolved / Closed unresolved.")
    assert box.bounding_box()["y"] < SCREEN_HEIGHT
    assert box.bounding_box()["y"] + box.bounding_box()["height"] <= SCREEN_HEIGHT
    history = page.locator("details:has(ol.log)")
    assert not history.evaluate("(d) => d.open")
    history.locator("summary").tap()
    expect(history.locator("ol.log li").first).to_be_visible()
    shot(page, "incident-next-action")


def test_a_case_work_page_starts_with_its_status_and_next_action(phone, live_server, community):
    case = CaseFactory(beneficiary__community=community, case_worker=CaseWorkerUserFactory(username="aigul"))
    goal = GoalFactory(case=case)
    PlanActionFactory(goal=goal, description="Подати заяву", due_on=date.today() + timedelta(days=3))
    PlanActionFactory(goal=goal, description="Отримати довідку", due_on=date.today() + timedelta(days=1))
    GoalFactory(case=case, description="Житло")
    ReferralFactory(case=case)
    for n in range(5):
        on = date.today() - timedelta(days=n)
        case.contacts.create(happened_on=on, kind=ContactKind.PHONE, note="Дзвінок. " * 15)
    page = phone.new_page()
    log_in(page, live_server, "aigul")
    page.goto(f"{live_server.url}/field/cases/{case.pk}/")
    print(f"\ncase page height at 360x640: {page_height(page)} px")
    box = page.locator("[data-next]")
    expect(box).to_contain_text("Отримати довідку")
    assert box.bounding_box()["y"] + box.bounding_box()["height"] <= SCREEN_HEIGHT
    assert not page.locator("details:has(ol.log)").evaluate("(d) => d.open")
    shot(page, "case-next-action")
