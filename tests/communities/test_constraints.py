"""The database itself refuses rows that break the rules, whatever code path writes them."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from communities.models import Community, Partnership, Region, SafetyAssessment
from tests.communities.factories import (
    CommunityFactory,
    EngagementFactory,
    PartnershipFactory,
    RegionFactory,
    SafetyAssessmentFactory,
)
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def rejected(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_region_name_is_unique_within_a_country():
    region = RegionFactory()
    rejected(lambda: Region.objects.create(name=region.name, country=region.country))


def test_community_name_is_unique_within_a_region():
    community = CommunityFactory()
    rejected(lambda: Community.objects.create(name=community.name, region=community.region))


@pytest.mark.parametrize(("field", "value"), [("latitude", Decimal("91")), ("longitude", Decimal("-181"))])
def test_community_coordinates_stay_on_the_globe(field, value):
    rejected(lambda: CommunityFactory(**{field: value}))


def test_community_population_is_never_negative():
    rejected(lambda: CommunityFactory(population=-1))


def test_partnership_cannot_end_before_it_starts():
    rejected(lambda: PartnershipFactory(joined_on=date(2025, 1, 1), left_on=date(2024, 12, 31), leave_reason="other"))


def test_partnership_that_ended_states_why():
    rejected(lambda: PartnershipFactory(left_on=date(2025, 1, 1), leave_reason=""))


def test_partnership_reason_needs_an_end_date():
    rejected(lambda: PartnershipFactory(leave_reason="elections"))


def test_community_has_at_most_one_open_partnership():
    first = PartnershipFactory()
    rejected(lambda: Partnership.objects.create(community=first.community, joined_on=date(2025, 1, 1)))


def test_assessment_has_respondents():
    rejected(lambda: SafetyAssessmentFactory(respondents=0))


def test_assessment_half_is_first_or_second():
    rejected(lambda: SafetyAssessmentFactory(half=3))


def test_one_assessment_per_community_and_half_year():
    first = SafetyAssessmentFactory()
    rejected(lambda: SafetyAssessmentFactory(community=first.community, year=first.year, half=first.half))


def test_engagement_cannot_end_before_it_starts():
    rejected(lambda: EngagementFactory(starts_on=date(2025, 3, 1), ends_on=date(2025, 2, 28)))


def test_deleting_a_community_with_incidents_is_refused():
    incident = IncidentFactory()
    with pytest.raises(ProtectedError):
        incident.community.delete()
    assert SafetyAssessment.objects.count() == 0
    assert incident.__class__.objects.filter(pk=incident.pk).exists()


def test_deleting_a_region_with_communities_is_refused():
    community = CommunityFactory()
    with pytest.raises(ProtectedError):
        community.region.delete()
