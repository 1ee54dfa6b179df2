"""An incident reported without a title gets an automatic one (its category) that every reader
sees in their own language: the field pages, the admin, the partner API; a typed title stays."""

import pytest
from django.conf import settings
from django.urls import reverse

from incidents.models import Incident
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client
from tests.config.test_admin_incident import change_form
from tests.incidents.test_field_views import report_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def reported_in_english(client, negotiator_user, community):
    """A neighbour dispute reported on the English field page with the title left empty."""
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # Followed, so that the English "reported" message is read on the English page.
    response = client.post(reverse("field:incident_new"), report_data(community, title=""), follow=True)
    assert response.redirect_chain[0][1] == 302
    return Incident.objects.get()


def page(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url).content.decode()


def test_an_incident_reported_without_a_title_stores_an_automatic_one_in_the_portals_language(reported_in_english):
    assert (reported_in_english.title, reported_in_english.title_is_automatic) == ("Сусідська суперечка", True)


def test_an_automatic_title_reads_in_czech_on_the_czech_field_pages(client, reported_in_english):
    detail = page(client, reverse("field:incident_detail", args=[reported_in_english.pk]), "cs")
    assert "<h1>Sousedský spor</h1>" in detail
    assert "Neighbour dispute" not in detail


def test_an_automatic_title_reads_in_ukrainian_in_the_admin(client, staff_user, reported_in_english):
    verified_login(client, staff_user)
    changelist = page(client, reverse("admin:incidents_incident_changelist"), "uk")
    assert ">Сусідська суперечка</a>" in changelist
    assert "Neighbour dispute" not in changelist
    change = page(client, reverse("admin:incidents_incident_change", args=[reported_in_english.pk]), "uk")
    assert f"#{reported_in_english.pk} Сусідська суперечка" in change


def test_an_automatic_title_reaches_partners_in_the_language_they_ask_for(partner, reported_in_english):
    api = key_client(issue_key(partner))
    answer = api.get(f"/api/v1/incidents/{reported_in_english.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert answer["title"] == "Соседский спор"
    csv = api.get("/api/v1/incidents/?format=csv", HTTP_ACCEPT_LANGUAGE="cs").content.decode()
    assert "Sousedský spor" in csv


def test_a_typed_title_stays_as_typed_in_every_language(client, negotiator_user, partner, community):
    client.force_login(negotiator_user)
    client.post(reverse("field:incident_new"), report_data(community, title="Сварка через паркан"))
    incident = Incident.objects.get()
    assert incident.title_is_automatic is False
    assert "<h1>Сварка через паркан</h1>" in page(client, reverse("field:incident_detail", args=[incident.pk]), "cs")
    api = key_client(issue_key(partner))
    answer = api.get(f"/api/v1/incidents/{incident.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert answer["title"] == "Сварка через паркан"


def test_a_title_typed_over_an_automatic_one_in_the_admin_is_kept_as_typed(client, staff_user, reported_in_english):
    verified_login(client, staff_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"  # the dates of ``change_form``
    url = reverse("admin:incidents_incident_change", args=[reported_in_english.pk])
    assert client.post(url, change_form(reported_in_english, title="Сварка через паркан")).status_code == 302
    reported_in_english.refresh_from_db()
    assert (reported_in_english.title, reported_in_english.title_is_automatic) == ("Сварка через паркан", False)


def test_an_automatic_title_saved_untouched_in_the_admin_stays_automatic(client, staff_user, reported_in_english):
    verified_login(client, staff_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"  # the dates of ``change_form``
    url = reverse("admin:incidents_incident_change", args=[reported_in_english.pk])
    assert client.post(url, change_form(reported_in_english, category="youth")).status_code == 302
    reported_in_english.refresh_from_db()
    assert (reported_in_english.title, reported_in_english.title_is_automatic) == ("Молодь", True)


def test_an_automatic_title_reaches_the_change_feed_in_the_language_asked_for(partner, reported_in_english):
    api = key_client(issue_key(partner))
    items = api.get("/api/v1/changes/", HTTP_ACCEPT_LANGUAGE="ru").json()["results"]
    titles = [item["record"]["title"] for item in items if item["collection"] == "incidents"]
    assert titles == ["Соседский спор"]
