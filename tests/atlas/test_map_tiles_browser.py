"""static/js/map_tiles.js in Chromium: tiles under the map only when the map names a tile server,
at the map's extent, with the attribution; none otherwise."""

import base64
from pathlib import Path

import pytest
from django.utils import translation

from atlas.maps import MapPoint, community_map
from tests.browser_support import launched_chromium

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "map_tiles.js"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
POINTS = [
    MapPoint(key="1", name="Київ", latitude=50.45, longitude=30.52, value=3, label="3"),
    MapPoint(key="2", name="Львів", latitude=49.84, longitude=24.03, value=1, label="1"),
]


def page_with(svg):
    return f'<!doctype html><html lang="en"><body><figure id="map">{svg}</figure></body></html>'


def draw(**options):
    with translation.override("en"):
        return community_map(POINTS, title="Events", legend_title="Events", no_data_label="no data", **options)


def test_tiles_come_only_from_the_tile_server_named_and_cover_the_map():
    requested = []
    with launched_chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768})

        def tile(route):
            requested.append(route.request.url)
            route.fulfill(status=200, content_type="image/png", body=PNG)

        page.route("https://tiles.test/**", tile)
        page.route(
            "**/*",
            lambda route: (
                route.abort() if not route.request.url.startswith("https://tiles.test/") else route.fallback()
            ),
        )
        page.set_content(page_with(draw()))
        page.add_script_tag(path=str(SCRIPT))
        assert page.locator("svg.atlas image").count() == 0

        page.set_content(
            page_with(draw(tile_url="https://tiles.test/{z}/{x}/{y}.png", tile_attribution="© Test tiles"))
        )
        page.add_script_tag(path=str(SCRIPT))
        images = page.locator("svg.atlas-map g.atlas-tiles image")
        count = images.count()
        assert 1 <= count <= 64
        hrefs = [images.nth(i).get_attribute("href") for i in range(count)]
        assert all(href.startswith("https://tiles.test/") and href.endswith(".png") for href in hrefs)
        zoom = {href.split("/")[3] for href in hrefs}
        assert len(zoom) == 1
        # The tiles cover the whole map area: the first starts at or before its top-left corner.
        first = images.nth(0)
        assert float(first.get_attribute("x")) <= 0
        assert float(first.get_attribute("y")) <= 0
        assert page.locator("svg.atlas-map text.atlas-attribution").text_content() == "© Test tiles"
        assert page.locator("svg.atlas-map .atlas-land").first.get_attribute("fill-opacity") == "0.35"
        page.wait_for_load_state("networkidle")
        page.close()
    assert requested
    assert all(url.startswith("https://tiles.test/") for url in requested)
