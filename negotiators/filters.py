"""Filters of the API's collections of negotiators, outreach events and media mentions."""

import django_filters
from django.utils.translation import gettext_lazy as _

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
from communities.models import Topic
from negotiators.models import (
    Cohort,
    EventFormat,
    EventKind,
    EventStatus,
    MediaMention,
    Medium,
    Negotiator,
    NegotiatorStatus,
    OutreachEvent,
)


class NegotiatorFilter(ApiFilterSet):
    community = community_filter()
    region = region_filter()
    status = django_filters.ChoiceFilter(choices=NegotiatorStatus.choices)
    cohort = django_filters.ChoiceFilter(choices=Cohort.choices)
    is_active = BooleanFilter()
    date_after, date_before = date_range("joined_on")
    ordering = ordering("joined_on", "certified_on", "community", "updated_at")

    class Meta:
        model = Negotiator
        fields: list[str] = []


class OutreachEventFilter(ApiFilterSet):
    programme = programme_filter()
    community = community_filter()
    region = region_filter()
    kind = django_filters.ChoiceFilter(choices=EventKind.choices)
    status = django_filters.ChoiceFilter(choices=EventStatus.choices)
    # Not "format": that is the API's choice of JSON, CSV or XLSX.
    event_format = django_filters.ChoiceFilter(
        field_name="format", choices=EventFormat.choices, help_text=_("In person, online or hybrid.")
    )
    topic = django_filters.ChoiceFilter(choices=Topic.choices)
    series = IdFilter(field_name="series_id", help_text=_("Only events of this series (its id)."))
    police_present = BooleanFilter()
    registration_open = BooleanFilter()
    date_after, date_before = date_range("date")
    ordering = ordering("date", "starts_at", "participants_total", "community", "updated_at")

    class Meta:
        model = OutreachEvent
        fields: list[str] = []


class MediaMentionFilter(ApiFilterSet):
    programme = programme_filter()
    community = community_filter()
    region = region_filter()
    medium = django_filters.ChoiceFilter(choices=Medium.choices)
    date_after, date_before = date_range("published_on")
    ordering = ordering("published_on", "reach", "updated_at")

    class Meta:
        model = MediaMention
        fields: list[str] = []
