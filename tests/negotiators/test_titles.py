"""An event logged without a title gets an automatic one (its kind and place) that every reader
sees in their own language: the field pages, the admin, the partner API; a typed title stays."""

import pytest
from django.conf import settings
from django.urls import reverse

from negotiators.models import OutreachEvent
from tests.accounts.support import verified_login
from tests.casework.test_admin import page_data
from tests.communities.api_support import issue_key, key_client
from tests.negotiators.factories import OutreachEventFactory
from tests.negotiators.test_field_views import event_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

PLACE = "Школа №3"


@pytest.fixture
def logged_in_english(client, negotiator_user, community):
    """An event logged on the English field page with the title left empty."""
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = event_data(community, kind="public_meeting", place=PLACE, title="")
    # Followed, so that the English "logged" message is read on the English page.
    assert client.post(reverse("field:event_new"), data, follow=True).redirect_chain[0][1] == 302
    return OutreachEvent.objects.get()


def page(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url).content.decode()


def test_an_event_logged_without_a_title_stores_an_automatic_one_in_the_portals_language(logged_in_english):
    assert logged_in_english.title_is_automatic is True
    assert logged_in_english.title == f"Громадські збори, {PLACE}"


def test_an_automatic_title_reads_in_czech_on_the_czech_field_pages(client, logged_in_english):
    detail = page(client, reverse("field:event_detail", args=[logged_in_english.pk]), "cs")
    assert f"<h1>Veřejné setkání, {PLACE}</h1>" in detail
    assert "Public meeting" not in detail
    assert f"Veřejné setkání, {PLACE}" in page(client, reverse("field:home"), "cs")


def test_an_automatic_title_reads_in_ukrainian_in_the_admin(client, staff_user, logged_in_english):
    verified_login(client, staff_user)
    changelist = page(client, reverse("admin:negotiators_outreachevent_changelist"), "uk")
    assert f"Громадські збори, {PLACE}" in changelist
    assert "Public meeting" not in changelist


def test_an_automatic_title_reaches_partners_in_the_language_they_ask_for(partner, logged_in_english):
    api = key_client(issue_key(partner))
    answer = api.get(f"/api/v1/events/{logged_in_english.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert answer["title"] == f"Общественное собрание, {PLACE}"
    rows = api.get("/api/v1/events/", HTTP_ACCEPT_LANGUAGE="cs").json()["results"]
    assert [row["title"] for row in rows] == [f"Veřejné setkání, {PLACE}"]


def test_a_typed_title_stays_as_typed_in_every_language(client, negotiator_user, partner, community):
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = event_data(community, kind="public_meeting", place=PLACE, title="Зустріч з поліцією")
    client.post(reverse("field:event_new"), data)
    event = OutreachEvent.objects.get()
    assert event.title_is_automatic is False
    assert "<h1>Зустріч з поліцією</h1>" in page(client, reverse("field:event_detail", args=[event.pk]), "cs")
    answer = key_client(issue_key(partner)).get(f"/api/v1/events/{event.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert answer["title"] == "Зустріч з поліцією"


def test_an_automatic_title_without_a_place_is_the_kind():
    event = OutreachEventFactory(kind="round_table", place="", title="", title_is_automatic=True)
    assert event.title == "Круглий стіл"
    assert str(event).endswith(" Круглий стіл")


def test_an_automatic_title_follows_a_corrected_place(staff_user, logged_in_english):
    from negotiators.services import event_update

    logged_in_english.place = "Бібліотека"
    event_update(event=logged_in_english, actor=staff_user)
    logged_in_english.refresh_from_db()
    assert (logged_in_english.title, logged_in_english.title_is_automatic) == ("Громадські збори, Бібліотека", True)


def test_a_title_typed_over_an_automatic_one_in_the_admin_is_kept_as_typed(client, staff_user, logged_in_english):
    verified_login(client, staff_user)
    url = reverse("admin:negotiators_outreachevent_change", args=[logged_in_english.pk])
    data = {**page_data(client.get(url)), "title": "Збори батьків"}
    assert client.post(url, data).status_code == 302
    logged_in_english.refresh_from_db()
    assert (logged_in_english.title, logged_in_english.title_is_automatic) == ("Збори батьків", False)


def test_an_automatic_title_saved_untouched_in_the_admin_stays_automatic(client, staff_user, logged_in_english):
    verified_login(client, staff_user)
    url = reverse("admin:negotiators_outreachevent_change", args=[logged_in_english.pk])
    assert client.post(url, page_data(client.get(url))).status_code == 302
    logged_in_english.refresh_from_db()
    assert logged_in_english.title_is_automatic is True
