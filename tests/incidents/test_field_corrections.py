"""Correcting an incident and an action after sending them from the field app: who may and until
when, the version conflict, exactly once per key, the change history and the partners' feed."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from incidents.models import ActionKind, Incident, IncidentAction
from incidents.services import incident_correct
from negotiators.corrections import FIELD_APP_REASON
from negotiators.forms import SplitDateTimeField
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import UserFactory
from tests.incidents.test_field_views import report_data
from tests.negotiators.factories import NegotiatorFactory
from tests.sync.support import follow

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def negotiator_client(client, negotiator_user):
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def incident(negotiator_client, community):
    assert negotiator_client.post(reverse("field:incident_new"), report_data(community)).status_code == 302
    return Incident.objects.get()


@pytest.fixture
def action(negotiator_client, incident):
    when = timezone.localtime() - timedelta(minutes=30)
    data = {
        "action-kind": "mediation_meeting",
        "action-performed_at_0": when.date().isoformat(),
        "action-performed_at_1": when.strftime("%H:%M"),
        "action-description": "Зустріч сторін у школі.",
    }
    assert negotiator_client.post(reverse("field:incident_action", args=[incident.pk]), data).status_code == 302
    return IncidentAction.objects.get(kind=ActionKind.MEDIATION_MEETING)


def loaded(client, url) -> dict:
    """The correction form as the phone loaded it, as it would post it."""
    form = client.get(url).context["form"]
    data = {}
    for name, bound in ((name, form[name]) for name in form.fields if name != "community"):
        value = bound.value()
        if isinstance(bound.field, SplitDateTimeField):
            day, moment = bound.field.widget.decompress(value)  # type: ignore[call-arg]
            data[f"{name}_0"], data[f"{name}_1"] = day.isoformat(), moment.strftime("%H:%M")
        elif value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    return data


def edit_url(incident):
    return reverse("field:incident_edit", args=[incident.pk])


def action_url(action):
    return reverse("field:incident_action_edit", args=[action.incident_id, action.pk])


def age(model, record, days):
    model.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(days=days))
    record.refresh_from_db()


# --- the incident ---------------------------------------------------------------------------


def test_the_reporter_corrects_the_severity_and_the_history_says_who_from_the_field_app(
    negotiator_client, negotiator_user, incident
):
    data = loaded(negotiator_client, edit_url(incident)) | {"severity": "4", "location": "біля школи"}
    response = negotiator_client.post(edit_url(incident), data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.severity, incident.location, incident.description) == (4, "біля школи", "Сварка через паркан.")
    latest = incident.history.first()
    assert (latest.history_user, latest.history_change_reason) == (negotiator_user, FIELD_APP_REASON)
    assert incident.parties.count() == 1  # the people involved are not on the correction form


def test_the_case_page_links_to_the_correction_until_when_and_the_form_has_no_people(negotiator_client, incident):
    page = negotiator_client.get(reverse("field:incident_detail", args=[incident.pk])).content.decode()
    assert edit_url(incident) in page
    assert "Correct this incident" in page
    form = negotiator_client.get(edit_url(incident))
    assert form["Cache-Control"].startswith("max-age=0") or "no-store" in form["Cache-Control"]
    assert "party-TOTAL_FORMS" not in form.content.decode()


def test_after_the_window_the_reporter_is_refused_and_staff_still_correct(
    client, negotiator_client, incident, staff_user, settings
):
    settings.FIELD_EDIT_DAYS = 3
    age(Incident, incident, 4)
    response = negotiator_client.get(edit_url(incident))
    assert response.status_code == 403
    assert "for 3 days" in response.content.decode()
    verified_login(client, staff_user)
    data = loaded(client, edit_url(incident)) | {"severity": "1"}
    assert client.post(edit_url(incident), data).status_code == 302
    assert Incident.objects.get().severity == 1


def test_another_negotiator_and_a_manager_cannot_correct_the_incident(client, community, incident, manager_user):
    colleague = UserFactory(role="negotiator")
    NegotiatorFactory(community=community, user=colleague)
    client.force_login(colleague)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(edit_url(incident), report_data(community), **JSON)
    assert response.status_code == 403
    assert response.json()["message"] == "Only the person who sent this record, or the programme staff, can correct it."
    verified_login(client, manager_user)
    assert client.get(edit_url(incident)).status_code == 403


def test_a_stale_incident_answers_409_with_both_versions(negotiator_client, staff_user, incident):
    data = loaded(negotiator_client, edit_url(incident)) | {"severity": "4"}
    incident_correct(incident=incident, actor=staff_user, changes={"severity": 1})
    response = negotiator_client.post(edit_url(incident), data, HTTP_IDEMPOTENCY_KEY="i-1", **JSON)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "edit_conflict"
    assert body["yours"]["severity"] == {"label": "Severity", "value": "Critical"}
    assert body["server"]["severity"] == {"label": "Severity", "value": "Low"}
    replay = negotiator_client.post(edit_url(incident), data, HTTP_IDEMPOTENCY_KEY="i-1", **JSON)
    assert replay.status_code == 409  # nothing was written under that key
    kept = negotiator_client.post(
        edit_url(incident), data | {"version": body["version"]}, HTTP_IDEMPOTENCY_KEY="i-2", **JSON
    )
    assert kept.status_code == 200
    assert Incident.objects.get().severity == 4


def test_a_corrected_incident_reaches_the_partners_feed_as_an_update(
    negotiator_client, incident, partner, api_settings
):
    partner_client = key_client(issue_key(partner))
    copy: dict = {}
    cursor, _items = follow(partner_client, copy)
    assert copy[("incidents", incident.pk)]["severity"] == 3
    data = loaded(negotiator_client, edit_url(incident)) | {"severity": "4"}
    assert negotiator_client.post(edit_url(incident), data).status_code == 302
    _cursor, items = follow(partner_client, copy, cursor)
    assert [(item["collection"], item["id"], item["change"]) for item in items] == [
        ("incidents", incident.pk, "update")
    ]
    assert copy[("incidents", incident.pk)]["severity"] == 4
    assert "description" not in copy[("incidents", incident.pk)]


# --- an action ------------------------------------------------------------------------------


def test_whoever_logged_an_action_corrects_it_with_its_history(negotiator_client, negotiator_user, action):
    page = negotiator_client.get(reverse("field:incident_detail", args=[action.incident_id])).content.decode()
    assert action_url(action) in page
    performed_at = action.performed_at
    data = loaded(negotiator_client, action_url(action)) | {"description": "Зустріч сторін у бібліотеці."}
    response = negotiator_client.post(action_url(action), data, HTTP_IDEMPOTENCY_KEY="a-1", **JSON)
    assert response.status_code == 200, response.content
    action.refresh_from_db()
    assert action.description == "Зустріч сторін у бібліотеці."
    assert action.performed_at == performed_at  # left at its minute: not moved to it
    latest = action.history.first()
    assert (latest.history_user, latest.history_change_reason) == (negotiator_user, FIELD_APP_REASON)
    again = negotiator_client.post(action_url(action), data, HTTP_IDEMPOTENCY_KEY="a-1", **JSON)
    assert again["Idempotency-Replayed"] == "true"
    assert action.history.count() == 2


def test_staff_read_who_corrected_an_action_on_its_history_page(client, negotiator_client, action, staff_user):
    data = loaded(negotiator_client, action_url(action)) | {"description": "Зустріч сторін у бібліотеці."}
    assert negotiator_client.post(action_url(action), data, HTTP_IDEMPOTENCY_KEY="a-2", **JSON).status_code == 200
    verified_login(client, staff_user)
    change = client.get(reverse("admin:incidents_incidentaction_change", args=[action.pk]), HTTP_ACCEPT_LANGUAGE="en")
    history_url = reverse("admin:incidents_incidentaction_history", args=[action.pk])
    assert history_url in change.content.decode()

    page = client.get(history_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Зустріч сторін у бібліотеці." in page
    assert FIELD_APP_REASON in page
    assert "negotiator-user" in page


def test_the_workflows_own_entries_cannot_be_corrected(negotiator_client, incident):
    reported = incident.actions.get(kind=ActionKind.REPORTED)
    response = negotiator_client.get(action_url(reported))
    assert response.status_code == 403
    assert "cannot be corrected" in response.content.decode()


def test_an_action_past_the_window_or_of_someone_else_is_refused(
    client, negotiator_client, community, action, settings
):
    settings.FIELD_EDIT_DAYS = 1
    age(IncidentAction, action, 2)
    assert negotiator_client.get(action_url(action)).status_code == 403
    settings.FIELD_EDIT_DAYS = 7
    colleague = UserFactory(role="negotiator")
    NegotiatorFactory(community=community, user=colleague)
    client.force_login(colleague)
    assert client.get(action_url(action)).status_code == 403


def test_an_action_cannot_be_moved_before_the_incident(negotiator_client, incident, action):
    data = loaded(negotiator_client, action_url(action))
    before = timezone.localtime(incident.occurred_at) - timedelta(days=2)
    data |= {"performed_at_0": before.date().isoformat(), "performed_at_1": before.strftime("%H:%M")}
    response = negotiator_client.post(action_url(action), data, HTTP_IDEMPOTENCY_KEY="a-early", **JSON)
    assert response.status_code == 400
    assert response.json()["errors"]["performed_at"] == ["An action cannot be dated before the incident happened."]


def test_a_corrected_action_changes_the_case_in_the_partners_feed(negotiator_client, action, partner, api_settings):
    partner_client = key_client(issue_key(partner))
    copy: dict = {}
    cursor, _items = follow(partner_client, copy)
    data = loaded(negotiator_client, action_url(action)) | {"kind": "follow_up"}
    assert negotiator_client.post(action_url(action), data).status_code == 302
    _cursor, items = follow(partner_client, copy, cursor)
    assert ("incidents", action.incident_id, "update") in [(i["collection"], i["id"], i["change"]) for i in items]
