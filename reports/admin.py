from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from reports import services
from reports.models import MonitoringReport, PdfVariant, ReportStage, ReportStatus, ReportStory

REQUEST_FIELDS = ["kind", "year", "scope", "region", "partner", "language", "pdf_variant", "note"]


class ReportRequestAdminForm(forms.ModelForm):
    """Staff request a report from the admin through the same checks as everywhere else."""

    class Meta:
        model = MonitoringReport
        fields = REQUEST_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "pdf_variant" in self.fields:  # not on a report already requested (read only)
            # Left out: the accessible PDF, as everywhere else.
            self.fields["pdf_variant"].required = False

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            stored_kind = services.report_check_request(
                actor=self.request_user,
                kind=data.get("kind"),
                year=data.get("year"),
                scope=data.get("scope"),
                region=data.get("region"),
                partner=data.get("partner"),
                language=data.get("language"),
                note=data.get("note") or "",
                pdf_variant=data.get("pdf_variant") or PdfVariant.ACCESSIBLE,
            )
            identity = services.report_identity(
                kind=stored_kind,
                year=data["year"],
                scope=data["scope"],
                region=data.get("region"),
                partner=data.get("partner"),
                language=data["language"],
                pdf_variant=data.get("pdf_variant") or PdfVariant.ACCESSIBLE,
            )
            services.report_check_capacity(actor=self.request_user, identity=identity)
        except services.ReportLimitReached as error:
            self.add_error(None, str(error))
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                self.add_error(field if field in self.fields else None, field_errors)
        except PermissionDenied as error:
            self.add_error(None, str(error))
        return data


@admin.register(MonitoringReport)
class MonitoringReportAdmin(admin.ModelAdmin):
    list_display = [
        "period",
        "stage",
        "number",
        "kind",
        "scope_display",
        "language",
        "status",
        "progress",
        "requested_by",
        "requested_at",
        "finished_at",
        "download",
        "download_docx",
    ]
    list_filter = ["stage", "status", "kind", "year", "scope", "language", "scheduled"]
    search_fields = ["number", "note", "region__name", "partner__name", "error"]
    date_hierarchy = "requested_at"
    list_select_related = ["region", "partner", "requested_by"]
    actions = ["build_again"]
    form = ReportRequestAdminForm
    readonly_fields = [
        "stage",
        "number",
        "written_on_page",
        "finalised_at",
        "finalised_by",
        "status",
        "progress",
        "download",
        "file_size_display",
        "checksum",
        "download_docx",
        "docx_size_display",
        "docx_checksum",
        "error",
        "requested_by",
        "scheduled",
        "requested_at",
        "enqueued_at",
        "started_at",
        "finished_at",
        "attempts",
    ]

    def get_fields(self, request, obj=None):
        return REQUEST_FIELDS if obj is None else REQUEST_FIELDS + self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        # A report is a record of what was built: to change it, request another one.
        return [] if obj is None else REQUEST_FIELDS + self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # A final report is a record: it can be read and built again (the same bytes), not changed.
        if obj is not None and obj.stage == ReportStage.FINAL:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.stage == ReportStage.FINAL:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("written analysis"))
    def written_on_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("reports:detail", args=[obj.pk]),
            _("Texts and case stories on the report's page"),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        if change:
            return
        report = services.report_request(
            actor=request.user,
            kind=obj.kind,
            year=obj.year,
            scope=obj.scope,
            region=obj.region,
            partner=obj.partner,
            language=obj.language,
            note=obj.note,
            pdf_variant=obj.pdf_variant or PdfVariant.ACCESSIBLE,
        )
        obj.pk = report.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.report_delete(report=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        final = queryset.filter(stage=ReportStage.FINAL).count()
        if final:
            raise PermissionDenied(_("A final report cannot be deleted."))
        for report in queryset:
            services.report_delete(report=report, actor=request.user)

    @admin.action(description=_("Build the selected reports again"), permissions=["change"])
    def build_again(self, request, queryset):
        for report in queryset:
            services.report_rebuild(report=report, actor=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d report queued.", "%(count)d reports queued.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.display(description=_("period"), ordering="year")
    def period(self, obj):
        return obj.period_code

    @admin.display(description=pgettext_lazy("report", "scope"), ordering="scope")
    def scope_display(self, obj):
        return obj.scope_label

    @admin.display(description=_("PDF file"))
    def download(self, obj):
        if obj.status != ReportStatus.DONE:
            return "–"
        return format_html('<a href="{}">{}</a>', reverse("reports:download", args=[obj.pk]), _("Download"))

    @admin.display(description=_("file size"))
    def file_size_display(self, obj):
        return filesizeformat(obj.file_size) if obj.file_size else "–"

    @admin.display(description=_("DOCX file"))
    def download_docx(self, obj):
        # The same rule as the portal's list: a report built before DOCX existed has none.
        if not obj.has_docx:
            return "–"
        return format_html('<a href="{}">{}</a>', reverse("reports:download_docx", args=[obj.pk]), _("Download"))

    @admin.display(description=_("DOCX file size, bytes"))
    def docx_size_display(self, obj):
        return filesizeformat(obj.docx_size) if obj.docx_size else "–"


@admin.register(ReportStory)
class ReportStoryAdmin(admin.ModelAdmin):
    """Case stories are written on their report's page (``reports:detail``) through the services,
    which keep a final report locked; here they are read."""

    list_display = ["title", "report", "position", "photo"]
    list_select_related = ["report", "photo"]
    search_fields = ["title", "text", "quote"]
    readonly_fields = ["report", "position", "title", "text", "quote", "quote_attribution", "photo"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
