"""The field app's shell: service worker, web app manifest, offline page."""

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_under_field_so_its_scope_covers_the_field_app(client):
    response = client.get(reverse("field:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/field/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    assert 'var SCOPE = "/field/";' in script
    assert "/static/field/field.js" in script
    assert '"/field/offline/"' in script


def test_the_service_worker_changes_when_a_shell_asset_changes(settings, tmp_path, client):
    from field.views import _shell_version

    before = _shell_version()
    asset = tmp_path / "field" / "field.css"
    asset.parent.mkdir()
    asset.write_text("body{color:red}")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    from django.contrib.staticfiles import finders

    finders.get_finder.cache_clear()
    try:
        assert _shell_version() != before
    finally:
        finders.get_finder.cache_clear()


def test_the_manifest_opens_the_field_app_standalone(client):
    response = client.get(reverse("field:manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/field/", "/field/", "standalone")
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}


def test_the_offline_page_kept_for_anyone_carries_no_signed_in_user(client, negotiator_user):
    client.force_login(negotiator_user)
    page = client.get(reverse("field:offline")).content.decode()
    assert 'data-user=""' in page
    assert "negotiator-user" not in page


def test_field_pages_carry_their_users_id_for_the_outbox(client, negotiator_user):
    client.force_login(negotiator_user)
    page = client.get(reverse("field:home")).content.decode()
    assert f'data-user="{negotiator_user.pk}"' in page
    assert 'id="field-strings"' in page
