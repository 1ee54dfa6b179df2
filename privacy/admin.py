from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.viewer import request_viewer
from privacy.erasure import may_erase
from privacy.models import ErasureRecord, Redaction

# --- erasure: the tools the domains' admins add, and the records of what was done -----------------


def anonymise_url(kind: str, pks: list[Any]) -> str:
    return reverse("privacy:anonymise", args=[kind]) + "?" + urlencode({"ids": ",".join(str(pk) for pk in pks)})


def person_tools(kind: str, record: Model) -> str:
    """Links to anonymise and export one person (for a read-only column of an inline or form)."""
    if record.pk is None:
        return "–"
    links = [
        (anonymise_url(kind, [record.pk]), _("Anonymise")),
        (reverse("privacy:export", args=[kind, record.pk, "json"]), _("Export (JSON)")),
        (reverse("privacy:export", args=[kind, record.pk, "pdf"]), _("Export (PDF)")),
    ]
    return format_html_join(" · ", '<a href="{}">{}</a>', links)


def redact_link(kind: str, record: Model) -> str:
    if record.pk is None:
        return "–"
    return format_html('<a href="{}">{}</a>', reverse("privacy:redact", args=[kind, record.pk]), _("Redact free text"))


def may_erase_in(request: HttpRequest) -> bool:
    return request.user.is_authenticated and may_erase(request_viewer(request))


class PersonAdminMixin:
    """For the admin of a kind of person (``privacy_kind``): the actions to anonymise the selected
    people and export one, for staff only, and the ``personal_data_tools`` column."""

    privacy_kind: str
    actions: Any = ["anonymise_people", "export_person_json", "export_person_pdf"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return [*fields, "personal_data_tools"] if may_erase_in(request) else fields

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)  # type: ignore[misc]
        if not may_erase_in(request):
            for name in ("anonymise_people", "export_person_json", "export_person_pdf"):
                actions.pop(name, None)
        return actions

    @admin.action(description=gettext_lazy("Anonymise the selected people"))
    def anonymise_people(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse:
        return HttpResponseRedirect(anonymise_url(self.privacy_kind, list(queryset.values_list("pk", flat=True))))

    def _export(self, request: HttpRequest, queryset: QuerySet[Any], fmt: str) -> HttpResponse | None:
        pks = list(queryset.values_list("pk", flat=True)[:2])
        if len(pks) != 1:
            self.message_user(request, _("Choose exactly one person to export."), messages.WARNING)  # type: ignore[attr-defined]
            return None
        return HttpResponseRedirect(reverse("privacy:export", args=[self.privacy_kind, pks[0], fmt]))

    @admin.action(description=gettext_lazy("Export the person's data (JSON)"))
    def export_person_json(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        return self._export(request, queryset, "json")

    @admin.action(description=gettext_lazy("Export the person's data (PDF)"))
    def export_person_pdf(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        return self._export(request, queryset, "pdf")

    @admin.display(description=gettext_lazy("personal data"))
    def personal_data_tools(self, obj: Model) -> str:
        return person_tools(self.privacy_kind, obj)


class PersonInlineMixin:
    """For an inline of a kind of person: the ``personal_data_tools`` column, for staff only."""

    privacy_kind: str

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))  # type: ignore[misc]
        return [*fields, "personal_data_tools"] if may_erase_in(request) else fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return [*fields, "personal_data_tools"] if may_erase_in(request) else fields

    @admin.display(description=gettext_lazy("personal data"))
    def personal_data_tools(self, obj: Model) -> str:
        return person_tools(self.privacy_kind, obj)


class _RecordAdmin(admin.ModelAdmin):
    """Read-only: these records are written by the services only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_erase_in(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_erase_in(request)


@admin.register(ErasureRecord)
class ErasureRecordAdmin(_RecordAdmin):
    list_display = ["created_at", "kind", "object_id", "token", "source", "actor", "history_rows"]
    list_filter = ["kind", "source"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]


@admin.register(Redaction)
class RedactionAdmin(_RecordAdmin):
    list_display = ["created_at", "kind", "object_id", "fields", "actor", "history_rows"]
    list_filter = ["kind"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
