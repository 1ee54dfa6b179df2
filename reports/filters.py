"""Filters of the API's collection of monitoring reports."""

import django_filters
from django.conf import settings

from api.filtering import ApiFilterSet, IdFilter, IntegerFilter, ordering
from reports.models import MonitoringReport, ReportKind, ReportScope, ReportStatus


class MonitoringReportFilter(ApiFilterSet):
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)
    year = IntegerFilter(min_value=2000, max_value=2100)
    scope = django_filters.ChoiceFilter(choices=ReportScope.choices)
    region = IdFilter(field_name="region_id")
    partner = IdFilter(field_name="partner_id")
    language = django_filters.ChoiceFilter(choices=settings.LANGUAGES)
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    ordering = ordering("requested_at", "finished_at", "year", "updated_at")

    class Meta:
        model = MonitoringReport
        fields: list[str] = []
