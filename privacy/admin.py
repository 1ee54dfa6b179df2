"""The admin of personal data: the view log (read-only, for the data protection officer), and the
pieces the domain apps' admins use for their records holding personal data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.capabilities import Capability
from access.viewer import request_viewer
from privacy.erasure import may_erase
from privacy.location import visible_location
from privacy.models import ErasureRecord, PersonalDataView, Redaction, ViewChannel
from privacy.viewlog import record_view
from privacy.visibility import showing_personal_data


def reads_personal_data(request: HttpRequest) -> bool:
    return request_viewer(request).can(Capability.READS_PERSONAL_DATA)


def _not_found_unless_allowed(view: Callable[..., HttpResponse], site: Any) -> Callable[..., HttpResponse]:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Whoever may not use the admin is sent to its login page by the view itself.
        if site.has_permission(request) and not reads_personal_data(request):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


class AdminLogWithoutPersonalDataMixin:
    """The admin's own log (``django_admin_log``) keeps each record's ``str()`` and, in its change
    messages, those of the inline rows, in clear and forever: it writes them as numbers instead
    ("Contact of negotiator #12") for any admin whose records or inlines name people."""

    def construct_change_message(self, request: HttpRequest, form: Any, formsets: Any, add: bool = False) -> Any:
        with showing_personal_data(False):
            return super().construct_change_message(request, form, formsets, add)  # type: ignore[misc]

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        with showing_personal_data(False):
            return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        with showing_personal_data(False):
            return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        with showing_personal_data(False):
            return super().log_deletions(request, queryset)  # type: ignore[misc]


class PersonalDataAdminMixin(AdminLogWithoutPersonalDataMixin):
    """For the ``ModelAdmin`` of a model holding personal data: invisible (every URL answers "not
    found", it is not on the index) to whoever does not read personal data, and every change page
    and list it shows is logged (``privacy.viewlog``)."""

    def get_urls(self) -> list[Any]:
        urls: list[Any] = super().get_urls()  # type: ignore[misc]
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _not_found_unless_allowed(pattern.callback, self.admin_site)  # type: ignore[attr-defined]
        return urls

    def has_module_permission(self, request: HttpRequest) -> bool:
        return reads_personal_data(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return reads_personal_data(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def personal_records(self, objects: Iterable[Any]) -> list[Model]:
        """The records holding personal data that showing ``objects`` shows (the objects)."""
        return list(objects)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        log_listed(request, response, self.personal_records)
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        log_shown(request, response, self.personal_records)
        return response


def log_listed(request: HttpRequest, response: HttpResponse, records: Callable[[Iterable[Any]], list[Model]]) -> None:
    """Log the rows of a change list page (a list showing names counts as a view of each)."""
    changelist = (getattr(response, "context_data", None) or {}).get("cl")
    if changelist is not None and response.status_code == 200:
        record_view(request.user, records(changelist.result_list), ViewChannel.ADMIN, request)


def log_shown(request: HttpRequest, response: HttpResponse, records: Callable[[Iterable[Any]], list[Model]]) -> None:
    """Log the record of a change or history page that was shown (not a redirect after saving)."""
    context = getattr(response, "context_data", None) or {}
    original = context.get("original") or context.get("object")
    if original is not None and response.status_code == 200:
        record_view(request.user, records([original]), ViewChannel.ADMIN, request)


class PersonalDataInlineMixin:
    """For an inline of a model holding personal data: absent for whoever does not read it."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return reads_personal_data(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return reads_personal_data(request) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return reads_personal_data(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return reads_personal_data(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]


def browses_privacy_log(request: HttpRequest) -> bool:
    return request_viewer(request).can(Capability.BROWSES_PRIVACY_LOG) or bool(
        getattr(request.user, "is_superuser", False)
    )


class RecordAdmin(admin.ModelAdmin):
    """Read-only for everyone, staff and superusers included: these records are written by the
    services only (the view log by ``privacy.viewlog.record_view``)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(RecordAdmin):
    """The view log, for the data protection officer."""

    list_display = ["viewed_at", "username", "channel", "label", "path", "ip_address"]
    list_filter = ["channel", "viewed_at", "content_type", "user"]
    search_fields = ["username", "user__username", "label"]
    date_hierarchy = "viewed_at"
    list_select_related = ["content_type"]
    readonly_fields = [
        "viewed_at",
        "user",
        "username",
        "channel",
        "content_type",
        "object_id",
        "label",
        "path",
        "ip_address",
    ]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return browses_privacy_log(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return browses_privacy_log(request)


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


class RedactionAdminMixin:
    """For the admin of a redactable record (``redaction_kind``, a kind of the privacy registry):
    the read-only field ``redact_free_text``, a link to redact its free text, on a saved record's
    page for those who erase personal data (:meth:`shows_redaction`). The admin places the field
    in its fieldsets."""

    redaction_kind: str

    def shows_redaction(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and may_erase_in(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return [*fields, "redact_free_text"] if self.shows_redaction(request, obj) else fields

    @admin.display(description=gettext_lazy("redaction"))
    def redact_free_text(self, obj: Model) -> str:
        return redact_link(self.redaction_kind, obj)


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


class _ErasureRecordsAdmin(RecordAdmin):
    # Staff who erase, and the data protection officer who checks what was erased.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_erase_in(request) or browses_privacy_log(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_erase_in(request) or browses_privacy_log(request)


@admin.register(ErasureRecord)
class ErasureRecordAdmin(_ErasureRecordsAdmin):
    list_display = ["created_at", "kind", "object_id", "token", "source", "actor", "history_rows"]
    list_filter = ["kind", "source"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]


@admin.register(Redaction)
class RedactionAdmin(_ErasureRecordsAdmin):
    list_display = ["created_at", "kind", "object_id", "fields", "actor", "history_rows"]
    list_filter = ["kind"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]


class PhoneLocationAdminMixin:
    """The phone's position on an incident or an event (``privacy.location``): editable as stored
    by those who read personal data; for anyone else one read-only line, rounded. ``get_fieldsets``
    of the admin puts :data:`LOCATION_FIELDS` where the position goes; exports list
    ``phone_location``, rounded the same way."""

    LOCATION_FIELDS = ("latitude", "longitude", "location_accuracy_m")

    def location_fields(self, request: HttpRequest) -> list[Any]:
        return [self.LOCATION_FIELDS] if reads_personal_data(request) else ["phone_location"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return fields if reads_personal_data(request) else [*fields, "phone_location"]

    @admin.display(description=gettext_lazy("phone's location"))
    def phone_location(self, obj: Model) -> str:
        # The request's viewer decides (privacy.visibility's middleware): exact or rounded.
        shown = visible_location(obj)
        if shown is None:
            return ""
        return f"{shown} ({_('rounded')})" if shown.rounded else str(shown)
