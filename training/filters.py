"""Filters of the API's collections of training modules and sessions."""

import django_filters

from api.filtering import (
    ApiFilterSet,
    BooleanFilter,
    IdFilter,
    community_filter,
    date_range,
    ordering,
    programme_filter,
    region_filter,
)
from training.models import ModuleLevel, TrainingModule, TrainingSession


class TrainingModuleFilter(ApiFilterSet):
    level = django_filters.ChoiceFilter(choices=ModuleLevel.choices)
    is_active = BooleanFilter()
    ordering = ordering("level", "order", "code", "updated_at")

    class Meta:
        model = TrainingModule
        fields: list[str] = []


class TrainingSessionFilter(ApiFilterSet):
    programme = programme_filter()
    module = IdFilter(field_name="module_id")
    level = django_filters.ChoiceFilter(field_name="module__level", choices=ModuleLevel.choices)
    community = community_filter("host_community_id")
    region = region_filter("host_community__region_id")
    date_after, date_before = date_range("starts_on")
    ordering = ordering("starts_on", "ends_on", "updated_at")

    class Meta:
        model = TrainingSession
        fields: list[str] = []
