"""The field app's incident pages: reporting a case, its page, moving it along the workflow and
logging actions, scoped to the negotiator's community."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from incidents.models import ActionKind, Incident, IncidentAction, IncidentParty, IncidentStatus
from incidents.services import incident_transition
from tests.accounts.support import verified_login
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def negotiator_client(client, negotiator_user):
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def report_data(community, **overrides):
    when = timezone.localtime() - timedelta(hours=2)
    data = {
        "community": community.pk,
        "category": "neighbour_dispute",
        "severity": "3",
        "occurred_at_0": when.date().isoformat(),
        "occurred_at_1": when.strftime("%H:%M"),
        "location": "вул. Шевченка, 12",
        "description": "Сварка через паркан.",
        "source": "resident",
        "police_involved": "on",
        "party-TOTAL_FORMS": "2",
        "party-INITIAL_FORMS": "0",
        "party-MIN_NUM_FORMS": "0",
        "party-MAX_NUM_FORMS": "10",
        "party-0-full_name": "Петренко Іван",
        "party-0-role": "complainant",
        "party-0-phone": "+380671112233",
        "party-1-full_name": "",
        "party-1-role": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def incident(community, negotiator_user):
    return IncidentFactory(community=community, created_by=negotiator_user)


# --- reporting -----------------------------------------------------------------------------


def test_a_reported_incident_is_saved_with_its_parties_and_opens_its_page(
    negotiator_client, negotiator_user, community
):
    response = negotiator_client.post(reverse("field:incident_new"), report_data(community))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("field:incident_detail", args=[incident.pk])
    assert (incident.community, incident.status, incident.severity) == (community, IncidentStatus.REPORTED, 3)
    assert incident.police_involved is True
    assert incident.negotiator.user == negotiator_user
    assert (incident.title, incident.title_is_automatic) == ("Сусідська суперечка", True)
    party = IncidentParty.objects.get()
    assert (party.full_name, party.role) == ("Петренко Іван", "complainant")
    assert incident.actions.get().kind == ActionKind.REPORTED


def test_a_partys_sex_and_age_group_may_be_recorded_and_under_18_is_a_minor(negotiator_client, community):
    data = report_data(community, **{"party-0-sex": "female", "party-0-age_group": "0-17"})
    assert negotiator_client.post(reverse("field:incident_new"), data).status_code == 302
    party = IncidentParty.objects.get()
    assert (party.sex, party.age_group, party.is_minor, party.vulnerable_group) == ("female", "0-17", True, "")


def test_the_incident_form_defaults_to_now_and_my_community(negotiator_client, community):
    form = negotiator_client.get(reverse("field:incident_new")).context["form"]
    assert form["community"].value() == community.pk
    occurred = form["occurred_at"].value()
    assert abs(occurred - timezone.localtime()) < timedelta(minutes=2)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occurred_at_0": (timezone.localdate() + timedelta(days=2)).isoformat()}, "occurred_at"),
        ({"occurred_at_0": ""}, "occurred_at"),
        ({"severity": "7"}, "severity"),
        ({"party-1-phone": "+380"}, "party-1-full_name"),
        ({"party-0-role": ""}, "party-0-role"),
    ],
)
def test_a_rejected_report_answers_errors_by_field_name(negotiator_client, community, overrides, field):
    response = negotiator_client.post(
        reverse("field:incident_new"), report_data(community, **overrides), HTTP_IDEMPOTENCY_KEY="k1", **JSON
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Incident.objects.exists()


def test_a_rejected_report_keeps_what_was_typed(negotiator_client, community):
    data = report_data(community, occurred_at_0=(timezone.localdate() + timedelta(days=2)).isoformat())
    response = negotiator_client.post(reverse("field:incident_new"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Сварка через паркан." in page
    assert 'value="Петренко Іван"' in page
    assert "cannot have happened in the future" in page


def test_a_queued_report_sent_twice_creates_one_case(negotiator_client, community):
    for _attempt in range(2):
        response = negotiator_client.post(
            reverse("field:incident_new"), report_data(community), HTTP_IDEMPOTENCY_KEY="phone-42", **JSON
        )
        assert response.status_code == 201
    assert Incident.objects.count() == 1
    assert IncidentParty.objects.count() == 1


# --- the case page and its scope -----------------------------------------------------------


def test_the_case_page_shows_status_log_and_only_the_allowed_moves(negotiator_client, incident):
    response = negotiator_client.get(reverse("field:incident_detail", args=[incident.pk]))
    assert response.status_code == 200
    choices = [value for value, _label in response.context["transition"].fields["to_status"].choices]
    assert choices == ["in_progress", "closed_unresolved"]


@pytest.mark.parametrize("name", ["field:incident_detail", "field:incident_status", "field:incident_action"])
def test_a_case_of_another_community_is_not_found(negotiator_client, other_community, name):
    other = IncidentFactory(community=other_community)
    method = negotiator_client.get if name == "field:incident_detail" else negotiator_client.post
    assert method(reverse(name, args=[other.pk])).status_code == 404
    assert other.actions.count() == 0


def test_the_case_list_holds_my_communitys_open_cases_and_closed_ones_on_request(
    negotiator_client, staff_user, community, other_community
):
    IncidentFactory(community=community, title="Наш випадок")
    IncidentFactory(community=other_community, title="Чужий випадок")
    closed = IncidentFactory(community=community, title="Закритий випадок")
    incident_transition(incident=closed, to_status="closed_unresolved", actor=staff_user)
    page = negotiator_client.get(reverse("field:incident_list")).content.decode()
    assert "Наш випадок" in page
    assert "Чужий випадок" not in page
    assert "Закритий випадок" not in page
    assert "Закритий випадок" in negotiator_client.get(reverse("field:incident_list") + "?closed=1").content.decode()


# --- moving the case along -----------------------------------------------------------------


def move(client, incident, **data):
    return client.post(
        reverse("field:incident_status", args=[incident.pk]), {f"status-{k}": v for k, v in data.items()}
    )


def test_a_negotiator_moves_the_case_to_in_progress_then_resolved(negotiator_client, incident):
    response = move(negotiator_client, incident, to_status="in_progress", response_mode="mediation", note="Зустрілися")
    assert response.status_code == 302
    move(negotiator_client, incident, to_status="resolved", note="Домовилися")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.closed_at is not None
    assert incident.response_mode == "mediation"
    log = list(incident.actions.values_list("from_status", "to_status"))
    assert log == [("reported", "in_progress"), ("in_progress", "resolved")]


def test_a_move_the_workflow_does_not_allow_is_refused_at_the_field(negotiator_client, incident):
    response = move(negotiator_client, incident, to_status="resolved")
    assert response.status_code == 400
    assert "to_status" in response.context["transition"].errors
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.REPORTED


def test_referring_is_not_a_status_the_case_can_move_to(negotiator_client, incident):
    response = negotiator_client.post(
        reverse("field:incident_status", args=[incident.pk]),
        {"status-to_status": "referred", "status-referred_to": "social_services"},
        **JSON,
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status-to_status"}
    incident.refresh_from_db()
    assert (incident.status, incident.referred_to) == ("reported", "")


def test_a_status_change_sent_twice_moves_the_case_once(negotiator_client, incident):
    data = {"status-to_status": "in_progress"}
    url = reverse("field:incident_status", args=[incident.pk])
    first = negotiator_client.post(url, data, HTTP_IDEMPOTENCY_KEY="tap-1", **JSON)
    again = negotiator_client.post(url, data, HTTP_IDEMPOTENCY_KEY="tap-1", **JSON)
    assert (first.status_code, again.status_code) == (200, 200)
    assert incident.actions.filter(kind=ActionKind.STATUS_CHANGE).count() == 1


# --- logging actions -----------------------------------------------------------------------


def test_a_negotiator_adds_an_action_to_the_case(negotiator_client, negotiator_user, incident):
    when = timezone.localtime() - timedelta(minutes=30)
    response = negotiator_client.post(
        reverse("field:incident_action", args=[incident.pk]),
        {
            "action-kind": "mediation_meeting",
            "action-performed_at_0": when.date().isoformat(),
            "action-performed_at_1": when.strftime("%H:%M"),
            "action-description": "Перша зустріч сторін",
        },
    )
    assert response.status_code == 302
    action = incident.actions.get(kind=ActionKind.MEDIATION_MEETING)
    assert (action.actor, action.description) == (negotiator_user, "Перша зустріч сторін")


def test_an_action_dated_before_the_incident_is_refused_next_to_its_date(negotiator_client, incident):
    when = timezone.localtime(incident.occurred_at) - timedelta(days=2)
    response = negotiator_client.post(
        reverse("field:incident_action", args=[incident.pk]),
        {
            "action-kind": "note",
            "action-performed_at_0": when.date().isoformat(),
            "action-performed_at_1": when.strftime("%H:%M"),
            "action-description": "Запис заднім числом",
        },
        **JSON,
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"action-performed_at"}
    assert IncidentAction.objects.filter(incident=incident).count() == 0


def test_status_kinds_cannot_be_logged_as_actions(negotiator_client, incident):
    response = negotiator_client.post(
        reverse("field:incident_action", args=[incident.pk]), {"action-kind": "status_change"}, **JSON
    )
    assert response.status_code == 400
    assert "action-kind" in response.json()["errors"]
    assert IncidentAction.objects.filter(incident=incident).count() == 0


def test_a_manager_reads_the_case_but_cannot_change_it(client, manager_user, incident):
    verified_login(client, manager_user)
    response = client.get(reverse("field:incident_detail", args=[incident.pk]))
    assert response.status_code == 200
    assert "transition" not in response.context
    assert move(client, incident, to_status="in_progress").status_code == 403
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.REPORTED


def test_staff_report_in_any_community(client, staff_user, other_community):
    verified_login(client, staff_user)
    response = client.post(reverse("field:incident_new"), report_data(other_community))
    assert response.status_code == 302
    assert Incident.objects.get().community == other_community
