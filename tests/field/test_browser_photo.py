"""A photo attached to an incident on a 360x640 phone with no connection: resized and stripped of
its EXIF (GPS included) on the phone, kept in the outbox (IndexedDB) across a reload, sent once
when the connection is back, and stored on the server without any metadata."""

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from incidents.models import Incident
from photos.models import Photo
from tests.browser_support import wait_until_true
from tests.field.test_browser import log_in, negotiator, shot, wait_until_kept_offline
from tests.photos.support import has_metadata, jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]

__all__ = ["negotiator"]


def test_a_photo_attached_offline_is_kept_sent_once_and_stored_without_gps(phone, live_server, negotiator, tmp_path):
    camera = tmp_path / "IMG_2041.jpg"
    camera.write_bytes(jpeg_with_gps(3000, 2000))  # a camera's picture: large, with GPS in its EXIF
    assert "GPS" in has_metadata(camera.read_bytes())
    page = phone.new_page()
    log_in(page, live_server, "olena")
    wait_until_kept_offline(page, "/field/", "/field/incidents/new/")
    # The photo code comes once a form with photos is filled in online (not with the first load).
    page.goto(f"{live_server.url}/field/incidents/new/")
    page.focus("#id_description")
    wait_until_kept_offline(page, "/static/field/field-photo.js")

    phone.set_offline(True)
    page.goto(f"{live_server.url}/field/incidents/new/")  # from the service worker's copy
    expect(page.locator("[data-offline]")).to_be_visible()
    page.select_option("#id_category", "youth")
    page.check("#id_severity_2")
    page.fill("#id_description", "Розбите вікно в під'їзді.")
    page.set_input_files("#id_photos", str(camera))
    expect(page.locator("[data-photo-list] li")).to_have_count(1)
    size = page.evaluate("document.querySelector('form[data-queue]').fieldPhotos[0].blob.size")
    assert 0 < size <= settings.PHOTO_MAX_BYTES
    shot(page, "incident-photo-offline")
    page.click("form[data-queue] button[type=submit]")
    badge = page.locator("[data-outbox]")
    expect(badge).to_have_text("1 waiting to send")
    expect(page.locator("[data-photo-list] li")).to_have_count(0)  # the form is ready for the next one

    page.reload()  # still offline: the entry, photo included, is in IndexedDB
    expect(badge).to_have_text("1 waiting to send")
    kept = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("zlagoda-field", 1);
            open.onsuccess = () => {
                const all = open.result.transaction("outbox").objectStore("outbox").getAll();
                all.onsuccess = () => resolve(all.result.map((item) => item.fields
                    .filter((pair) => typeof pair[1] !== "string").map((pair) => [pair[0], pair[1].size, pair[2]])));
            };
        })"""
    )
    assert kept == [[["photos", size, "photo-1.jpg"]]]
    assert not Incident.objects.exists()

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(badge).to_be_hidden(timeout=30_000)
    incident = Incident.objects.get()
    photo = Photo.objects.get()
    assert photo.incident == incident
    with default_storage.open(photo.file.name or "", "rb") as handle:
        stored = handle.read()
    assert has_metadata(stored) == []
    assert len(stored) <= settings.PHOTO_MAX_BYTES
    assert max(photo.width, photo.height) <= settings.PHOTO_MAX_SIDE

    photo_requests = []
    page.on("request", lambda request: "/field/photos/" in request.url and photo_requests.append(request.url))
    page.goto(f"{live_server.url}/field/incidents/{incident.pk}/")
    page.wait_for_load_state("networkidle")
    thumbnail = page.locator("[data-photos-shown] img")
    expect(thumbnail).to_have_attribute("loading", "lazy")
    assert photo_requests == []  # folded: not loaded until its section is opened
    page.locator("[data-photos-fold] summary").click()
    thumbnail.scroll_into_view_if_needed()
    wait_until_true(page, "document.querySelector('[data-photos-shown] img').naturalWidth > 0")
    assert [url.removeprefix(live_server.url) for url in photo_requests] == [f"/field/photos/{photo.pk}/small/"]
    cached = page.evaluate(
        "async () => (await Promise.all((await caches.keys()).map(async (name) =>"
        " (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname)))).flat()"
    )
    assert not [path for path in cached if path.startswith("/field/photos/")]
    shot(page, "incident-with-photo")
