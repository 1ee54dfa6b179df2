"""Filters of the API's collections of analyses, plans, initiatives and regulations."""

import django_filters

from api.filtering import (
    ApiFilterSet,
    IntegerFilter,
    community_filter,
    date_range,
    ordering,
    programme_filter,
    region_filter,
)
from planning.models import (
    Analysis,
    Initiative,
    InitiativeStatus,
    Plan,
    PlanKind,
    PlanStatus,
    Regulation,
    RegulationKind,
)


class AnalysisFilter(ApiFilterSet):
    programme = programme_filter()
    community = community_filter()
    region = region_filter()
    conflict_potential = IntegerFilter(min_value=1, max_value=5)
    date_after, date_before = date_range("analysed_on")
    ordering = ordering("analysed_on", "conflict_potential", "updated_at")

    class Meta:
        model = Analysis
        fields: list[str] = []


class PlanFilter(ApiFilterSet):
    programme = programme_filter()
    community = community_filter()
    region = region_filter()
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices)
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)
    date_after, date_before = date_range("adopted_on")
    ordering = ordering("starts_on", "adopted_on", "updated_at")

    class Meta:
        model = Plan
        fields: list[str] = []


class InitiativeFilter(ApiFilterSet):
    programme = programme_filter()
    community = community_filter()
    region = region_filter()
    status = django_filters.ChoiceFilter(choices=InitiativeStatus.choices)
    date_after, date_before = date_range("started_on")
    ordering = ordering("started_on", "updated_at")

    class Meta:
        model = Initiative
        fields: list[str] = []


class RegulationFilter(ApiFilterSet):
    programme = programme_filter()
    community = community_filter()
    region = region_filter()
    kind = django_filters.ChoiceFilter(choices=RegulationKind.choices)
    date_after, date_before = date_range("adopted_on")
    ordering = ordering("adopted_on", "updated_at")

    class Meta:
        model = Regulation
        fields: list[str] = []
