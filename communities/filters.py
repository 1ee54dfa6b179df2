"""Filters of the API's collections of regions, communities, partners, assessments and
engagements."""

import django_filters
from django.utils.translation import gettext_lazy as _

from api.filtering import (
    ApiFilterSet,
    BooleanFilter,
    IdFilter,
    IntegerFilter,
    community_filter,
    date_range,
    ordering,
    programme_filter,
    region_filter,
)
from communities.models import (
    Community,
    CommunityKind,
    Country,
    Engagement,
    EngagementMode,
    HalfYear,
    PartnerOrganisation,
    Region,
    SafetyAssessment,
    Topic,
)


class RegionFilter(ApiFilterSet):
    country = django_filters.ChoiceFilter(choices=Country.choices)
    ordering = ordering("name", "country", "updated_at")

    class Meta:
        model = Region
        fields: list[str] = []


class CommunityFilter(ApiFilterSet):
    region = region_filter("region_id")
    country = django_filters.ChoiceFilter(field_name="region__country", choices=Country.choices)
    kind = django_filters.ChoiceFilter(choices=CommunityKind.choices)
    ordering = ordering("name", "population", "updated_at")

    class Meta:
        model = Community
        fields: list[str] = []


class PartnerOrganisationFilter(ApiFilterSet):
    community = IdFilter(
        field_name="communities", distinct=True, help_text=_("Only partners covering this community (its id).")
    )
    country = django_filters.ChoiceFilter(choices=Country.choices)
    is_active = BooleanFilter()
    ordering = ordering("name", "updated_at")

    class Meta:
        model = PartnerOrganisation
        fields: list[str] = []


class SafetyAssessmentFilter(ApiFilterSet):
    programme = programme_filter()
    community = community_filter()
    region = region_filter()
    year = IntegerFilter(min_value=2000, max_value=2100)
    half = django_filters.TypedChoiceFilter(choices=HalfYear.choices, coerce=int)
    instrument = django_filters.CharFilter(field_name="instrument__code", max_length=40)
    instrument_version = IntegerFilter(field_name="instrument__version", min_value=1, max_value=32767)
    date_after, date_before = date_range("assessed_on")
    ordering = ordering("assessed_on", "year", "half", "community", "updated_at")

    class Meta:
        model = SafetyAssessment
        fields: list[str] = []


class EngagementFilter(ApiFilterSet):
    programme = programme_filter()
    community = community_filter()
    region = region_filter()
    mode = django_filters.ChoiceFilter(choices=EngagementMode.choices)
    topic = django_filters.ChoiceFilter(choices=Topic.choices)
    date_after, date_before = date_range("starts_on")
    ordering = ordering("starts_on", "ends_on", "updated_at")

    class Meta:
        model = Engagement
        fields: list[str] = []
