"""The Reports page of the portal: the list with status and progress, the request form (programme
staff and managers) and the authenticated download. Partners' members see only reports of their
own organisation's scope, and request none."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from access.viewer import Viewer, request_viewer
from reports import services
from reports.forms import ReportRequestForm
from reports.selectors import can_request_reports, can_see_reports, report_pdf_content, visible_reports

logger = logging.getLogger(__name__)

PAGE_SIZE = 50


def _ensure_reports_user(viewer: Viewer) -> None:
    if not can_see_reports(viewer):
        raise PermissionDenied(_("Monitoring reports are for programme staff, managers and partner organisations."))


def _table_context(viewer: Viewer) -> dict:
    reports = list(visible_reports(viewer)[:PAGE_SIZE])
    return {
        "reports": reports,
        "any_active": any(report.is_active for report in reports),
        "can_rebuild": can_request_reports(viewer),
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    viewer = request_viewer(request)
    _ensure_reports_user(viewer)
    form = ReportRequestForm(request.POST or None, user=request.user) if can_request_reports(viewer) else None
    if request.method == "POST" and form is None:
        raise PermissionDenied(_("You cannot request monitoring reports."))
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_request(
                actor=request.user, note=form.cleaned_data["note"], **form.request_arguments()
            )
        except services.ReportLimitReached as error:
            form.add_error(None, str(error))
            context = {"form": form, **_table_context(viewer)}
            return render(request, "reports/report_list.html", context, status=429)
        if report.folded:
            messages.info(
                request,
                _("An identical report %(period)s is already queued or being built; it appears below when it is ready.")
                % {"period": report.period_code},
            )
        elif report.sent_to_queue:
            messages.success(
                request,
                _("Report %(period)s requested; it appears below when it is ready.") % {"period": report.period_code},
            )
        else:
            messages.warning(
                request,
                _(
                    "Report %(period)s requested and queued. The service that builds reports cannot be "
                    "reached right now; the report is built as soon as it is back."
                )
                % {"period": report.period_code},
            )
        return redirect("reports:list")
    return render(request, "reports/report_list.html", {"form": form, **_table_context(viewer)})


@never_cache
@login_required
def report_table(request):
    """The list's rows alone, which the page fetches every few seconds while a report is being built."""
    _ensure_reports_user(request_viewer(request))
    return render(request, "reports/report_table.html", _table_context(request_viewer(request)))


@never_cache
@login_required
def report_download(request, pk: int):
    """The PDF, to those who may see the report; only a complete file whose checksum matches."""
    report = get_object_or_404(visible_reports(request_viewer(request)), pk=pk)
    try:
        content = report_pdf_content(report)
    except Http404:
        if report.is_downloadable:
            logger.error("The file of report %s is missing or damaged: %s", report.pk, report.file.name)
        raise
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.download_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def report_rebuild(request, pk: int):
    report = get_object_or_404(visible_reports(request_viewer(request)), pk=pk)
    if not can_request_reports(request_viewer(request)):
        raise PermissionDenied
    services.report_rebuild(report=report, actor=request.user)
    messages.success(request, _("Report %(period)s queued to be built again.") % {"period": report.period_code})
    return redirect("reports:list")
