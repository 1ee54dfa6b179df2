"""Filters of the API's collection of incidents."""

import django_filters

from api.filtering import (
    ApiFilterSet,
    BooleanFilter,
    community_filter,
    date_range,
    ordering,
    programme_filter,
    region_filter,
)
from incidents.models import Incident, IncidentCategory, IncidentStatus, Severity


class IncidentFilter(ApiFilterSet):
    programme = programme_filter()
    community = community_filter()
    region = region_filter()
    category = django_filters.ChoiceFilter(choices=IncidentCategory.choices)
    status = django_filters.ChoiceFilter(choices=IncidentStatus.choices)
    severity = django_filters.TypedChoiceFilter(choices=Severity.choices, coerce=int)
    police_involved = BooleanFilter()
    # Whole days of when it happened, in the portal's time zone.
    date_after, date_before = date_range("occurred_at", moment=True)
    ordering = ordering("occurred_at", "closed_at", "severity", "updated_at")

    class Meta:
        model = Incident
        fields: list[str] = []
