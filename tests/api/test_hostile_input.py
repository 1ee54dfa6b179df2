"""Input no client should send gets a clear answer in the API's error shape, never a 500, and
requests made with a key are logged whatever they carry."""

import pytest
from rest_framework.test import APIClient

from api.models import ApiRequest
from tests.communities.api_support import event_body, incident_body, issue_key, key_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def staff_key_client(staff_user) -> APIClient:
    return key_client(issue_key(staff_user))


def test_a_nul_byte_in_the_path_is_a_json_404_and_logged(staff_key_client):
    response = staff_key_client.get("/api/v1/incidents/%00/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert ApiRequest.objects.filter(status_code=404).count() == 1


def test_a_nul_byte_in_a_query_is_a_json_400(staff_key_client):
    response = staff_key_client.get("/api/v1/incidents/", {"updated_since": "2025-01-01\x00"})
    assert response.status_code == 400
    assert "error" in response.json()


def test_deeply_nested_json_is_a_parse_error(staff_key_client):
    response = staff_key_client.post("/api/v1/incidents/", "[" * 1000, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_an_event_dated_before_2000_is_refused_on_its_field(api_as, negotiator_user, community):
    response = api_as("negotiator").post("/api/v1/events/", event_body(community, date="0001-01-01"), format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"date"}


def test_an_incident_before_2000_is_refused_on_its_field(api_as, negotiator_user, community):
    body = incident_body(community, occurred_at="1999-12-31T10:00:00+02:00")
    response = api_as("negotiator").post("/api/v1/incidents/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"occurred_at"}


def test_an_incident_with_an_absurd_number_of_parties_is_refused(api_as, negotiator_user, community):
    parties = [{"role": "witness", "full_name": f"Свідок {n}"} for n in range(2000)]
    response = api_as("negotiator").post("/api/v1/incidents/", incident_body(community, parties=parties), format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"parties"}
