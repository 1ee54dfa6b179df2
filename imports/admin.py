"""Spreadsheet import in the staff admin: upload a file of one record type, read the check of every
row (what will be created, updated, left unchanged, and each rejected row's reason beside its
column), then confirm. Templates per record type are downloaded from the upload page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports import services
from imports.models import ImportJob, ImportStatus
from imports.readers import FileRefused
from imports.specs import RecordType, record_type, record_types
from imports.workbooks import template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def importable(request: HttpRequest) -> list[RecordType]:
    """The record types ``request.user`` may create and change."""
    user = request.user
    kinds = [
        kind
        for kind in record_types()
        if user.has_perm(f"{kind.model._meta.app_label}.add_{kind.model._meta.model_name}")
        and user.has_perm(f"{kind.model._meta.app_label}.change_{kind.model._meta.model_name}")
    ]
    return sorted(kinds, key=lambda kind: str(kind.label).casefold())


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Record type"))
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("XLSX, ODS or CSV (UTF-8 or Windows-1251, commas or semicolons)."),
    )

    def __init__(self, *args: Any, kinds: list[RecordType], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.key, str(kind.label).capitalize()) for kind in kinds]  # type: ignore[attr-defined]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "record_type", "status", "total_rows", "rejected", "created_by", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("record type"), ordering="kind")
    def record_type(self, job: ImportJob) -> str:
        try:
            return str(record_type(job.kind).label).capitalize()
        except KeyError:
            return job.kind

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(importable(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ImportJob) -> None:
        obj.file.delete(save=False)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for job in queryset.exclude(file=""):
            job.file.delete(save=False)
        super().delete_queryset(request, queryset)

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("template/<slug:kind>.xlsx", wrap(self.template_view), name="imports_importjob_template"),
            path("<path:object_id>/confirm/", wrap(self.confirm_view), name="imports_importjob_confirm"),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title: Any, **extra: Any) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **extra}

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        """The upload: choose the record type and the file; the check runs at once."""
        kinds = importable(request)
        if not kinds:
            raise PermissionDenied
        form = UploadForm(kinds=kinds, initial={"kind": request.GET.get("kind")})
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES, kinds=kinds)
            if form.is_valid():
                try:
                    job = services.import_upload(
                        kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], actor=cast(User, request.user)
                    )
                except FileRefused as error:
                    form.add_error("file", str(error))
                else:
                    return HttpResponseRedirect(reverse("admin:imports_importjob_change", args=[job.pk]))
        context = self._context(request, _("Import a spreadsheet"), form=form, kinds=kinds)
        return TemplateResponse(request, "admin/imports/upload.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """The check's outcome: counts, every rejected row with its reasons, and the confirmation."""
        job = self._job(request, object_id)
        running = job.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)
        by_status: dict[str, list[dict[str, Any]]] = {}
        for row in job.rows:
            by_status.setdefault(row["status"], []).append(row)
        context = self._context(
            request,
            job.filename,
            job=job,
            kind=record_type(job.kind),
            running=running,
            done=services.job_progress(job.pk) if running else job.total_rows,
            rejected_rows=by_status.get("rejected", []),
            groups=[
                (_("New records"), by_status.get("create", []), job.to_create),
                (_("Records to update"), by_status.get("update", []), job.to_update),
                (_("Unchanged records"), by_status.get("unchanged", []), job.unchanged),
            ],
            keep_hours=settings.IMPORT_KEEP_HOURS,
        )
        return TemplateResponse(request, "admin/imports/job.html", context)

    def confirm_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = self._job(request, object_id)
        job = services.import_confirm(job=job, actor=cast(User, request.user))
        if job.status == ImportStatus.IMPORTED:
            self.message_user(
                request,
                _("Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged.")
                % {"new": job.to_create, "updated": job.to_update, "unchanged": job.unchanged},
                messages.SUCCESS,
            )
        elif job.status == ImportStatus.FAILED:
            self.message_user(request, job.problem, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:imports_importjob_change", args=[job.pk]))

    def template_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        """The record type's template in the reader's language: the headers, and a sheet explaining
        each column and its allowed values."""
        kinds = importable(request)
        if not kinds:
            raise PermissionDenied
        chosen = next((k for k in kinds if k.key == kind), None)
        if chosen is None:
            raise Http404
        response = HttpResponse(template_workbook(chosen), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="zlagoda-{chosen.key}.xlsx"'
        return response

    def _job(self, request: HttpRequest, object_id: str) -> ImportJob:
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = self.get_object(request, unquote(object_id))
        if job is None:
            raise Http404
        return job
