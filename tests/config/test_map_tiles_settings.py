"""MAP_TILE_URL: empty, no map request leaves the portal's origin; set, its origin joins img-src."""

import json

import pytest

from atlas.tiles import tile_origin
from tests.config.test_settings import run

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'img': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], "
    "'tiles': settings.MAP_TILE_URL}))"
)


def probe(**env):
    result = run(["-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_tiles_images_come_from_the_portal_only():
    assert probe() == {"img": ["'self'", "data:"], "tiles": ""}


def test_a_tile_server_joins_img_src_and_nothing_else():
    found = probe(MAP_TILE_URL="https://tile.example.org/{z}/{x}/{y}.png")
    assert found["img"] == ["'self'", "data:", "https://tile.example.org"]


def test_a_tile_url_without_its_placeholders_stops_the_start():
    result = run(["-c", PROBE], MAP_TILE_URL="https://tile.example.org/tiles.png")
    assert result.returncode != 0
    assert "MAP_TILE_URL" in result.stderr


def test_a_tile_url_names_its_origin_for_the_content_security_policy():
    assert tile_origin("https://tile.example.org:8443/{z}/{x}/{y}.png") == "https://tile.example.org:8443"
    for wrong in ("javascript:{z}{x}{y}", "https://{s}.tiles.org/{z}/{x}/{y}.png", "https://tiles.org/{z}/{x}.png"):
        with pytest.raises(ValueError, match="MAP_TILE_URL"):
            tile_origin(wrong)
