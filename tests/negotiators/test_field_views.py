"""The field app's home and outreach-event pages, for browsers (forms and redirects) and for the
page script (JSON with an Idempotency-Key)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from api.models import IdempotencyKey
from negotiators.models import EventStatus, OutreachEvent
from tests.accounts.support import verified_login
from tests.communities.factories import UserFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def event_data(community, **overrides):
    data = {
        "community": community.pk,
        "kind": "information_session",
        "date": timezone.localdate().isoformat(),
        "place": "Школа № 3",
        "topic": "youth",
        "participants_total": "20",
        "participants_women": "12",
        "participants_men": "8",
        "participants_youth": "5",
        "police_present": "on",
        "summary": "Обговорили безпеку дорогою до школи.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def negotiator_client(client, negotiator_user):
    client.force_login(negotiator_user)
    return client


# --- who may open the field app ------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_fixture", "status"),
    [("negotiator_user", 200), ("staff_user", 200), ("manager_user", 200), ("partner_user", 403)],
)
def test_field_home_is_for_negotiators_staff_and_managers(request, client, user_fixture, status):
    verified_login(client, request.getfixturevalue(user_fixture))
    assert client.get(reverse("field:home")).status_code == status


def test_anonymous_browser_is_sent_to_the_field_login(client):
    response = client.get(reverse("field:event_new"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('field:login')}?next=%2Ffield%2Fevents%2Fnew%2F"


def test_anonymous_script_gets_401_with_the_login_url_instead_of_a_redirect(client, community):
    response = client.post(reverse("field:event_new"), event_data(community), **JSON)
    assert response.status_code == 401
    assert response.json()["login_url"] == reverse("field:login")
    assert not OutreachEvent.objects.exists()


def test_portal_home_sends_negotiators_to_the_field_app(negotiator_client):
    response = negotiator_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("field:home")


def test_field_login_lands_a_negotiator_on_the_field_home(client, negotiator_user):
    response = client.post(reverse("field:login"), {"username": "negotiator-user", "password": "secret-password"})
    assert response.status_code == 302
    assert response["Location"] == reverse("field:home")


@pytest.mark.parametrize("role", [Role.NEGOTIATOR, Role.STAFF, Role.PROGRAMME_MANAGER])
def test_portal_home_shows_the_field_app_tile_to_field_roles_other_than_negotiators(client, role):
    user = UserFactory(role=role)
    verified_login(client, user)
    response = client.get(reverse("home"))
    if role == Role.NEGOTIATOR:
        assert response.status_code == 302
    else:
        assert reverse("field:home") in response.content.decode()


def test_partner_home_has_no_field_app_tile(client, partner_user):
    client.force_login(partner_user)
    assert reverse("field:home") not in client.get(reverse("home")).content.decode()


# --- home ----------------------------------------------------------------------------------


def test_home_shows_my_community_and_what_i_logged(negotiator_client, negotiator_user, community, other_community):
    OutreachEventFactory(community=community, title="Моя зустріч", created_by=negotiator_user)
    OutreachEventFactory(community=other_community, title="Чужа зустріч")
    page = negotiator_client.get(reverse("field:home")).content.decode()
    assert community.name in page
    assert "Моя зустріч" in page
    assert "Чужа зустріч" not in page


def test_home_of_a_manager_is_read_only(client, manager_user):
    verified_login(client, manager_user)
    page = client.get(reverse("field:home")).content.decode()
    assert f'href="{reverse("field:event_new")}"' not in page
    assert f'href="{reverse("field:incident_new")}"' not in page


# --- logging an event from a browser (no script) ------------------------------------------


def test_event_form_defaults_to_today_and_my_community(negotiator_client, community):
    form = negotiator_client.get(reverse("field:event_new")).context["form"]
    assert form["date"].value() == timezone.localdate()
    assert form["community"].value() == community.pk
    assert form.fields["community"].widget.is_hidden


def test_event_form_inputs_bring_up_the_right_keyboards(negotiator_client):
    page = negotiator_client.get(reverse("field:event_new")).content.decode()
    assert 'type="date"' in page
    assert page.count('inputmode="numeric"') == 7
    assert "<label" in page


def test_a_logged_event_is_saved_and_the_browser_goes_to_it(negotiator_client, negotiator_user, community):
    response = negotiator_client.post(reverse("field:event_new"), event_data(community))
    event = OutreachEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("field:event_detail", args=[event.pk])
    assert (event.community, event.created_by, event.participants_total) == (community, negotiator_user, 20)
    assert (event.police_present, event.ngos_present) == (True, False)
    assert event.organisers.get().user == negotiator_user
    assert event.title == "Інформаційна зустріч, Школа № 3"


def test_a_double_tapped_form_creates_one_event(negotiator_client, community):
    data = event_data(community, idempotency_key="form-key-1")
    first = negotiator_client.post(reverse("field:event_new"), data)
    second = negotiator_client.post(reverse("field:event_new"), data)
    assert OutreachEvent.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"participants_women": "15"}, "participants_men", "cannot exceed the total"),
        ({"participants_youth": "21"}, "participants_youth", "Cannot exceed the total"),
        ({"participants_veterans": "-2"}, "participants_veterans", "cannot be negative: write 0 or more"),
        ({"participants_total": "двадцять"}, "participants_total", "whole number"),
        ({"date": (timezone.localdate() + timedelta(days=1)).isoformat()}, "date", "cannot be in the future"),
        ({"kind": ""}, "kind", "required"),
    ],
)
def test_a_rejected_event_comes_back_with_everything_typed_and_the_error_at_its_field(
    negotiator_client, community, overrides, field, message
):
    negotiator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = event_data(community, **overrides)
    response = negotiator_client.post(reverse("field:event_new"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert 'value="Школа № 3"' in page
    assert "Обговорили безпеку дорогою до школи." in page
    assert not OutreachEvent.objects.exists()


def test_errors_come_in_the_users_language(negotiator_client, community):
    negotiator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    response = negotiator_client.post(reverse("field:event_new"), event_data(community, participants_women="15"))
    assert "Кількість жінок і чоловіків разом не може перевищувати" in " ".join(
        response.context["form"].errors["participants_men"]
    )


@pytest.mark.parametrize("field", ["participants_total", "participants_youth", "participants_vulnerable"])
def test_a_negative_count_is_answered_with_a_sentence_naming_its_field(negotiator_client, community, field):
    negotiator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = negotiator_client.post(reverse("field:event_new"), event_data(community, **{field: "-3"}), **JSON)
    assert response.status_code == 400
    label = {"participants_total": "Participants in total", "participants_youth": "Youth"}.get(
        field, "Other vulnerable groups"
    )
    assert response.json()["errors"][field] == [f"The number in “{label}” cannot be negative: write 0 or more."]


def test_a_negative_count_is_answered_in_the_users_language(negotiator_client, community):
    negotiator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    response = negotiator_client.post(reverse("field:event_new"), event_data(community, participants_total="-1"))
    [error] = response.context["form"].errors["participants_total"]
    assert "Усього учасників" in error  # the field's Ukrainian label in the sentence
    assert "0" in error
    assert "більше або дорівнює" not in error  # not Django's generic "greater than or equal to"


def test_women_and_men_make_the_total_when_it_is_left_empty(negotiator_client, community):
    negotiator_client.post(reverse("field:event_new"), event_data(community, participants_total=""))
    assert OutreachEvent.objects.get().participants_total == 20


def test_a_negotiator_cannot_log_an_event_in_another_community(negotiator_client, other_community):
    response = negotiator_client.post(reverse("field:event_new"), event_data(other_community), **JSON)
    assert response.status_code == 400
    assert "community" in response.json()["errors"]
    assert not OutreachEvent.objects.exists()


def test_staff_choose_the_community_and_it_is_remembered(client, staff_user, other_community):
    verified_login(client, staff_user)
    form = client.get(reverse("field:event_new")).context["form"]
    assert not form.fields["community"].widget.is_hidden
    client.post(reverse("field:event_new"), event_data(other_community))
    assert OutreachEvent.objects.get().community == other_community
    assert client.get(reverse("field:event_new")).context["form"]["community"].value() == other_community.pk


def test_a_manager_cannot_log_an_event(english, manager_user, community):
    verified_login(english, manager_user)
    assert english.get(reverse("field:event_new")).status_code == 403
    response = english.post(reverse("field:event_new"), event_data(community), **JSON)
    assert response.status_code == 403
    assert response.json()["message"] == "Programme managers can read the field pages but not log records."
    assert not OutreachEvent.objects.exists()


# --- the page script: JSON and Idempotency-Key --------------------------------------------


def post_json(client, community, key, **overrides):
    return client.post(reverse("field:event_new"), event_data(community, **overrides), HTTP_IDEMPOTENCY_KEY=key, **JSON)


def test_a_queued_event_sent_twice_is_created_once_and_replayed(negotiator_client, community):
    first = post_json(negotiator_client, community, "6f1c0e4e-queued")
    again = post_json(negotiator_client, community, "6f1c0e4e-queued")
    assert OutreachEvent.objects.count() == 1
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotency-Replayed"] == "true"
    event = OutreachEvent.objects.get()
    assert first.json()["url"] == reverse("field:event_detail", args=[event.pk])


def test_the_same_key_with_different_data_is_a_conflict_the_user_sees(negotiator_client, community):
    post_json(negotiator_client, community, "key-1")
    response = post_json(negotiator_client, community, "key-1", participants_total="21")
    # The API's answer to the same mistake.
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_conflict"
    assert response.json()["message"]
    assert OutreachEvent.objects.count() == 1


def test_a_rejected_submission_answers_field_errors_and_frees_its_key(negotiator_client, community):
    response = post_json(negotiator_client, community, "key-2", participants_women="15")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"participants_men"}
    assert not IdempotencyKey.objects.filter(key="key-2").exists()
    fixed = post_json(negotiator_client, community, "key-2")
    assert fixed.status_code == 201
    assert OutreachEvent.objects.count() == 1


def test_an_unusable_idempotency_key_is_refused(negotiator_client, community):
    response = post_json(negotiator_client, community, "x" * 200)
    assert response.status_code == 400
    assert not OutreachEvent.objects.exists()


# --- reading -------------------------------------------------------------------------------


def test_an_event_of_another_community_is_not_found(negotiator_client, other_community):
    event = OutreachEventFactory(community=other_community)
    assert negotiator_client.get(reverse("field:event_detail", args=[event.pk])).status_code == 404


def test_an_event_of_my_community_shows_its_figures(negotiator_client, community):
    event = OutreachEventFactory(community=community, participants_total=33)
    response = negotiator_client.get(reverse("field:event_detail", args=[event.pk]))
    assert response.status_code == 200
    assert "33" in response.content.decode()


def test_a_negotiator_without_an_active_record_is_told_to_ask_staff(english, community):
    user = UserFactory(role=Role.NEGOTIATOR)
    NegotiatorFactory(community=community, user=user, is_active=False)
    verified_login(english, user)
    assert english.get(reverse("field:event_new")).status_code == 403
    assert "not linked to a community" in english.get(reverse("field:home")).content.decode()


def test_the_field_app_logs_held_events_and_refuses_a_future_date_with_the_reason(negotiator_client, community):
    negotiator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = negotiator_client.post(reverse("field:event_new"), event_data(community, date=tomorrow))
    assert response.context["form"].errors["date"] == [
        "A held event cannot be in the future: plan it, or log it once it has taken place."
    ]
    negotiator_client.post(reverse("field:event_new"), event_data(community))
    assert OutreachEvent.objects.get().status == EventStatus.HELD
