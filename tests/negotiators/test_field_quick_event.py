"""The quick event of the field app's home page: kind, place, date and total, through the same
service as the full form (``event_log``), sent by the page script with an Idempotency-Key."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from communities.models import Topic
from negotiators.models import OutreachEvent
from tests.accounts.support import verified_login
from tests.negotiators.factories import OutreachEventFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
URL = "/field/events/quick/"


def quick_data(**overrides):
    data = {
        "kind": "public_meeting",
        "place": "Школа № 3",
        "date": timezone.localdate().isoformat(),
        "participants_total": "25",
    }
    data.update(overrides)
    return data


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def negotiator_client(english, negotiator_user):
    english.force_login(negotiator_user)
    return english


def post(client, key="quick-key-1", **overrides):
    return client.post(URL, quick_data(**overrides), HTTP_IDEMPOTENCY_KEY=key, **JSON)


def test_the_quick_event_has_its_own_address():
    assert reverse("field:event_quick") == URL


def test_a_quick_event_is_valid_with_only_kind_place_date_and_total(negotiator_client, negotiator_user, community):
    response = post(negotiator_client)
    assert response.status_code == 201
    event = OutreachEvent.objects.get()
    assert (event.community, event.kind, event.place, event.participants_total) == (
        community,
        "public_meeting",
        "Школа № 3",
        25,
    )
    assert event.date == timezone.localdate()
    assert event.title_is_automatic
    assert event.topic == Topic.OTHER
    assert event.participants_women == event.participants_men == 0
    assert event.created_by == negotiator_user


def test_a_quick_event_answers_with_the_event_the_way_home_and_the_breakdown_link(negotiator_client):
    data = post(negotiator_client).json()
    event_url = reverse("field:event_detail", args=[OutreachEvent.objects.get().pk])
    assert data["url"] == event_url
    assert data["next"] == reverse("field:home")
    assert data["message"] == "Event “Public meeting, Школа № 3” logged: 25 participants."
    assert [link["text"] for link in data["links"]] == ["See the event", "Add the breakdown"]
    assert [link["url"] for link in data["links"]] == [event_url, f"{event_url}edit/"]


def test_a_quick_event_takes_the_topic_of_my_last_event(negotiator_client, negotiator_user, community):
    OutreachEventFactory(community=community, created_by=negotiator_user, topic=Topic.YOUTH, place="Клуб")
    post(negotiator_client)
    assert OutreachEvent.objects.order_by("-pk").first().topic == Topic.YOUTH


def test_home_offers_the_quick_event_with_my_last_place(negotiator_client, negotiator_user, community):
    OutreachEventFactory(community=community, created_by=negotiator_user, place="Будинок культури")
    response = negotiator_client.get(reverse("field:home"))
    page = response.content.decode()
    assert f'action="{URL}"' in page
    assert 'inputmode="numeric"' in page
    assert response.context["quick"]["place"].value() == "Будинок культури"
    assert 'type="radio" name="kind"' in page


@pytest.mark.parametrize(
    ("overrides", "field", "sentence"),
    [
        ({"kind": ""}, "kind", "Choose the kind of event."),
        ({"participants_total": ""}, "participants_total", "Write how many people took part."),
        (
            {"participants_total": "-3"},
            "participants_total",
            "The number in “Participants in total” cannot be negative: write 0 or more.",
        ),
        (
            {"participants_total": "abc"},
            "participants_total",
            "Write a whole number in “Participants in total”, such as 12.",
        ),
    ],
)
def test_a_quick_event_errors_are_sentences_at_their_field(negotiator_client, overrides, field, sentence):
    response = post(negotiator_client, **overrides)
    assert response.status_code == 400
    assert response.json()["errors"][field] == [sentence]
    assert not OutreachEvent.objects.exists()


def test_a_quick_event_in_the_future_is_refused_with_the_reason(negotiator_client):
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    response = post(negotiator_client, date=tomorrow)
    assert response.status_code == 400
    assert "future" in response.json()["errors"]["date"][0]


def test_a_quick_event_sent_twice_is_created_once_and_replayed(negotiator_client):
    first = post(negotiator_client, key="quick-twice")
    again = post(negotiator_client, key="quick-twice")
    assert first.status_code == again.status_code == 201
    assert again["Idempotency-Replayed"] == "true"
    assert again.json() == first.json()
    assert OutreachEvent.objects.count() == 1


def test_a_quick_event_key_reused_with_other_data_is_a_conflict(negotiator_client):
    post(negotiator_client, key="quick-conflict")
    response = post(negotiator_client, key="quick-conflict", participants_total="26")
    assert response.status_code == 422
    assert OutreachEvent.objects.count() == 1


def test_a_manager_cannot_log_a_quick_event(english, manager_user, community):
    verified_login(english, manager_user)
    response = english.post(URL, quick_data(community=community.pk), HTTP_IDEMPOTENCY_KEY="m-1", **JSON)
    assert response.status_code == 403
    assert response.json()["message"] == "Programme managers can read the field pages but not log records."
    assert "quick" not in english.get(reverse("field:home")).context
    assert not OutreachEvent.objects.exists()


def test_a_negotiator_cannot_log_a_quick_event_in_another_community(negotiator_client, other_community):
    response = post(negotiator_client, community=other_community.pk)
    assert response.status_code == 400
    assert "community" in response.json()["errors"]
    assert not OutreachEvent.objects.exists()


def test_staff_choose_the_community_of_a_quick_event(english, staff_user, other_community):
    verified_login(english, staff_user)
    assert post(english).status_code == 400
    assert post(english, key="staff-2", community=other_community.pk).status_code == 201
    assert OutreachEvent.objects.get().community == other_community


def test_a_quick_event_without_script_goes_to_the_event(negotiator_client):
    response = negotiator_client.post(URL, quick_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("field:event_detail", args=[OutreachEvent.objects.get().pk])


def test_a_rejected_quick_event_without_script_comes_back_with_what_was_typed(negotiator_client):
    response = negotiator_client.post(URL, quick_data(participants_total="-1"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be negative" in page
    assert 'value="Школа № 3"' in page


def test_the_full_form_folds_its_sections_and_opens_the_one_with_an_error(negotiator_client, community):
    page = negotiator_client.get(reverse("field:event_new")).content.decode()
    assert page.count("<details") == 4
    assert page.count('<details class="section" open>') == 1
    data = {
        "community": community.pk,
        "kind": "forum",
        "date": timezone.localdate().isoformat(),
        "topic": "youth",
        "participants_total": "5",
        "participants_women": "9",
    }
    page = negotiator_client.post(reverse("field:event_new"), data).content.decode()
    breakdown = page.split("<details")[2]
    assert breakdown.startswith(' class="section" open>')
    assert "error" in breakdown
