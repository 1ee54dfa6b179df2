"""The phone's position on an incident and an event at 360x640 in Chromium, with a mocked
position: asked only when "use my location" is tapped, its precision shown, sent with the form and
stored on the record; a refused permission gives a sentence, and the typed place stays enough."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from incidents.models import Incident
from negotiators.models import OutreachEvent
from tests.field.conftest import new_phone
from tests.field.test_browser import fill_event, log_in, negotiator, shot  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Kyiv's Maidan, as a phone's GPS would give it: more decimals than are stored, a fractional precision.
POSITION = {"latitude": 50.4501234, "longitude": 30.5234567, "accuracy": 11.4}
# Counts every call of getCurrentPosition, before the page's own script runs.
COUNT_CALLS = """
window.__positionAsked = 0;
if (navigator.geolocation) {
  const asked = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
  navigator.geolocation.getCurrentPosition = function () {
    window.__positionAsked += 1;
    return asked.apply(null, arguments);
  };
}
"""


def located_phone(browser, **options):
    context = new_phone(browser, geolocation=POSITION, **options)
    context.add_init_script(COUNT_CALLS)
    return context


def asked(page) -> int:
    return page.evaluate("window.__positionAsked")


def test_an_event_gets_the_phone_location_only_on_tap_with_its_precision(browser, live_server, negotiator):  # noqa: F811
    context = located_phone(browser, permissions=["geolocation"])
    try:
        page = context.new_page()
        log_in(page, live_server, "olena")
        page.goto(f"{live_server.url}/field/events/new/")
        fill_event(page, title="Збори біля школи")
        assert asked(page) == 0
        button = page.get_by_role("button", name="Use my location")
        box = button.bounding_box()
        assert box
        assert box["height"] >= 44
        assert box["width"] >= 44
        button.click()
        expect(page.locator("[data-location-shown]")).to_contain_text("Location added: within ±12 m")
        assert asked(page) == 1
        expect(button).to_be_hidden()
        shot(page, "event-form-location")
        page.click("form[data-queue] button[type=submit]")
        page.wait_for_url(re.compile(r"/field/events/\d+/$"))
        event = OutreachEvent.objects.get()
        assert (event.place, event.latitude, event.longitude, event.location_accuracy_m) == (
            "Будинок культури",
            Decimal("50.45012"),
            Decimal("30.52346"),
            12,
        )
        expect(page.locator("main")).to_contain_text("50.45012, 30.52346 ±12 m")
    finally:
        context.close()


def test_an_incident_gets_the_location_and_a_removed_one_is_not_sent(browser, live_server, negotiator):  # noqa: F811
    context = located_phone(browser, permissions=["geolocation"])
    try:
        page = context.new_page()
        log_in(page, live_server, "olena")
        page.goto(f"{live_server.url}/field/incidents/new/")
        assert asked(page) == 0
        page.select_option("#id_category", "youth")
        page.fill("#id_location", "Парк біля школи")
        page.get_by_role("button", name="Use my location").click()
        expect(page.locator("[data-location-shown]")).to_contain_text("within ±12 m")
        page.get_by_role("button", name="Remove").click()
        expect(page.locator("[data-location-shown]")).to_be_hidden()
        expect(page.get_by_role("button", name="Use my location")).to_be_visible()
        assert page.input_value("input[name=latitude]") == ""
        page.get_by_role("button", name="Use my location").click()
        expect(page.locator("[data-location-shown]")).to_contain_text("within ±12 m")
        shot(page, "incident-form-location")
        page.click("form[data-queue] button[type=submit]")
        page.wait_for_url(re.compile(r"/field/incidents/\d+/$"))
        incident = Incident.objects.get()
        assert (incident.location, incident.latitude, incident.longitude, incident.location_accuracy_m) == (
            "Парк біля школи",
            Decimal("50.45012"),
            Decimal("30.52346"),
            12,
        )
        expect(page.locator("main")).to_contain_text("50.45012, 30.52346 ±12 m")
    finally:
        context.close()


def test_a_refused_permission_gives_a_sentence_and_the_typed_place_is_enough(browser, live_server, negotiator):  # noqa: F811
    context = located_phone(browser)  # no permission granted: Chromium refuses it
    try:
        page = context.new_page()
        log_in(page, live_server, "olena")
        page.goto(f"{live_server.url}/field/incidents/new/")
        assert asked(page) == 0
        page.select_option("#id_category", "youth")
        page.fill("#id_location", "Парк біля школи")
        page.get_by_role("button", name="Use my location").click()
        expect(page.locator("[data-location-error]")).to_have_text(
            "The phone did not allow the location: allow it in the browser’s settings, or type the place."
        )
        expect(page.locator("[data-location-shown]")).to_be_hidden()
        shot(page, "incident-form-location-denied")
        page.click("form[data-queue] button[type=submit]")
        page.wait_for_url(re.compile(r"/field/incidents/\d+/$"))
        incident = Incident.objects.get()
        assert (incident.location, incident.latitude, incident.longitude) == ("Парк біля школи", None, None)
    finally:
        context.close()
