"""A list makes the same few queries whatever the page size (no query per row)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.api_urls import COLLECTIONS
from tests.communities.api_support import (
    CASE_TEAM_ONLY,
    records_in,
)
from tests.communities.factories import CommunityFactory, PartnerOrganisationFactory, PartnershipFactory
from tests.negotiators.factories import NegotiatorFactory
from training.models import Attendance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

# Authentication, role, scope, count, page, and a prefetch or two; never one per row.
MAX_QUERIES = 12


@pytest.fixture
def many_records(programme_records, partner, staff_user):
    add_communities(partner, staff_user)
    return programme_records


def add_communities(partner, staff_user):
    """Several rows in every collection, in several communities of the partner, with the related
    rows a list shows (organisers, partnerships, covered communities, attendance)."""
    for _ in range(4):
        community = CommunityFactory()
        partner.communities.add(community)
        PartnershipFactory(community=community)
        PartnerOrganisationFactory(communities=[community])
        negotiators = NegotiatorFactory.create_batch(2, community=community)
        records = records_in(community, partner=partner, negotiator=negotiators[0], actor=staff_user)
        records["events"].organisers.set(negotiators)
        for negotiator in negotiators:
            Attendance.objects.create(session=records["training/sessions"], negotiator=negotiator, completed=True)


# indicators/ is one document of figures, not a list of rows: see the last test; results/ the
# figures of one programme (tests/reports/test_results.py).
PAGED = [prefix for prefix, _viewset, _basename in COLLECTIONS if prefix not in ("indicators", "results")]


def count_queries(client, url: str, rows: str = "results") -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(queries), len(response.json()[rows])


@pytest.mark.parametrize("role", ["partner_key", "staff"])
@pytest.mark.parametrize("prefix", PAGED)
def test_lists_make_the_same_queries_for_1_or_500_rows(
    role, prefix, api_as, many_records, django_assert_max_num_queries
):
    if role == "partner_key" and prefix in CASE_TEAM_ONLY:
        pytest.skip("a partner finds no case nor referral (404)")
    client = api_as(role)
    client.get(f"/api/v1/{prefix}/")  # first use of a key records it; measure the steady state
    small, small_rows = count_queries(client, f"/api/v1/{prefix}/?page_size=1")
    with django_assert_max_num_queries(MAX_QUERIES):
        large, large_rows = count_queries(client, f"/api/v1/{prefix}/?page_size=500")
    if not (prefix == "partners" and role == "partner_key"):
        assert large_rows > small_rows == 1
    assert large == small


def test_the_incident_log_makes_the_same_queries_for_1_or_500_rows(api_as, programme_records):
    client = api_as("staff")
    incident = programme_records["incidents"]
    for kind in ("note", "follow_up", "mediation_meeting"):
        client.post(f"/api/v1/incidents/{incident.pk}/actions/", {"kind": kind}, format="json")
    small, _ = count_queries(client, f"/api/v1/incidents/{incident.pk}/actions/?page_size=1")
    large, rows = count_queries(client, f"/api/v1/incidents/{incident.pk}/actions/?page_size=500")
    assert (rows, large) == (4, small)


@pytest.mark.parametrize("role", ["partner_key", "staff"])
def test_indicators_make_the_same_queries_for_1_or_5_communities(role, api_as, programme_records, partner, staff_user):
    client = api_as(role)
    url = "/api/v1/indicators/?period=2025"
    client.get(url)
    cache.clear()  # the figures computed, not read from their cache (tests/reports/test_cache.py)
    one, one_community = count_queries(client, url, rows="community_rows")
    add_communities(partner, staff_user)
    cache.clear()
    five, five_communities = count_queries(client, url, rows="community_rows")
    assert (one_community, five_communities) == (1, 5)
    assert five == one
