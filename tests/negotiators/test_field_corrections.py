"""Correcting an event after sending it from the field app: who may and until when
(``FIELD_EDIT_DAYS``), the version conflict (409 with both versions), exactly once per key, the
change history, and the partners' change feed."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from negotiators.corrections import FIELD_APP_REASON
from negotiators.models import OutreachEvent
from negotiators.services import event_correct
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import UserFactory
from tests.negotiators.factories import NegotiatorFactory
from tests.negotiators.test_field_views import event_data
from tests.sync.support import follow

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def negotiator_client(client, negotiator_user):
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def event(negotiator_client, community):
    """An event the negotiator sent from the field app."""
    assert negotiator_client.post(reverse("field:event_new"), event_data(community)).status_code == 302
    return OutreachEvent.objects.get()


def edit_url(event):
    return reverse("field:event_edit", args=[event.pk])


def loaded(client, event) -> dict:
    """The correction form as the phone loaded it: its fields and the version token."""
    form = client.get(edit_url(event)).context["form"]
    data = {name: form[name].value() for name in form.fields if name != "community"}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    data = {name: "on" if value is True else value for name, value in data.items()}
    data["date"] = event.date.isoformat()
    return data


def age(event, days):
    OutreachEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(days=days))
    event.refresh_from_db()


# --- who may correct, until when -------------------------------------------------------------


def test_the_sender_corrects_the_total_and_the_history_says_who_from_the_field_app(
    negotiator_client, negotiator_user, event
):
    data = loaded(negotiator_client, event) | {"participants_total": "25"}
    response = negotiator_client.post(edit_url(event), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("field:event_detail", args=[event.pk])
    event.refresh_from_db()
    assert event.participants_total == 25
    assert event.place == "Школа № 3"  # what was not changed stays
    latest = event.history.first()
    assert (latest.history_user, latest.history_change_reason) == (negotiator_user, FIELD_APP_REASON)
    assert latest.prev_record.participants_total == 20


def test_the_form_opens_with_the_record_and_the_page_links_to_it_saying_until_when(negotiator_client, event):
    page = negotiator_client.get(edit_url(event)).content.decode()
    assert 'value="Школа № 3"' in page
    assert 'name="version"' in page
    assert "data-edit" in page
    assert "You can correct it until" in page
    detail = negotiator_client.get(reverse("field:event_detail", args=[event.pk])).content.decode()
    assert edit_url(event) in detail
    assert "Correct this event" in detail
    assert "until" in detail


def test_an_empty_title_makes_it_automatic_again(negotiator_client, event):
    data = loaded(negotiator_client, event) | {"title": "Зустріч у школі"}
    negotiator_client.post(edit_url(event), data)
    event.refresh_from_db()
    assert (event.title, event.title_is_automatic) == ("Зустріч у школі", False)
    negotiator_client.post(edit_url(event), loaded(negotiator_client, event) | {"title": ""})
    event.refresh_from_db()
    assert event.title_is_automatic is True


def test_the_window_follows_the_setting_and_then_the_sender_is_told_why_not(negotiator_client, event, settings):
    settings.FIELD_EDIT_DAYS = 7
    age(event, 6)
    assert negotiator_client.get(edit_url(event)).status_code == 200
    settings.FIELD_EDIT_DAYS = 5
    response = negotiator_client.get(edit_url(event))
    assert response.status_code == 403
    assert "can be corrected from the phone for 5 days" in response.content.decode()
    assert "Ask the programme staff" in response.content.decode()
    refused = negotiator_client.post(edit_url(event), event_data(event.community), **JSON)
    assert refused.status_code == 403
    assert "for 5 days" in refused.json()["message"]
    detail = negotiator_client.get(reverse("field:event_detail", args=[event.pk])).content.decode()
    assert edit_url(event) not in detail
    assert OutreachEvent.objects.get().participants_total == 20


def test_staff_correct_any_event_at_any_time(client, staff_user, event):
    age(event, 400)
    verified_login(client, staff_user)
    data = loaded(client, event) | {"participants_total": "21"}
    assert client.post(edit_url(event), data).status_code == 302
    event.refresh_from_db()
    assert event.participants_total == 21
    assert event.history.first().history_user == staff_user


def test_another_negotiator_of_the_community_is_refused_and_one_of_another_community_finds_nothing(
    client, community, other_community, event
):
    colleague = UserFactory(role="negotiator")
    NegotiatorFactory(community=community, user=colleague)
    client.force_login(colleague)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(edit_url(event))
    assert response.status_code == 403
    assert "Only the person who sent this record, or the programme staff, can correct it." in response.content.decode()
    stranger = UserFactory(role="negotiator")
    NegotiatorFactory(community=other_community, user=stranger)
    client.force_login(stranger)
    assert client.get(edit_url(event)).status_code == 404


def test_an_organiser_corrects_an_event_someone_else_logged(client, community, event, staff_user):
    organiser_user = UserFactory(role="negotiator")
    organiser = NegotiatorFactory(community=community, user=organiser_user)
    event.organisers.add(organiser)
    client.force_login(organiser_user)
    assert client.get(edit_url(event)).status_code == 200


def test_a_programme_manager_cannot_correct(client, manager_user, event):
    verified_login(client, manager_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(edit_url(event))
    assert response.status_code == 403
    assert "Programme managers can read the field pages but not log records." in response.content.decode()
    assert client.post(edit_url(event), event_data(event.community), **JSON).status_code == 403


def test_a_negative_count_is_a_sentence_next_to_the_field(negotiator_client, event):
    data = loaded(negotiator_client, event) | {"participants_women": "-2"}
    response = negotiator_client.post(edit_url(event), data, HTTP_IDEMPOTENCY_KEY="k-neg", **JSON)
    assert response.status_code == 400
    assert response.json()["errors"]["participants_women"] == [
        "The number in “Women” cannot be negative: write 0 or more."
    ]
    women_over_total = loaded(negotiator_client, event) | {"participants_women": "30"}
    response = negotiator_client.post(edit_url(event), women_over_total, HTTP_IDEMPOTENCY_KEY="k-over", **JSON)
    assert response.status_code == 400
    assert OutreachEvent.objects.get().participants_women == 12


# --- exactly once, and the conflict rule -------------------------------------------------------


def test_the_same_key_twice_corrects_once_and_replays_the_answer(negotiator_client, event):
    data = loaded(negotiator_client, event) | {"participants_total": "25"}
    first = negotiator_client.post(edit_url(event), data, HTTP_IDEMPOTENCY_KEY="edit-1", **JSON)
    again = negotiator_client.post(edit_url(event), data, HTTP_IDEMPOTENCY_KEY="edit-1", **JSON)
    assert first.status_code == again.status_code == 200
    assert again["Idempotency-Replayed"] == "true"
    assert again.json() == first.json()
    assert "corrected" in first.json()["message"]
    assert event.history.filter(history_type="~").count() == 1


def test_a_stale_version_answers_409_with_both_versions_and_keep_mine_needs_the_new_version(
    negotiator_client, staff_user, event
):
    data = loaded(negotiator_client, event) | {"participants_total": "25"}
    event_correct(event=event, actor=staff_user, changes={"participants_total": 30, "place": "Бібліотека"})
    response = negotiator_client.post(edit_url(event), data, HTTP_IDEMPOTENCY_KEY="edit-a", **JSON)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "edit_conflict"
    assert "changed by someone else" in body["message"]
    assert body["yours"]["participants_total"] == {"label": "Participants in total", "value": "25"}
    assert body["server"]["participants_total"] == {"label": "Participants in total", "value": "30"}
    assert body["server"]["place"]["value"] == "Бібліотека"
    assert body["yours"]["place"]["value"] == "Школа № 3"
    assert OutreachEvent.objects.get().participants_total == 30
    # Keep mine: sent again with the server's version, under a new key.
    kept = negotiator_client.post(
        edit_url(event), data | {"version": body["version"]}, HTTP_IDEMPOTENCY_KEY="edit-b", **JSON
    )
    assert kept.status_code == 200
    event.refresh_from_db()
    assert (event.participants_total, event.place) == (25, "Школа № 3")


def test_a_stale_version_with_the_servers_very_values_is_no_conflict(negotiator_client, staff_user, event):
    data = loaded(negotiator_client, event) | {"participants_total": "30"}
    event_correct(event=event, actor=staff_user, changes={"participants_total": 30})
    response = negotiator_client.post(edit_url(event), data, HTTP_IDEMPOTENCY_KEY="edit-same", **JSON)
    assert response.status_code == 200


def test_without_javascript_a_stale_version_shows_the_choice_as_a_page(negotiator_client, staff_user, event):
    data = loaded(negotiator_client, event) | {"participants_total": "25"}
    event_correct(event=event, actor=staff_user, changes={"participants_total": 30})
    response = negotiator_client.post(edit_url(event), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by someone else" in page
    assert "<td>25</td><td>30</td>" in page
    assert "Keep mine" in page
    assert "Keep the server’s" in page
    new_version = response.context["edit"].version
    assert f'name="version" value="{new_version}"' in page
    # Keep mine, as the page's button posts it: the form again, with the new version.
    again = negotiator_client.post(edit_url(event), data | {"version": new_version})
    assert again.status_code == 302
    assert OutreachEvent.objects.get().participants_total == 25


# --- partners -------------------------------------------------------------------------------


def test_a_correction_reaches_the_partners_change_feed_as_an_update(negotiator_client, event, partner, api_settings):
    partner_client = key_client(issue_key(partner))
    copy: dict = {}
    cursor, _items = follow(partner_client, copy)
    assert copy[("events", event.pk)]["participants_total"] == 20
    data = loaded(negotiator_client, event) | {"participants_total": "25"}
    assert negotiator_client.post(edit_url(event), data).status_code == 302
    _cursor, items = follow(partner_client, copy, cursor)
    assert [(item["collection"], item["id"], item["change"]) for item in items] == [("events", event.pk, "update")]
    assert copy[("events", event.pk)]["participants_total"] == 25
