"""Bulk work on the admin's change lists: export the selection (or every filtered row, with the
admin's "select all") as CSV or XLSX.

Here because ``communities`` is the lowest app with an admin and already sets the admin site's
look (``communities.admin``); every other app's admin builds on it. The files are written by the
API's own table writers (``api.renderers``), so a cell starting with "=" stays text in both.
Personal data (the parties of a case, a negotiator's contact) goes only into the files of viewers
who read it, and each record exported is logged in the privacy view log (channel "export").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import label_for_field, lookup_field
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from api.renderers import CsvRenderer, XlsxRenderer
from privacy.admin import reads_personal_data
from privacy.models import ViewChannel
from privacy.viewlog import record_view

# A column of personal data: its header, the value of one row, and the records the value shows
# (logged as viewed through the export).
PersonalColumn = tuple[Any, Callable[[Any], Any]]


def _plain(field: Any, value: Any) -> Any:
    """A value as a spreadsheet holds it: choices by their label, records by their name, moments
    in the portal's time zone."""
    if field is not None and getattr(field, "flatchoices", None) and not isinstance(value, Model):
        return str(dict(field.flatchoices).get(value, value if value not in (None, "") else ""))
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class ExportMixin:
    """Adds "Export as CSV" and "Export as XLSX" to a ``ModelAdmin``'s actions.

    The columns are ``export_fields`` (names as in ``list_display``: fields or the admin's display
    methods), then, for viewers who read personal data only, ``export_personal_columns``."""

    export_fields: Sequence[str] = ()
    # Related rows the personal columns read, fetched in one query each rather than one per row.
    export_personal_prefetch: Sequence[str] = ()
    bulk_actions: Sequence[str] = ("export_csv", "export_xlsx")

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)  # type: ignore[misc]
        for name in self.bulk_actions:
            action = self.get_action(name)  # type: ignore[attr-defined]
            if action is not None:
                actions[name] = action
        return actions

    def export_personal_columns(self, request: HttpRequest) -> list[PersonalColumn]:
        """Columns of personal data; only asked for viewers who read it."""
        return []

    def export_personal_records(self, objects: Iterable[Any]) -> list[Model]:
        """The records holding personal data that exporting ``objects`` shows (to log)."""
        return []

    def export_table(self, request: HttpRequest, queryset: QuerySet[Any]) -> tuple[list[str], list[dict[str, Any]]]:
        model = queryset.model
        model_admin: Any = self  # a ModelAdmin once mixed in
        fields = list(self.export_fields or self.list_display)  # type: ignore[attr-defined]
        headers = [str(capfirst(str(label_for_field(name, model, model_admin)))) for name in fields]
        personal = self.export_personal_columns(request) if reads_personal_data(request) else []
        columns = [*headers, *(str(capfirst(header)) for header, _value in personal)]
        rows = []
        objects = list(queryset.prefetch_related(*self.export_personal_prefetch) if personal else queryset)
        for obj in objects:
            row: dict[str, Any] = {}
            for name, header in zip(fields, headers, strict=True):
                field, _attr, value = lookup_field(name, obj, model_admin)
                row[header] = _plain(field, value)
            for (_header, value_of), column in zip(personal, columns[len(headers) :], strict=True):
                row[column] = _plain(None, value_of(obj))
            rows.append(row)
        if personal:
            record_view(request.user, self.export_personal_records(objects), ViewChannel.EXPORT, request)
        return columns, rows

    def _export(
        self, request: HttpRequest, queryset: QuerySet[Any], renderer: CsvRenderer | XlsxRenderer
    ) -> HttpResponse:
        columns, rows = self.export_table(request, queryset)
        name = queryset.model._meta.model_name or "data"
        content = renderer.write(columns, rows, {"view": SimpleNamespace(basename=name)})
        media_type = renderer.media_type if renderer.charset is None else f"{renderer.media_type}; charset=utf-8"
        response = HttpResponse(content, content_type=media_type)
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="zlagoda-{name}-{stamp}.{renderer.extension}"'
        return response

    @admin.action(description=_("Export the selection as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse:
        return self._export(request, queryset, CsvRenderer())

    @admin.action(description=_("Export the selection as XLSX"))
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse:
        return self._export(request, queryset, XlsxRenderer())
