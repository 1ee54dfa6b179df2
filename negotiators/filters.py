"""Filters of the API's collections of negotiators, outreach events and media mentions."""

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
from communities.models import Topic
from negotiators.models import Cohort, EventKind, MediaMention, Medium, Negotiator, NegotiatorStatus, OutreachEvent


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
    topic = django_filters.ChoiceFilter(choices=Topic.choices)
    police_present = BooleanFilter()
    date_after, date_before = date_range("date")
    ordering = ordering("date", "participants_total", "community", "updated_at")

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
