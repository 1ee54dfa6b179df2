"""Filters of the API's collections of programmes, documents, outputs, campaigns and agreements."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.filtering import ApiFilterSet, IdFilter, date_range, ordering
from communities.models import Country
from programmes.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Campaign,
    CampaignStatus,
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    Document,
    DocumentAccess,
    DocumentKind,
    DocumentLanguage,
    Programme,
    ProgrammeStatus,
)


class ProgrammeFilter(ApiFilterSet):
    status = django_filters.ChoiceFilter(choices=ProgrammeStatus.choices)
    country = django_filters.ChoiceFilter(
        choices=Country.choices, method="filter_country", help_text=_("Only programmes working in this country.")
    )
    community = IdFilter(
        field_name="participations__community",
        distinct=True,
        help_text=_("Only programmes this community takes or took part in (its id)."),
    )
    partner = IdFilter(
        field_name="consortium__partner",
        distinct=True,
        help_text=_("Only programmes with this partner organisation in their consortium (its id)."),
    )
    active_on = django_filters.DateFilter(
        method="filter_active_on", help_text=_("Only programmes running on this date (YYYY-MM-DD).")
    )
    ordering = ordering("code", "starts_on", "ends_on", "updated_at")

    class Meta:
        model = Programme
        fields: list[str] = []

    def filter_country(self, queryset: QuerySet[Programme], name: str, value: Any) -> QuerySet[Programme]:
        # The codes are a JSON list: matched as the quoted code in its text, which SQLite and
        # PostgreSQL both do (SQLite has no JSON containment lookup).
        return queryset.filter(countries__icontains=f'"{value}"')

    def filter_active_on(self, queryset: QuerySet[Programme], name: str, value: Any) -> QuerySet[Programme]:
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


class DocumentFilter(ApiFilterSet):
    programme = IdFilter(field_name="programme", help_text=_("Only documents of this programme (its id)."))
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices)
    language = django_filters.ChoiceFilter(choices=DocumentLanguage.choices)
    access = django_filters.ChoiceFilter(choices=DocumentAccess.choices)
    ordering = ordering("title", "created_at", "updated_at")

    class Meta:
        model = Document
        fields: list[str] = []


class DeliverableFilter(ApiFilterSet):
    programme = IdFilter(field_name="programme", help_text=_("Only outputs of this programme (its id)."))
    kind = django_filters.ChoiceFilter(choices=DeliverableKind.choices)
    status = django_filters.ChoiceFilter(choices=DeliverableStatus.choices)
    date_after, date_before = date_range("date")
    ordering = ordering("date", "title", "quantity", "updated_at")

    class Meta:
        model = Deliverable
        fields: list[str] = []


class CampaignFilter(ApiFilterSet):
    programme = IdFilter(field_name="programme", help_text=_("Only campaigns of this programme (its id)."))
    status = django_filters.ChoiceFilter(choices=CampaignStatus.choices)
    active_on = django_filters.DateFilter(
        method="filter_active_on", help_text=_("Only campaigns running on this date (YYYY-MM-DD).")
    )
    ordering = ordering("starts_on", "ends_on", "title", "updated_at")

    class Meta:
        model = Campaign
        fields: list[str] = []

    def filter_active_on(self, queryset: QuerySet[Campaign], name: str, value: Any) -> QuerySet[Campaign]:
        return queryset.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=value), starts_on__lte=value)


class AgreementFilter(ApiFilterSet):
    programme = IdFilter(field_name="programme", help_text=_("Only agreements of this programme (its id)."))
    kind = django_filters.ChoiceFilter(choices=AgreementKind.choices)
    status = django_filters.ChoiceFilter(
        choices=AgreementStatus.choices,
        method="filter_status",
        help_text=_("In force today, or expired (valid until a past date)."),
    )
    community = IdFilter(
        field_name="communities", distinct=True, help_text=_("Only agreements this community is party to (its id).")
    )
    partner = IdFilter(
        field_name="partners",
        distinct=True,
        help_text=_("Only agreements this partner organisation is party to (its id)."),
    )
    date_after, date_before = date_range("signed_on")
    ordering = ordering("signed_on", "valid_until", "title", "updated_at")

    class Meta:
        model = Agreement
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet[Agreement], name: str, value: Any) -> QuerySet[Agreement]:
        expired = Q(valid_until__lt=timezone.localdate())
        return queryset.filter(expired) if value == AgreementStatus.EXPIRED else queryset.exclude(expired)
