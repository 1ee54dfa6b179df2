"""The field app's touch and sight on a 360x640 phone in Chromium: every tap target measured at
44x44 px or more, a focus outline of at least 3:1 against white, and the messages a negotiator sees
when a page was not kept or an entry kept offline was refused."""

import re

import pytest
from playwright.sync_api import Page, expect

from access.roles import Role
from tests.communities.factories import UserFactory
from tests.field.test_browser import keep_an_event_offline, log_in, shot
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TARGET_PX = 44
# Each tap target's box: a checkbox or a radio is tapped through the label around it (the row).
TARGETS = """() => Array.from(document.querySelectorAll(
    'a, button, input[type=checkbox], input[type=radio], summary')).filter((node) => {
        const box = node.getBoundingClientRect();
        // Shown, and not parked off-screen (the skip link until it is focused).
        return node.getClientRects().length && getComputedStyle(node).visibility !== 'hidden' && box.right > 0;
    }).map((node) => {
        const target = node.matches('input') ? node.closest('label') : node;
        const box = target ? target.getBoundingClientRect() : {width: 0, height: 0};
        return {what: node.outerHTML.slice(0, 90), width: box.width, height: box.height};
    })"""


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(css_colour: str) -> float:
    red, green, blue = (int(part) for part in re.findall(r"\d+", css_colour)[:3])
    return 1.05 / (relative_luminance((red, green, blue)) + 0.05)


def test_the_contrast_of_white_and_black_is_21_and_of_the_old_outline_below_3():
    assert round(contrast_with_white("rgb(0, 0, 0)"), 1) == 21.0
    assert contrast_with_white("rgb(143, 182, 230)") < 3


@pytest.fixture
def negotiator(community):
    user = UserFactory(username="olena", first_name="Олена", last_name="Коваль", role=Role.NEGOTIATOR)
    NegotiatorFactory(community=community, user=user)
    return user


def small_targets(page: Page) -> list[dict]:
    targets = page.evaluate(TARGETS)
    assert targets, page.url
    return [t for t in targets if t["width"] < TARGET_PX or t["height"] < TARGET_PX]


def test_every_tap_target_of_the_main_pages_is_at_least_44_px_square(phone, live_server, negotiator, community):
    incident = IncidentFactory(community=community, title="Сварка сусідів")
    event = OutreachEventFactory(community=community, title="Збори", police_present=True, ngos_present=True)
    page = phone.new_page()
    page.goto(f"{live_server.url}/field/login/")
    assert small_targets(page) == [], "login"
    log_in(page, live_server, "olena")
    pages = {
        "home": "/field/",
        "event form": "/field/events/new/",
        "incident form": "/field/incidents/new/",
        "cases": "/field/incidents/",
        "a case": f"/field/incidents/{incident.pk}/",
        "an event": f"/field/events/{event.pk}/",
        "training": "/field/training/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        page.locator("details").evaluate_all("(all) => all.forEach((d) => { d.open = true; })")
        assert small_targets(page) == [], name
    page.goto(f"{live_server.url}/field/events/{event.pk}/")
    # The partners present, one a line rather than run together.
    expect(page.locator("[data-partners] li")).to_have_text(["Police", "NGOs"])
    shot(page, "event-partners")

    # A case card is a link as a whole: a tap on its date opens the case.
    page.goto(f"{live_server.url}/field/incidents/")
    page.locator(".list li .meta").first.click(force=True)  # at its centre, whatever is on top there
    page.wait_for_url(f"{live_server.url}/field/incidents/{incident.pk}/")


def test_the_focus_outline_contrasts_at_least_3_to_1_with_white(phone, live_server, negotiator):
    page = phone.new_page()
    log_in(page, live_server, "olena")
    page.goto(f"{live_server.url}/field/events/new/")
    page.focus("#id_place")
    outline = page.eval_on_selector("#id_place", "(node) => getComputedStyle(node).outlineColor")
    assert contrast_with_white(outline) >= 3, outline
    page.keyboard.press("Tab")  # from the keyboard, as :focus-visible wants for links and buttons
    focused = page.evaluate(
        "() => { const node = document.activeElement; const style = getComputedStyle(node);"
        " return [node.tagName, style.outlineStyle, style.outlineColor]; }"
    )
    assert focused[1] == "solid", focused
    assert contrast_with_white(focused[2]) >= 3, focused


def test_the_offline_page_tells_a_signed_in_negotiator_the_page_was_not_saved_not_to_log_in(
    phone, live_server, negotiator, community
):
    event = OutreachEventFactory(community=community, title="Не збережена подія")
    page = phone.new_page()
    keep_an_event_offline(page, phone, live_server, title="Чекає на зв'язок")
    page.goto(f"{live_server.url}/field/events/{event.pk}/")  # never opened: not kept

    expect(page.locator("h1")).to_have_text("No connection")
    expect(page.locator('[data-when="kept"]')).to_contain_text("This page was not saved on this phone")
    expect(page.locator("[data-outbox]")).to_have_text("1 saved on this phone: sent once the connection is back.")
    expect(page.locator("main .quick a", has_text="Home")).to_have_attribute("href", "/field/")
    assert "log in" not in page.locator("body").inner_text().lower()  # what is shown, not the hidden variants
    shot(page, "offline-not-kept")


def test_an_entry_refused_once_the_connection_is_back_says_so_on_its_form_and_why(phone, live_server, negotiator):
    page = phone.new_page()
    keep_an_event_offline(page, phone, live_server, title="Помилка в цифрах", total="10", women="8", men="5")
    expect(page.locator("[data-status]")).to_contain_text("It will be sent when the connection is back.")

    phone.set_offline(False)
    status = page.locator("[data-status]")
    expect(status).to_contain_text("Not accepted: Outreach event: Помилка в цифрах")
    expect(status).to_contain_text("Women and men together cannot exceed the total (10).")
    expect(status).not_to_contain_text("It will be sent")
    shot(page, "event-form-refused")
    status.get_by_role("link", name="Open and fix").click()
    expect(page.locator('[data-field="participants_men"] .error')).to_contain_text("cannot exceed the total")
    assert page.input_value("#id_title") == "Помилка в цифрах"
