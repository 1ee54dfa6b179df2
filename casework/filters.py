"""Filters of the API's collections of cases and referrals."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

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
from casework.models import FINAL_REFERRAL_STATUSES, AgencyKind, Case, CaseOutcome, CaseStatus, Referral, ReferralStatus


class CaseFilter(ApiFilterSet):
    programme = programme_filter()
    community = community_filter()
    region = region_filter()
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    outcome = django_filters.ChoiceFilter(choices=CaseOutcome.choices)
    opened_after, opened_before = date_range("opened_on")
    ordering = ordering("opened_on", "closed_on", "updated_at")

    class Meta:
        model = Case
        fields: list[str] = []


class ReferralFilter(ApiFilterSet):
    programme = programme_filter()
    community = community_filter()
    region = region_filter()
    case = IdFilter(field_name="case_id", help_text="Only the referrals of this case (its id).")
    incident = IdFilter(field_name="incident_id", help_text="Only the referrals of this incident (its id).")
    agency = IdFilter(field_name="agency_id", help_text="Only the referrals to this agency (its id).")
    agency_kind = django_filters.ChoiceFilter(field_name="agency__kind", choices=AgencyKind.choices)
    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices)
    overdue = BooleanFilter(
        method="filter_overdue", help_text="Not ended, and the follow-up date has passed (true), or not (false)."
    )
    sent_after, sent_before = date_range("sent_on")
    ordering = ordering("sent_on", "follow_up_on", "completed_on", "updated_at")

    class Meta:
        model = Referral
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet[Referral], name: str, value: bool | None) -> QuerySet[Referral]:
        if value is None:
            return queryset
        overdue = ~Q(status__in=FINAL_REFERRAL_STATUSES) & Q(follow_up_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
