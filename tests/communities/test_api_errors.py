"""Every error of the API is JSON of one shape, in the caller's language, whatever the status."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from api.throttling import ApiRateThrottle
from tests.communities.api_support import (
    event_body,
    issue_key,
    key_client,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


@pytest.fixture
def negotiator_api(api_as):
    return api_as("negotiator")


def test_400_names_each_invalid_field_in_the_callers_language(negotiator_api, community):
    body = event_body(community, participants_total=5, participants_women=4, participants_men=3)
    error = assert_error(
        negotiator_api.post("/api/v1/events/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"), 400, "invalid"
    )
    assert error["fields"] == {"participants_men": ["Women and men together cannot exceed the total (5)."]}
    ukrainian = negotiator_api.post("/api/v1/events/", body, format="json", HTTP_ACCEPT_LANGUAGE="uk").json()
    assert ukrainian["error"]["fields"]["participants_men"] != error["fields"]["participants_men"]


def test_400_for_malformed_json(negotiator_api):
    response = negotiator_api.post("/api/v1/events/", "{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_400_for_nested_fields_uses_dotted_paths(negotiator_api, community):
    body = {
        "community": community.pk,
        "category": "public_order",
        "occurred_at": "2025-04-02T18:30:00+03:00",
        "title": "Бійка",
        "parties": [{"role": "witness"}],
    }
    error = assert_error(negotiator_api.post("/api/v1/incidents/", body, format="json"), 400, "invalid")
    assert set(error["fields"]) == {"parties.0.full_name"}


def test_400_for_a_bad_filter_value(negotiator_api):
    error = assert_error(negotiator_api.get("/api/v1/incidents/", {"date_after": "yesterday"}), 400, "invalid")
    assert set(error["fields"]) == {"date_after"}


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/incidents/", {"date_after": "0001-01-01"}),
        ("/api/v1/incidents/", {"updated_since": "0001-01-01T00:00:00"}),
        ("/api/v1/events/", {"updated_since": "9999-12-31T23:59:59-05:00"}),
    ],
)
def test_400_for_a_date_filter_beyond_what_a_moment_can_hold(negotiator_api, path, params):
    negotiator_api.raise_request_exception = False
    error = assert_error(negotiator_api.get(path, params, HTTP_ACCEPT_LANGUAGE="en"), 400, "invalid")
    assert set(error["fields"]) == set(params)


def test_400_for_a_period_that_ends_before_it_starts(negotiator_api):
    response = negotiator_api.get("/api/v1/incidents/", {"date_after": "2025-07-01", "date_before": "2025-06-30"})
    assert set(assert_error(response, 400, "invalid")["fields"]) == {"date_before"}


def test_400_for_a_host_not_allowed_is_json_under_the_api():
    client = APIClient(HTTP_HOST="portal.attacker.example")
    assert_error(client.get("/api/v1/incidents/", HTTP_ACCEPT_LANGUAGE="en"), 400, "bad_request")


def test_400_for_a_host_not_allowed_stays_djangos_page_outside_the_api():
    response = Client(HTTP_HOST="portal.attacker.example").get("/accounts/login/")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_401_without_credentials_challenges_for_a_bearer_key():
    response = APIClient().get("/api/v1/incidents/", HTTP_ACCEPT_LANGUAGE="en")
    error = assert_error(response, 401, "not_authenticated")
    assert error["message"] == "Authentication credentials were not provided."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_401_message_follows_accept_language():
    english = APIClient().get("/api/v1/incidents/", HTTP_ACCEPT_LANGUAGE="en").json()["error"]["message"]
    ukrainian = APIClient().get("/api/v1/incidents/", HTTP_ACCEPT_LANGUAGE="uk").json()["error"]["message"]
    assert english != ukrainian


def test_401_for_an_unknown_key():
    assert_error(key_client("zlg_00000000_nope").get("/api/v1/incidents/"), 401, "authentication_failed")


def test_403_for_a_partner_writing(partner_key, community):
    response = key_client(partner_key).post("/api/v1/events/", event_body(community), format="json")
    assert_error(response, 403, "permission_denied")


def test_403_for_a_session_write_without_the_csrf_token(negotiator_user, community):
    client = Client(enforce_csrf_checks=True)
    client.force_login(negotiator_user)
    response = client.post("/api/v1/events/", event_body(community), content_type="application/json")
    assert "CSRF" in assert_error(response, 403, "permission_denied")["message"]


def test_404_for_a_missing_record(negotiator_api):
    assert_error(negotiator_api.get("/api/v1/incidents/999999/"), 404, "not_found")


def test_404_for_a_record_id_that_is_not_a_number(negotiator_api):
    assert_error(negotiator_api.get("/api/v1/incidents/abc/"), 404, "not_found")


def test_404_for_an_unknown_url_under_the_api(negotiator_api):
    assert_error(negotiator_api.get("/api/v1/no-such-collection/"), 404, "not_found")
    hint = assert_error(negotiator_api.get("/api/v1/incidents"), 404, "not_found")["message"]
    assert "/api/v1/incidents/" in hint


def test_404_outside_the_current_version_is_json_too(negotiator_api):
    assert_error(negotiator_api.get("/api/v2/incidents/"), 404, "not_found")
    assert_error(Client().get("/api/"), 404, "not_found")


def test_405_for_a_method_the_route_does_not_have(negotiator_api, community):
    response = negotiator_api.delete(f"/api/v1/communities/{community.pk}/")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(("method", "path"), [("put", "/api/v1/events/"), ("trace", "/api/v1/communities/")])
def test_405_for_a_method_the_route_does_not_have_whatever_the_query(staff_user, community, method, path):
    # The query is checked for the method that takes it: an unknown method is a 405, not a 400
    # for parameters it would never read.
    query = f"?community={community.pk}&ordering=-date&x=%00"
    response = getattr(key_client(issue_key(staff_user)), method)(path + query)
    assert_error(response, 405, "method_not_allowed")


def test_406_for_an_unknown_format(negotiator_api):
    assert (
        "csv"
        in assert_error(negotiator_api.get("/api/v1/incidents/", {"format": "xml"}), 406, "not_acceptable")["message"]
    )


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/v1/docs/"])
def test_406_from_the_schema_and_the_docs_is_not_acceptable(path):
    assert_error(APIClient().get(path, {"format": "xml"}), 406, "not_acceptable")


def test_406_from_the_schema_names_the_formats_it_has():
    message = assert_error(
        APIClient().get("/api/v1/schema/", {"format": "xml"}, HTTP_ACCEPT_LANGUAGE="en"), 406, "not_acceptable"
    )["message"]
    assert message == "Unknown format “xml”; use one of: yaml, json."


def test_413_for_an_oversized_body(negotiator_api, community, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = event_body(community, summary="x" * 2000)
    assert_error(negotiator_api.post("/api/v1/events/", body, format="json"), 413, "request_too_large")


def test_415_for_a_body_that_is_not_json(negotiator_api):
    response = negotiator_api.post("/api/v1/events/", "kind=forum", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def test_422_for_an_idempotency_key_reused_with_another_body(negotiator_api, community):
    headers = {"HTTP_IDEMPOTENCY_KEY": "phone-42"}
    negotiator_api.post("/api/v1/events/", event_body(community), format="json", **headers)
    response = negotiator_api.post("/api/v1/events/", event_body(community, title="Інша"), format="json", **headers)
    assert_error(response, 422, "idempotency_conflict")


def test_429_when_a_key_exceeds_its_rate(partner, settings):
    settings.API_THROTTLE_RATES = {"key": "3/minute", "user": None, "anon": None}
    client = key_client(issue_key(partner))
    statuses = [client.get("/api/v1/regions/").status_code for _ in range(4)]
    response = client.get("/api/v1/regions/")
    assert statuses == [200, 200, 200, 429]
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_429_counts_per_key_not_per_organisation(partner, settings):
    settings.API_THROTTLE_RATES = {"key": "2/minute", "user": None, "anon": None}
    first, second = key_client(issue_key(partner)), key_client(issue_key(partner))
    assert [first.get("/api/v1/regions/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/regions/").status_code == 200


def test_429_when_a_user_exceeds_the_rate(api_as, negotiator_user, settings):
    settings.API_THROTTLE_RATES = {"key": None, "user": "2/minute", "anon": None}
    # Users keep their id across tests on some databases: start from an empty count.
    cache.delete(ApiRateThrottle.cache_format % {"scope": "user", "ident": negotiator_user.pk})
    client = api_as("negotiator")
    assert [client.get("/api/v1/regions/").status_code for _ in range(3)] == [200, 200, 429]


def test_500_is_json_and_logged(negotiator_api, monkeypatch, caplog):
    def broken(viewer):
        raise RuntimeError("a bug")

    monkeypatch.setattr("negotiators.api.OutreachEventViewSet.selector", broken)
    negotiator_api.raise_request_exception = False
    response = negotiator_api.get("/api/v1/events/")
    assert_error(response, 500, "server_error")
    assert "a bug" in caplog.text


def test_errors_are_json_even_when_csv_was_asked_for(negotiator_api):
    response = negotiator_api.get("/api/v1/incidents/", {"format": "csv", "date_after": "never"})
    assert_error(response, 400, "invalid")
