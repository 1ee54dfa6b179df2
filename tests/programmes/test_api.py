"""``programmes/``: who sees which programme, and what of it."""

from datetime import date

import pytest

from programmes.services import consortium_member_add
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import CommunityFactory, PartnerOrganisationFactory
from tests.programmes.factories import ProgrammeFactory, programme_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

INTERNAL = {"budget", "tranches"}


@pytest.fixture
def programmes(community, partner, other_community):
    """Ours: the partner leads its consortium; in its community: one its community takes part
    in; theirs: elsewhere, someone else's; empty: no community and no consortium."""
    return {
        "ours": programme_in(other_community, partner=partner, code="OURS"),
        "in_its_community": programme_in(community, code="HERE"),
        "theirs": programme_in(other_community, partner=PartnerOrganisationFactory(), code="THEIRS"),
        "empty": ProgrammeFactory(code="EMPTY"),
    }


def codes(client, **query) -> set[str]:
    response = client.get("/api/v1/programmes/", query)
    assert response.status_code == 200, response.content[:300]
    return {row["code"] for row in response.json()["results"]}


def test_staff_and_managers_see_every_programme(api_as, programmes):
    for role in ("staff", "manager"):
        assert codes(api_as(role)) == {"OURS", "HERE", "THEIRS", "EMPTY"}


@pytest.mark.parametrize("role", ["partner_key", "partner_session"])
def test_a_partner_sees_its_consortiums_programmes_and_its_communities(api_as, programmes, role):
    client = api_as(role)
    assert codes(client) == {"OURS", "HERE"}
    assert client.get(f"/api/v1/programmes/{programmes['theirs'].pk}/").status_code == 404
    assert client.get(f"/api/v1/programmes/{programmes['empty'].pk}/").status_code == 404


def test_a_negotiator_sees_the_programmes_its_community_takes_part_in(api_as, programmes):
    assert codes(api_as("negotiator")) == {"HERE"}


def test_the_data_protection_officer_sees_none(api_as, programmes):
    assert codes(api_as("dpo")) == set()


@pytest.mark.parametrize("role", ["partner_key", "partner_session"])
def test_a_partner_never_sees_the_budget_or_the_tranches(api_as, programmes, role):
    client = api_as(role)
    rows = client.get("/api/v1/programmes/").json()["results"]
    detail = client.get(f"/api/v1/programmes/{programmes['ours'].pk}/").json()
    for row in [*rows, detail]:
        assert not INTERNAL & set(row)
        assert all("amount" not in donor for donor in row["donors"])
    csv = client.get("/api/v1/programmes/", {"format": "csv"}).content.decode()
    assert "budget" not in csv
    assert "tranches" not in csv


def test_staff_see_the_whole_programme(api_as, programmes, partner, other_community):
    programme = programmes["ours"]
    row = api_as("staff").get(f"/api/v1/programmes/{programme.pk}/").json()
    funding = programme.fundings.get()
    assert row["budget"] == 1500000
    assert row["countries"] == ["UA"]
    assert row["tranches"] == [
        {
            "amount": 500000,
            "expected_on": "2024-03-01",
            "received_on": None,
            "condition": programme.tranches.get().condition,
        }
    ]
    assert row["donors"] == [
        {
            "donor": funding.donor_id,
            "name": funding.donor.name,
            "kind": "foundation",
            "country": "UA",
            "instrument": "grant",
            "grant_reference": funding.grant_reference,
            "amount": None,
        }
    ]
    assert row["consortium"] == [{"partner": partner.pk, "role": "lead", "joined_on": "2024-01-01", "left_on": None}]
    assert row["participations"] == [{"community": other_community.pk, "joined_on": "2024-02-01", "left_on": None}]


def test_a_partner_joining_a_consortium_starts_seeing_the_programme(programmes):
    newcomer = PartnerOrganisationFactory()
    client = key_client(issue_key(newcomer))
    assert codes(client) == set()
    consortium_member_add(programme=programmes["theirs"], partner=newcomer, joined_on=date(2025, 1, 1))
    assert codes(client) == {"THEIRS"}


def test_filters(api_as, programmes, community, partner):
    client = api_as("staff")
    ProgrammeFactory(code="CZ-1", countries=["CZ"], status="closed")
    ProgrammeFactory(code="CA-1", countries=["KZ", "KG", "UZ"], starts_on=date(2021, 1, 1), ends_on=date(2022, 12, 31))
    assert codes(client, country="CZ") == {"CZ-1"}
    assert codes(client, country="KG") == {"CA-1"}
    assert codes(client, status="closed") == {"CZ-1"}
    assert codes(client, community=community.pk) == {"HERE"}
    assert codes(client, partner=partner.pk) == {"OURS"}
    assert codes(client, active_on="2022-06-01") == {"CA-1"}
    assert codes(client, ordering="-code", page_size=1) == {"THEIRS"}
    assert client.get("/api/v1/programmes/", {"country": "PL"}).status_code == 400


def test_a_community_can_be_in_several_programmes(api_as, community):
    for code in ("A-1", "A-2"):
        programme_in(community, code=code)
    programme_in(CommunityFactory(), code="B-1")
    assert codes(api_as("negotiator")) == {"A-1", "A-2"}
