"""The admin of personal data: the view log (read-only, for the data protection officer), and the
pieces the domain apps' admins use for their records holding personal data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern

from access.capabilities import Capability
from access.viewer import request_viewer
from privacy.models import PersonalDataView, ViewChannel
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


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    """Read-only for everyone: the log is written only by ``privacy.viewlog.record_view``."""

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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
