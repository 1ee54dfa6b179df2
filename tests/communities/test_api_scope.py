"""A partner organisation sees its own communities and nothing of the others: another partner's
records are absent from every list and answer 404 (not 403) by id, so ids reveal nothing."""

import pytest

from config.api_urls import COLLECTIONS
from tests.communities.api_support import (
    CASE_TEAM_ONLY,
    collection_query,
    issue_key,
    key_client,
    listed_ids,
    other_partner,
    records_in,
)
from tests.communities.factories import EngagementFactory, RegionFactory
from tests.negotiators.factories import NegotiatorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

# Shared by every partner: the School's module catalogue is programme-wide.
PROGRAMME_WIDE = {"training/modules"}


@pytest.fixture
def theirs(other_community, staff_user):
    other_community.region = RegionFactory(name="Інша область")
    other_community.save()
    return records_in(
        other_community,
        partner=other_partner(other_community),
        negotiator=NegotiatorFactory(community=other_community),
        actor=staff_user,
    )


# Rows of figures of one programme, asked for by its id: test_another_partners_programme_has_no_results.
# Cases and referrals: no partner finds any (tests/casework/test_api.py).
RECORDLESS = {"results", *CASE_TEAM_ONLY}


@pytest.mark.parametrize("prefix", [prefix for prefix, _viewset, _basename in COLLECTIONS if prefix not in RECORDLESS])
def test_another_partners_records_are_not_found(prefix, partner, programme_records, theirs):
    client = key_client(issue_key(partner))
    query = collection_query(prefix)
    listed = set(listed_ids(prefix, client.get(f"/api/v1/{prefix}/", {"page_size": 500, **query}).json()))
    mine, other = programme_records[prefix], theirs[prefix]
    assert mine.pk in listed
    detail = client.get(f"/api/v1/{prefix}/{other.pk}/", query)
    if prefix in PROGRAMME_WIDE:
        assert detail.status_code == 200
        return
    assert other.pk not in listed
    assert detail.status_code == 404
    assert detail.json()["error"]["code"] == "not_found"
    # The same answer as for an id that does not exist at all.
    missing = client.get(f"/api/v1/{prefix}/999999/", query)
    assert (missing.status_code, missing.json()) == (404, detail.json())


def test_another_partners_programme_has_no_results(partner, programme_records, theirs):
    client = key_client(issue_key(partner))
    mine = client.get("/api/v1/results/", collection_query("results", programme_records["programmes"]))
    assert mine.status_code == 200
    other = client.get("/api/v1/results/", collection_query("results", theirs["programmes"]))
    missing = client.get("/api/v1/results/", {"programme": 999999, "period": "2025"})
    assert other.status_code == missing.status_code == 400
    assert set(other.json()["error"]["fields"]) == set(missing.json()["error"]["fields"]) == {"programme"}
    assert "programme" in other.json()["error"]["fields"]


def test_another_partners_incident_log_is_not_found(partner, theirs):
    client = key_client(issue_key(partner))
    assert client.get(f"/api/v1/incidents/{theirs['incidents'].pk}/actions/").status_code == 404


def test_filtering_by_another_partners_community_finds_nothing(partner, programme_records, theirs):
    client = key_client(issue_key(partner))
    response = client.get("/api/v1/incidents/", {"community": theirs["communities"].pk})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_an_engagement_led_by_another_partner_does_not_name_it(partner, community, theirs):
    EngagementFactory(community=community, partner=theirs["partners"])
    client = key_client(issue_key(partner))
    rows = client.get("/api/v1/engagements/").json()["results"]
    assert [row["partner"] for row in rows] == [None]


def test_a_partner_members_session_sees_its_own_organisations_engagements(api_as, partner, community, theirs):
    own = EngagementFactory(community=community, partner=partner)
    led_by_them = EngagementFactory(community=community, partner=theirs["partners"])
    rows = api_as("partner_session").get("/api/v1/engagements/").json()["results"]
    assert {row["id"]: row["partner"] for row in rows} == {own.pk: partner.pk, led_by_them.pk: None}


def test_staff_see_who_led_every_engagement(api_as_staff, community, theirs):
    EngagementFactory(community=community, partner=theirs["partners"])
    rows = api_as_staff.get("/api/v1/engagements/").json()["results"]
    assert theirs["partners"].pk in [row["partner"] for row in rows]


def test_a_deactivated_partners_key_stops_working(partner, programme_records):
    client = key_client(issue_key(partner))
    partner.is_active = False
    partner.save()
    response = client.get("/api/v1/incidents/")
    assert response.status_code == 401


@pytest.fixture
def api_as_staff(api_as):
    return api_as("staff")
