"""Regions, communities, partners, assessments and engagements over the API."""

from datetime import date

import pytest

from communities.models import Country
from tests.communities.factories import (
    CommunityFactory,
    EngagementFactory,
    PartnershipFactory,
    RegionFactory,
    SafetyAssessmentFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


def test_communities_carry_their_partnership_history(api_as, community):
    PartnershipFactory(
        community=community,
        joined_on=date(2023, 3, 1),
        left_on=date(2024, 1, 31),
        leave_reason="elections",
        note="Рада не продовжила",
    )
    PartnershipFactory(community=community, joined_on=date(2025, 1, 1))
    row = api_as("partner_key").get(f"/api/v1/communities/{community.pk}/").json()
    assert row["is_partner"] is True
    assert row["partnerships"] == [
        {"joined_on": "2023-03-01", "left_on": "2024-01-31", "leave_reason": "elections"},
        {"joined_on": "2025-01-01", "left_on": None, "leave_reason": ""},
    ]
    staff_row = api_as("staff").get(f"/api/v1/communities/{community.pk}/").json()
    assert staff_row["partnerships"][0]["note"] == "Рада не продовжила"


def test_communities_filter_by_region_country_and_kind(api_as, community):
    czech = CommunityFactory(region=RegionFactory(name="Ústecký kraj", country=Country.CZECHIA), kind="obec")
    client = api_as("manager")
    assert [r["id"] for r in client.get("/api/v1/communities/", {"country": "CZ"}).json()["results"]] == [czech.pk]
    assert [r["id"] for r in client.get("/api/v1/communities/", {"kind": "obec"}).json()["results"]] == [czech.pk]
    by_region = client.get("/api/v1/communities/", {"region": community.region_id}).json()["results"]
    assert [r["id"] for r in by_region] == [community.pk]


def test_regions_of_a_partner_are_those_of_its_communities(api_as, community, other_community):
    rows = api_as("partner_key").get("/api/v1/regions/").json()["results"]
    assert [row["id"] for row in rows] == [community.region_id]


def test_assessments_name_their_period_and_filter_by_half_year(api_as, community):
    SafetyAssessmentFactory(community=community, year=2025, half=1)
    SafetyAssessmentFactory(community=community, year=2024, half=2, assessed_on=date(2024, 12, 10))
    client = api_as("partner_key")
    rows = client.get("/api/v1/assessments/", {"year": 2025, "half": 1}).json()["results"]
    assert [(row["period"], row["trust_in_police"]) for row in rows] == [("2025-H1", 2.9)]
    assert client.get("/api/v1/assessments/", {"year": 1999}).status_code == 400


def test_engagements_filter_by_mode(api_as, community):
    EngagementFactory(community=community, mode="acute")
    systematic = EngagementFactory(community=community, mode="systematic", starts_on=date(2025, 6, 1), ends_on=None)
    rows = api_as("staff").get("/api/v1/engagements/", {"mode": "systematic"}).json()["results"]
    assert [row["id"] for row in rows] == [systematic.pk]


def test_partners_filter_by_the_community_they_cover(api_as, partner, community, other_community):
    from tests.communities.factories import PartnerOrganisationFactory

    PartnerOrganisationFactory(communities=[other_community])
    rows = api_as("manager").get("/api/v1/partners/", {"community": community.pk}).json()["results"]
    assert [row["id"] for row in rows] == [partner.pk]
    assert rows[0]["communities"] == [community.pk]
