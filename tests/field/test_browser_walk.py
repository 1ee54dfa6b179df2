"""The issue's walk, end to end in one phone (Chromium, 360x640, English): a negotiator logs a quick
event from home, corrects its total a minute later, reports an incident with a photo and the phone's
location while offline, finds it sent once with the photo's GPS gone, and reads it with its
automatic title in each of the four languages."""

import time

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from incidents.models import Incident
from negotiators.models import OutreachEvent
from photos.models import Photo
from tests.field.conftest import new_phone
from tests.field.test_browser import log_in, negotiator, shot, wait_until_kept_offline
from tests.field.test_browser_location import POSITION
from tests.field.test_browser_quick import Taps, quick_event
from tests.photos.support import has_metadata, jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]

__all__ = ["negotiator"]

# The automatic title of a "youth" incident, as each language's page shows it.
TITLES = {"uk": "Молодь", "en": "Youth", "cs": "Mládež", "ru": "Молодежь"}


def test_quick_event_corrected_then_an_offline_incident_with_photo_and_place_in_four_languages(
    browser, live_server, negotiator, tmp_path
):
    phone = new_phone(browser, geolocation=POSITION, permissions=["geolocation"])
    page = phone.new_page()
    log_in(page, live_server, "olena")
    wait_until_kept_offline(page, "/field/", "/field/incidents/new/")
    # The photo code comes once a form with photos is filled in online (not with the first load).
    page.goto(f"{live_server.url}/field/incidents/new/")
    page.focus("#id_description")
    wait_until_kept_offline(page, "/static/field/field-photo.js")
    page.goto(f"{live_server.url}/field/")

    # A quick event, timed by the test's own clock (reported, not asserted).
    started = time.monotonic()
    taps = Taps(page)
    quick_event(page, taps, total="25", place="Школа № 3")
    expect(page.locator("[data-status] p.ok")).to_contain_text("logged: 25 participants")
    seconds = time.monotonic() - started
    print(f"\nthe walk's quick event: {taps.count} taps, {seconds:.1f} s (the test's own clock)")
    assert taps.count <= 5
    event = OutreachEvent.objects.get()
    assert (event.participants_total, event.place) == (25, "Школа № 3")

    # The next minute: its total corrected, from the link the notice offers.
    page.locator("[data-status] p.ok").get_by_role("link", name="Add the breakdown").click()
    page.wait_for_url(f"{live_server.url}/field/events/{event.pk}/edit/")
    page.fill("#id_participants_total", "27")
    page.click("form[data-queue] button[type=submit]")
    expect(page.locator("[data-status] p.ok")).to_contain_text("corrected")
    event.refresh_from_db()
    assert event.participants_total == 27
    assert OutreachEvent.objects.count() == 1
    latest = event.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (negotiator, "field app")

    # Offline: an incident with a camera's photo (GPS in its EXIF) and the phone's location.
    camera = tmp_path / "IMG_2041.jpg"
    camera.write_bytes(jpeg_with_gps(3000, 2000))
    assert "GPS" in has_metadata(camera.read_bytes())
    phone.set_offline(True)
    page.goto(f"{live_server.url}/field/incidents/new/")
    page.select_option("#id_category", "youth")
    page.check("#id_severity_2")
    page.fill("#id_description", "Сварка біля школи.")
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("[data-location-text]")).to_have_text("Location added: within ±12 m")
    page.set_input_files("#id_photos", str(camera))
    expect(page.locator("[data-photo-list] li")).to_have_count(1)
    shot(page, "walk-incident-offline")
    page.click("form[data-queue] button[type=submit]")
    badge = page.locator("[data-outbox]")
    expect(badge).to_have_text("1 waiting to send")
    assert not Incident.objects.exists()

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(badge).to_be_hidden(timeout=30_000)
    incident = Incident.objects.get()
    place = (str(incident.latitude), str(incident.longitude), incident.location_accuracy_m)
    assert place == ("50.45012", "30.52346", 12)
    assert incident.title_is_automatic
    photo = Photo.objects.get()
    assert photo.incident == incident
    with default_storage.open(photo.file.name or "", "rb") as handle:
        stored = handle.read()
    assert stored[:2] == b"\xff\xd8"
    assert has_metadata(stored) == []
    assert b"Exif" not in stored
    assert b"GPS" not in stored

    # The same incident in each language, through the footer's switch.
    page.goto(f"{live_server.url}/field/incidents/{incident.pk}/")
    for language, title in TITLES.items():
        page.locator(f"form.langs button[value={language}]").click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("h1")).to_have_text(title)
    shot(page, "walk-incident-russian")
    phone.close()
