"""Filters of the API's collection of programmes."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from api.filtering import ApiFilterSet, IdFilter, ordering
from communities.models import Country
from programmes.models import Document, DocumentAccess, DocumentKind, DocumentLanguage, Programme, ProgrammeStatus


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
