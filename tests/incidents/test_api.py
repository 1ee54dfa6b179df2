"""Incidents over the API: reported, worked on and moved along the workflow by negotiators and
staff; read by partners generalised to the community; filtered by half-year as JSON and CSV."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from incidents.models import ActionKind, Incident, IncidentParty, IncidentStatus
from incidents.services import incident_report, incident_transition
from tests.communities.api_support import (
    KYIV,
    incident_body,
    issue_key,
    key_client,
)
from tests.incidents.factories import IncidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def negotiator_api(api_as):
    return api_as("negotiator")


@pytest.fixture
def case(staff_user, community):
    return incident_report(
        actor=staff_user,
        community=community,
        category="youth",
        occurred_at=datetime(2025, 5, 1, 16, 0, tzinfo=KYIV),
        title="Конфлікт підлітків",
        description="Імена в описі",
        location="біля школи №3",
    )


def test_negotiator_reports_a_case_with_its_parties(negotiator_api, negotiator_user, community):
    body = incident_body(
        community,
        parties=[{"role": "complainant", "full_name": "Мельник Ганна", "phone": "+380 67 000 00 01"}],
        description="Сварка через шум",
    )
    response = negotiator_api.post("/api/v1/incidents/", body, format="json")
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert (incident.status, incident.negotiator, incident.created_by) == (
        IncidentStatus.REPORTED,
        negotiator_user.negotiator,
        negotiator_user,
    )
    assert IncidentParty.objects.get().full_name == "Мельник Ганна"
    # Parties go in, never out.
    assert "parties" not in response.json()
    assert "Мельник" not in response.content.decode()


def test_a_retried_report_opens_one_case(negotiator_api, community):
    for _ in range(3):
        response = negotiator_api.post(
            "/api/v1/incidents/", incident_body(community), format="json", HTTP_IDEMPOTENCY_KEY="case-1"
        )
        assert response.status_code == 201
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "first", "invalid"),
    [
        ("", None, {"category": "no-such-category"}),
        ("actions/", {"kind": "mediation_meeting"}, {"kind": "status_change"}),
        ("transition/", {"to_status": "in_progress"}, {"to_status": "no-such-status"}),
    ],
)
def test_a_key_reused_with_another_invalid_body_is_a_conflict(negotiator_api, community, case, path, first, invalid):
    url = f"/api/v1/incidents/{case.pk}/{path}" if path else "/api/v1/incidents/"
    first = incident_body(community) if first is None else first
    headers = {"HTTP_IDEMPOTENCY_KEY": f"reused-{path}"}
    assert negotiator_api.post(url, first, format="json", **headers).status_code in (200, 201)
    response = negotiator_api.post(url, {**first, **invalid}, format="json", **headers)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "idempotency_conflict")


def test_a_case_in_the_future_is_refused(negotiator_api, community):
    response = negotiator_api.post(
        "/api/v1/incidents/", incident_body(community, occurred_at="2999-01-01T00:00:00Z"), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"occurred_at"}


def test_negotiator_logs_an_action_on_a_case_of_own_community(negotiator_api, case):
    response = negotiator_api.post(
        f"/api/v1/incidents/{case.pk}/actions/", {"kind": "mediation_meeting", "description": "Зустріч"}, format="json"
    )
    assert response.status_code == 201
    assert case.actions.filter(kind=ActionKind.MEDIATION_MEETING).count() == 1
    log = negotiator_api.get(f"/api/v1/incidents/{case.pk}/actions/").json()
    assert [row["kind"] for row in log["results"]] == ["reported", "mediation_meeting"]


def test_an_action_dated_before_the_case_is_refused_in_the_callers_language(negotiator_api, case):
    response = negotiator_api.post(
        f"/api/v1/incidents/{case.pk}/actions/",
        {"kind": "note", "performed_at": "1990-01-01T00:00:00Z"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "performed_at": ["An action cannot be dated before the incident happened."]
    }
    assert case.actions.count() == 1


def test_a_change_of_status_dated_before_the_case_is_refused(negotiator_api, case):
    response = negotiator_api.post(
        f"/api/v1/incidents/{case.pk}/transition/",
        {"to_status": "in_progress", "performed_at": "1990-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"performed_at"}


def test_status_changes_cannot_be_logged_as_actions(negotiator_api, case):
    response = negotiator_api.post(f"/api/v1/incidents/{case.pk}/actions/", {"kind": "status_change"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"kind"}


def test_negotiator_moves_a_case_along_the_workflow(negotiator_api, case):
    url = f"/api/v1/incidents/{case.pk}/transition/"
    started = negotiator_api.post(url, {"to_status": "in_progress", "response_mode": "mediation"}, format="json")
    assert (started.status_code, started.json()["status"]) == (200, "in_progress")
    resolved = negotiator_api.post(url, {"to_status": "resolved", "note": "Сторони домовилися."}, format="json")
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["closed_at"] is not None
    case.refresh_from_db()
    assert case.status == "resolved"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_status": "resolved"}, "to_status"),
        ({"to_status": "referred", "referred_to": "legal_aid"}, "to_status"),
        ({"to_status": "sideways"}, "to_status"),
        ({"to_status": "in_progress", "performed_at": "2999-01-01T00:00:00Z"}, "performed_at"),
    ],
)
def test_the_workflow_refuses_moves_it_does_not_allow(negotiator_api, case, body, field):
    response = negotiator_api.post(
        f"/api/v1/incidents/{case.pk}/transition/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {field}
    case.refresh_from_db()
    assert case.status == "reported"


def test_workflow_messages_are_in_the_callers_language(negotiator_api, case):
    url = f"/api/v1/incidents/{case.pk}/transition/"
    english = negotiator_api.post(url, {"to_status": "resolved"}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    czech = negotiator_api.post(url, {"to_status": "resolved"}, format="json", HTTP_ACCEPT_LANGUAGE="cs").json()
    assert english["error"]["fields"]["to_status"] == ["A case that is “Reported” cannot move to “Resolved”."]
    assert czech["error"]["fields"]["to_status"] != english["error"]["fields"]["to_status"]


def test_a_negotiator_cannot_touch_a_case_of_another_community(negotiator_api, staff_user, other_community):
    theirs = incident_report(
        actor=staff_user,
        community=other_community,
        category="youth",
        occurred_at=datetime(2025, 5, 1, tzinfo=KYIV),
        title="Чужий випадок",
    )
    for url in (f"/api/v1/incidents/{theirs.pk}/transition/", f"/api/v1/incidents/{theirs.pk}/actions/"):
        assert negotiator_api.post(url, {"to_status": "in_progress", "kind": "note"}, format="json").status_code == 404


def test_partners_see_incidents_generalised_to_the_community(community, partner, case):
    case.latitude, case.longitude = Decimal("49.12345"), Decimal("27.54321")
    case.internal_notes = "внутрішнє"
    case.save()
    row = key_client(issue_key(partner)).get(f"/api/v1/incidents/{case.pk}/").json()
    assert not {"description", "location", "latitude", "longitude", "internal_notes", "created_by"} & set(row)
    assert (row["community"], row["community_latitude"], row["community_longitude"]) == (
        community.pk,
        float(community.latitude),
        float(community.longitude),
    )
    partner_log = key_client(issue_key(partner)).get(f"/api/v1/incidents/{case.pk}/actions/").json()["results"]
    assert not {"description", "actor"} & set(partner_log[0])


def test_staff_see_the_internal_fields(api_as, case):
    row = api_as("staff").get(f"/api/v1/incidents/{case.pk}/").json()
    assert (row["description"], row["location"]) == ("Імена в описі", "біля школи №3")


@pytest.fixture
def half_year_of_cases(community, other_community, staff_user):
    def at(day, hour=12, **kwargs):
        return IncidentFactory(
            community=kwargs.pop("where", community), occurred_at=datetime(*day, hour, tzinfo=KYIV), **kwargs
        )

    return {
        "before": at((2024, 12, 31), 23),
        "first_day": at((2025, 1, 1), 0),
        "police": at((2025, 3, 15), category="police_community", police_involved=True),
        "last_day": at((2025, 6, 30), 23),
        "after": at((2025, 7, 1), 0),
        "elsewhere": at((2025, 2, 1), where=other_community),
    }


def test_a_half_year_of_incidents_as_json_and_csv(partner, half_year_of_cases):
    client = key_client(issue_key(partner))
    period = {"date_after": "2025-01-01", "date_before": "2025-06-30", "page_size": 500}
    as_json = client.get("/api/v1/incidents/", period).json()
    expected = [half_year_of_cases[name].pk for name in ("last_day", "police", "first_day")]
    assert [row["id"] for row in as_json["results"]] == expected
    assert as_json["count"] == 3
    as_csv = client.get("/api/v1/incidents/", {**period, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [int(row["id"]) for row in rows] == expected


def test_incidents_filter_by_category_status_severity_and_police(api_as, half_year_of_cases, staff_user):
    client = api_as("manager")
    police = half_year_of_cases["police"]
    assert [r["id"] for r in client.get("/api/v1/incidents/", {"category": "police_community"}).json()["results"]] == [
        police.pk
    ]
    assert [r["id"] for r in client.get("/api/v1/incidents/", {"police_involved": "true"}).json()["results"]] == [
        police.pk
    ]
    incident_transition(incident=police, to_status="in_progress", actor=staff_user)
    assert [r["id"] for r in client.get("/api/v1/incidents/", {"status": "in_progress"}).json()["results"]] == [
        police.pk
    ]
    assert client.get("/api/v1/incidents/", {"severity": 4}).json()["count"] == 0
    assert client.get("/api/v1/incidents/", {"status": "lost"}).status_code == 400


def test_logging_an_action_brings_the_case_back_into_an_incremental_sync(api_as, case):
    client = api_as("staff")
    last_seen = datetime.fromisoformat(client.get(f"/api/v1/incidents/{case.pk}/").json()["updated_at"])
    since = (last_seen + timedelta(microseconds=1)).isoformat()
    assert client.get("/api/v1/incidents/", {"updated_since": since}).json()["count"] == 0
    client.post(f"/api/v1/incidents/{case.pk}/actions/", {"kind": "note"}, format="json")
    later = client.get("/api/v1/incidents/", {"updated_since": since}).json()["results"]
    assert [row["id"] for row in later] == [case.pk]


def test_a_transition_replayed_with_its_key_answers_again_when_the_case_has_coordinates(negotiator_api, case):
    case.latitude, case.longitude = Decimal("49.42298"), Decimal("26.98713")
    case.save()
    url = f"/api/v1/incidents/{case.pk}/transition/"
    body = {"to_status": "in_progress", "response_mode": "mediation"}
    first = negotiator_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="with-coordinates")
    again = negotiator_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="with-coordinates")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Idempotency-Replayed"] == "true"
    assert again.json() == first.json()
    assert (first.json()["latitude"], first.json()["longitude"]) == (49.42298, 26.98713)
