"""A field page the service worker keeps carries its version (``X-Field-Version``); asked with
that version (``If-None-Match``), the server answers 304 while the page is the same, so that a
repeat visit moves only headers. The version leaves out what every rendering changes (the CSRF
token's mask, each form's idempotency key) and nothing else."""

import pytest
from django.urls import reverse

from negotiators.field import DEVICE_SESSION_HEADER, PAGE_VERSION_HEADER, page_version
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def negotiator_client(client, negotiator_user):
    client.force_login(negotiator_user)
    return client


def asked_again(client, path, version):
    return client.get(path, HTTP_IF_NONE_MATCH=f'"{version}"')


@pytest.mark.parametrize("name", ["field:home", "field:event_new", "field:incident_new", "field:training"])
def test_a_kept_page_unchanged_is_answered_304_without_its_body(negotiator_client, name):
    path = reverse(name)
    first = negotiator_client.get(path)
    version = first[PAGE_VERSION_HEADER]
    # Not an ETag: a browser's own cache would revalidate a form whose idempotency key was sent.
    assert not first.has_header("ETag")
    again = asked_again(negotiator_client, path, version)
    assert again.status_code == 304
    assert again.content == b""
    # What the service worker needs to go on trusting its copy: the same login, the same page.
    assert again[DEVICE_SESSION_HEADER] == first[DEVICE_SESSION_HEADER]
    assert again[PAGE_VERSION_HEADER] == version
    assert again["Cache-Control"] == first["Cache-Control"]


def test_two_renderings_of_a_form_differ_only_in_what_the_version_leaves_out(negotiator_client):
    path = reverse("field:event_new")
    first, second = negotiator_client.get(path), negotiator_client.get(path)
    assert first.content != second.content  # new CSRF mask and idempotency key
    assert first[PAGE_VERSION_HEADER] == second[PAGE_VERSION_HEADER]


def test_a_page_that_changed_is_sent_again_with_its_new_version(negotiator_client, community):
    path = reverse("field:home")
    version = negotiator_client.get(path)[PAGE_VERSION_HEADER]
    OutreachEventFactory(community=community, title="Нова зустріч у бібліотеці")
    again = asked_again(negotiator_client, path, version)
    assert again.status_code == 200
    assert "Нова зустріч у бібліотеці" in again.content.decode()
    assert again[PAGE_VERSION_HEADER] != version


def test_a_version_of_another_page_or_another_language_is_not_taken(negotiator_client):
    home = negotiator_client.get(reverse("field:home"))[PAGE_VERSION_HEADER]
    assert asked_again(negotiator_client, reverse("field:event_new"), home).status_code == 200
    form = reverse("field:event_new")
    ukrainian = negotiator_client.get(form, HTTP_ACCEPT_LANGUAGE="uk")[PAGE_VERSION_HEADER]
    english = negotiator_client.get(form, HTTP_ACCEPT_LANGUAGE="en")
    assert english[PAGE_VERSION_HEADER] != ukrainian
    in_english = {"HTTP_ACCEPT_LANGUAGE": "en", "HTTP_IF_NONE_MATCH": f'"{ukrainian}"'}
    assert negotiator_client.get(form, **in_english).status_code == 200


def test_another_login_never_gets_304_for_the_first_ones_copy(client, negotiator_user, community):
    client.force_login(negotiator_user)
    path = reverse("field:home")
    version = client.get(path)[PAGE_VERSION_HEADER]
    client.logout()
    client.force_login(negotiator_user)  # a new login: a new device session in the page
    assert asked_again(client, path, version).status_code == 200


def test_only_pages_kept_for_offline_use_have_a_version(negotiator_client, community):
    # A case with its parties is private (no-store): never kept, so never versioned nor 304.
    incident = IncidentFactory(community=community)
    private = negotiator_client.get(reverse("field:incident_detail", args=[incident.pk]))
    assert "no-store" in private["Cache-Control"]
    assert not private.has_header(PAGE_VERSION_HEADER)


def test_the_version_ignores_the_csrf_mask_idempotency_keys_and_nonces_only():
    page = (
        '<form><input type="hidden" name="csrfmiddlewaretoken" value="A1">'
        '<input type="hidden" name="idempotency_key" value="k-1"><script nonce="n1"></script>'
        '<input name="title" value="Зустріч"></form>'
    )
    same = page.replace("A1", "B2").replace("k-1", "k-2").replace("n1", "n2")
    assert page_version(page.encode()) == page_version(same.encode())
    assert page_version(page.encode()) != page_version(page.replace("Зустріч", "Зустріч 2").encode())
