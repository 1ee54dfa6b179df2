"""Strict query strings: a parameter a URL does not take, a single-value parameter given twice, a
boolean other than true/false and a page or page size that is not a whole number from 1 are a
400 in the API's error shape naming the parameter, never a page of unfiltered rows."""

import pytest

from config.api_urls import COLLECTIONS
from tests.communities.api_support import COLLECTION_QUERY
from tests.incidents.factories import IncidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def staff_api(api_as):
    return api_as("staff")


def refused(response, *names: str) -> dict:
    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == set(names)
    return error


@pytest.mark.parametrize("name", ["categroy", "search", "fields", "community__in", "limit", "offset"])
def test_an_unknown_parameter_is_a_400_naming_it(staff_api, name):
    error = refused(staff_api.get("/api/v1/incidents/", {name: "1"}, HTTP_ACCEPT_LANGUAGE="en"), name)
    # The message lists what the URL takes.
    assert "category" in error["fields"][name][0]
    assert "page_size" in error["fields"][name][0]


def test_every_unknown_parameter_is_named_at_once(staff_api):
    refused(staff_api.get("/api/v1/events/?topik=youth&kinds=forum&page=1"), "topik", "kinds")


# Computed figures take their own query, not a list's: see test_*_read_their_own_query.
COMPUTED = ("indicators", "results")


@pytest.mark.parametrize("prefix", [prefix for prefix, _viewset, _basename in COLLECTIONS if prefix not in COMPUTED])
def test_every_collection_refuses_unknown_parameters_and_takes_its_own(staff_api, programme_records, prefix):
    refused(staff_api.get(f"/api/v1/{prefix}/", {"categroy": "x"}), "categroy")
    known = {
        "page": 1,
        "page_size": 10,
        "format": "json",
        "ordering": "updated_at",
        "updated_since": "2020-01-01T00:00:00Z",
    }
    assert staff_api.get(f"/api/v1/{prefix}/", known).status_code == 200


def test_a_record_takes_format_only(staff_api, programme_records):
    incident = programme_records["incidents"]
    assert staff_api.get(f"/api/v1/incidents/{incident.pk}/", {"format": "csv"}).status_code == 200
    refused(staff_api.get(f"/api/v1/incidents/{incident.pk}/", {"community": incident.community_id}), "community")


def test_an_incidents_log_takes_pages(staff_api, programme_records):
    incident = programme_records["incidents"]
    assert staff_api.get(f"/api/v1/incidents/{incident.pk}/actions/", {"page": 1, "page_size": 5}).status_code == 200
    refused(staff_api.get(f"/api/v1/incidents/{incident.pk}/actions/", {"kind": "x"}), "kind")


def test_indicators_read_their_own_query(staff_api, programme_records):
    assert staff_api.get("/api/v1/indicators/", COLLECTION_QUERY["indicators"]).status_code == 200


def test_results_read_their_own_query(staff_api, programme_records):
    programme = programme_records["programmes"]
    assert staff_api.get("/api/v1/results/", {"programme": programme.pk, "period": "2025"}).status_code == 200
    refused(staff_api.get("/api/v1/results/", {"programme": programme.pk, "period": "2025", "page": 1}), "page")


def test_a_single_value_parameter_given_twice_is_a_400(staff_api, community):
    refused(staff_api.get(f"/api/v1/incidents/?community={community.pk}&community=14"), "community")
    refused(staff_api.get("/api/v1/incidents/?format=json&format=csv"), "format")
    refused(staff_api.get("/api/v1/incidents/?page_size=5&page_size=6"), "page_size")


@pytest.mark.parametrize("value", ["1", "0", "yes", "no", "maybe", "True", "FALSE", "on"])
def test_a_boolean_is_true_or_false_and_nothing_else(staff_api, value):
    error = refused(
        staff_api.get("/api/v1/incidents/", {"police_involved": value}, HTTP_ACCEPT_LANGUAGE="en"), "police_involved"
    )
    assert error["fields"]["police_involved"] == ["Use true or false."]


def test_true_and_false_filter(staff_api, community):
    with_police = IncidentFactory(community=community, police_involved=True)
    without = IncidentFactory(community=community, police_involved=False)

    def ids(value):
        return [row["id"] for row in staff_api.get("/api/v1/incidents/", {"police_involved": value}).json()["results"]]

    assert ids("true") == [with_police.pk]
    assert ids("false") == [without.pk]
    # Empty is the same as leaving it out.
    assert sorted(ids("")) == sorted([with_police.pk, without.pk])


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("community=abc", "community"),
        ("community=0", "community"),
        ("severity=9", "severity"),
        ("date_after=2025-13-01", "date_after"),
        ("updated_since=yesterday", "updated_since"),
    ],
)
def test_a_value_that_does_not_parse_is_a_400_naming_it(staff_api, query, name):
    refused(staff_api.get(f"/api/v1/incidents/?{query}"), name)


def test_ordering_repeated_is_ordering_comma_separated(staff_api, community):
    for severity, day in [(1, 3), (2, 1), (2, 2), (1, 1)]:
        IncidentFactory(community=community, severity=severity, occurred_at=f"2025-03-0{day}T12:00:00Z")

    def ids(query):
        response = staff_api.get(f"/api/v1/incidents/?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    combined = ids("ordering=severity,-occurred_at")
    assert ids("ordering=severity&ordering=-occurred_at") == combined
    assert combined != ids("ordering=-occurred_at")
    refused(staff_api.get("/api/v1/incidents/?ordering=severity&ordering=description"), "ordering")
    refused(staff_api.get("/api/v1/incidents/?ordering=nonsense"), "ordering")


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400(staff_api, value):
    refused(staff_api.get("/api/v1/events/", {"page_size": value}), "page_size")


@pytest.mark.parametrize("value", ["abc", "0", "-1", "last"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400(staff_api, value):
    refused(staff_api.get("/api/v1/events/", {"page": value}), "page")


def test_a_page_past_the_last_is_still_a_404(staff_api):
    assert staff_api.get("/api/v1/events/", {"page": 2}).status_code == 404
