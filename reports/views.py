"""The Reports page of the portal: the list with status and progress, the request form (programme
staff and managers) and the authenticated download. Partners' members see only reports of their
own organisation's scope, and request none."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.capabilities import Capability
from access.viewer import Viewer, request_viewer
from api.renderers import XlsxRenderer
from negotiators.models import EventStatus
from programmes.models import IndicatorSource, Programme, period_outside_message
from programmes.selectors import visible_programmes
from reports import services
from reports.forms import ReportRequestForm, ReportStoryForm, ReportTextsForm
from reports.indicators import Period
from reports.logframe import default_period, logframe_workbook
from reports.models import DOCX_CONTENT_TYPE, NARRATIVE_FIELDS, STORIES_MAX, MonitoringReport, ReportStage, ReportStory
from reports.results import (
    STATUS_LABELS,
    IndicatorResult,
    programme_periods,
    programme_results,
    results_tree,
    status_counts,
)
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


def report_file_response(report, *, docx: bool = False) -> HttpResponse:
    """The report's PDF (or DOCX) as an attachment, verified against its stored checksum; the portal
    page and the API answer with it, to a caller already allowed to see ``report``."""
    try:
        content = report_pdf_content(report, docx=docx)
    except Http404:
        if report.has_docx if docx else report.is_downloadable:
            logger.error(
                "The file of report %s is missing or damaged: %s",
                report.pk,
                report.docx_file.name if docx else report.file.name,
            )
        raise
    content_type, name = (
        (DOCX_CONTENT_TYPE, report.docx_download_name) if docx else ("application/pdf", report.download_name)
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _download(request, pk: int, *, docx: bool) -> HttpResponse:
    # One rule for both formats: whoever sees the report (visible_reports) gets its files.
    report = get_object_or_404(visible_reports(request_viewer(request)), pk=pk)
    return report_file_response(report, docx=docx)


@never_cache
@login_required
def report_download(request, pk: int):
    """The PDF, to those who may see the report; only a complete file whose checksum matches."""
    return _download(request, pk, docx=False)


@never_cache
@login_required
def report_download_docx(request, pk: int):
    """The DOCX, to exactly those who get the PDF; 404 for a report built before there was one."""
    return _download(request, pk, docx=True)


@login_required
@require_POST
def report_rebuild(request, pk: int):
    report = get_object_or_404(visible_reports(request_viewer(request)), pk=pk)
    if not can_request_reports(request_viewer(request)):
        raise PermissionDenied
    services.report_rebuild(report=report, actor=request.user)
    messages.success(request, _("Report %(period)s queued to be built again.") % {"period": report.period_code})
    return redirect("reports:list")


# --- results against targets ----------------------------------------------------------------------


def _results_programme(viewer: Viewer, pk: int) -> Programme:
    """A programme whose results ``viewer`` may read: staff and programme managers any, a partner
    organisation's members those it sees; anyone else "not found"."""
    if not (viewer.can(Capability.SEES_EVERY_COMMUNITY) or viewer.can(Capability.SEES_COVERED_COMMUNITIES)):
        raise Http404
    return get_object_or_404(visible_programmes(viewer), pk=pk)


SECTION_CHANGELISTS = {
    # The figure's section -> the admin list of the records behind it, and their date field.
    "events": ("admin:negotiators_outreachevent_changelist", "date"),
    "police": ("admin:negotiators_outreachevent_changelist", "date"),
    "webinars": ("admin:negotiators_outreachevent_changelist", "date"),
    "media": ("admin:negotiators_mediamention_changelist", "published_on"),
    "incidents": ("admin:incidents_incident_changelist", "occurred_at"),
    "training": ("admin:training_trainingsession_changelist", "starts_on"),
    "engagements": ("admin:communities_engagement_changelist", "starts_on"),
    "negotiators": ("admin:negotiators_negotiator_changelist", "joined_on"),
    "assessments": ("admin:communities_safetyassessment_changelist", "assessed_on"),
}
# The sections whose records are attributed to a programme (negotiators are not).
# The sections that count held events only (as the figures do).
HELD_SECTIONS = {"events", "police", "webinars"}
ATTRIBUTED_SECTIONS = {"events", "webinars", "police", "media", "incidents", "training", "engagements", "assessments"}


def records_link(row: IndicatorResult, programme: Programme) -> str:
    """Where staff find the records behind a figure: the admin's list of them in the period (a
    computed figure), or the indicator's reported values."""
    period = row.period
    if row.indicator.source == IndicatorSource.REPORTED:
        query = {"indicator__result__programme__id__exact": programme.pk, "period": period.code}
        return f"{reverse('admin:programmes_reportedvalue_changelist')}?{urlencode(query)}"
    section = row.indicator.figure.split(".")[0]
    if section == "communities":
        query = {"programme__id__exact": programme.pk}
        return f"{reverse('admin:programmes_participation_changelist')}?{urlencode(query)}"
    if section not in SECTION_CHANGELISTS:
        return ""
    name, field = SECTION_CHANGELISTS[section]
    query = {f"{field}__gte": period.start.isoformat(), f"{field}__lte": period.end.isoformat()}
    if section in ATTRIBUTED_SECTIONS:
        query["programme__id__exact"] = str(programme.pk)
    if section in HELD_SECTIONS:
        query["status__exact"] = EventStatus.HELD.value
    return f"{reverse(name)}?{urlencode(query)}"


@never_cache
@login_required
@require_GET
def programme_results_page(request, pk: int):
    """A programme's results against targets for a period, by outcome and output."""
    viewer = request_viewer(request)
    programme = _results_programme(viewer, pk)
    periods = programme_periods(programme)
    error = ""
    try:
        period = Period.parse(request.GET["period"]) if request.GET.get("period") else None
    except ValueError as problem:
        period, error = None, str(problem)
    if period is not None and period not in periods:
        error = period_outside_message(programme, period.code)
        period = None
    if period is None:
        period = default_period(programme, timezone.localdate())
    rows = programme_results(programme, period)
    staff = viewer.can(Capability.USES_ADMIN)
    by_result: dict[int, list[dict]] = {}
    for row in rows:
        by_result.setdefault(row.indicator.result_id, []).append(
            {
                **row.as_row(),
                "row": row,
                "bar": max(0.0, min(row.percent_achieved or 0.0, 100.0)),
                "status_label": STATUS_LABELS.get(row.status or "", ""),
                "link": records_link(row, programme) if staff else "",
            }
        )
    sections = [{"result": result, "rows": by_result.get(result.pk, [])} for result in results_tree(programme)]
    context = {
        "programme": programme,
        "period": period,
        "periods": periods,
        "sections": sections,
        "counts": status_counts(rows),
        "error": error,
        "staff": staff,
    }
    return render(request, "reports/programme_results.html", context, status=400 if error else 200)


@never_cache
@login_required
@require_GET
def logframe_xlsx(request, pk: int):
    """The programme's whole logframe with targets and actuals per year, as an Excel workbook."""
    programme = _results_programme(request_viewer(request), pk)
    response = HttpResponse(logframe_workbook(programme), content_type=XlsxRenderer.media_type)
    response["Content-Disposition"] = f'attachment; filename="zlagoda-logframe-{programme.code}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_GET
def programme_list(request):
    """The programmes whose results the user may read, each with its Results page."""
    viewer = request_viewer(request)
    if not (viewer.can(Capability.SEES_EVERY_COMMUNITY) or viewer.can(Capability.SEES_COVERED_COMMUNITIES)):
        raise Http404
    return render(request, "reports/programme_list.html", {"programmes": visible_programmes(viewer)})


# --- a report's page: its written analysis and its stage ------------------------------------------


def _writable_report(request, pk: int) -> MonitoringReport:
    """A report whose page ``request``'s user may open: staff and programme managers (who request
    reports); a report outside what they see is "not found"."""
    viewer = request_viewer(request)
    _ensure_reports_user(viewer)
    report = get_object_or_404(visible_reports(viewer), pk=pk)
    if not can_request_reports(viewer):
        raise PermissionDenied(_("A report's texts are written by programme staff and managers."))
    return report


def _detail_context(
    report: MonitoringReport,
    *,
    texts_form: ReportTextsForm | None = None,
    story_form: ReportStoryForm | None = None,
    editing: ReportStory | None = None,
) -> dict:
    stories = list(report.stories.select_related("photo").order_by("position", "pk"))
    final = report.is_final
    if texts_form is None and not final:
        texts_form = ReportTextsForm(initial={field: getattr(report, field) for field in NARRATIVE_FIELDS})
    if story_form is None and not final:
        if editing is not None:
            story_form = ReportStoryForm(
                report=report,
                initial={
                    "title": editing.title,
                    "text": editing.text,
                    "quote": editing.quote,
                    "quote_attribution": editing.quote_attribution,
                    "photo": editing.photo_id,
                },
            )
        elif len(stories) < STORIES_MAX:
            story_form = ReportStoryForm(report=report)
    return {
        "report": report,
        "stories": stories,
        "stories_max": STORIES_MAX,
        "texts_form": texts_form,
        "story_form": story_form,
        "editing": editing,
        "final": final,
        "stages": ReportStage,
    }


STAGE_ACTIONS = {
    "submit": services.report_submit_for_review,
    "reopen": services.report_reopen,
    "finalise": services.report_finalise,
}


def _detail_page(request, report: MonitoringReport, **forms) -> HttpResponse:
    return render(request, "reports/report_detail.html", _detail_context(report, **forms))


def _save_texts(request, report: MonitoringReport) -> HttpResponse | None:
    form = ReportTextsForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, report, texts_form=form)
    services.report_update_texts(report=report, actor=request.user, **form.cleaned_data)
    messages.success(request, _("The texts are saved. Build the PDF again to read them in it."))
    return None


def _editing(request, report: MonitoringReport) -> ReportStory | None:
    story_id = request.POST.get("story") or request.GET.get("story")
    return get_object_or_404(report.stories, pk=story_id) if story_id else None


def _save_story(request, report: MonitoringReport) -> HttpResponse | None:
    editing = _editing(request, report)
    form = ReportStoryForm(request.POST, report=report)
    if not form.is_valid():
        return _detail_page(request, report, story_form=form, editing=editing)
    services.report_story_save(report=report, actor=request.user, story=editing, **form.story_arguments())
    messages.success(request, _("The case story is saved."))
    return None


def _delete_story(request, report: MonitoringReport) -> HttpResponse | None:
    story = get_object_or_404(report.stories, pk=request.POST.get("story"))
    services.report_story_delete(story=story, actor=request.user)
    messages.success(request, _("The case story is deleted."))
    return None


def _build_again(request, report: MonitoringReport) -> HttpResponse | None:
    services.report_rebuild(report=report, actor=request.user)
    messages.success(request, _("Report %(period)s queued to be built again.") % {"period": report.period_code})
    return None


def _move_stage(request, report: MonitoringReport) -> HttpResponse | None:
    action = request.POST["action"]
    if action == "finalise" and request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm: a final report can no longer be changed."))
        return _detail_page(request, report)
    moved = STAGE_ACTIONS[action](report=report, actor=request.user)
    messages.success(request, _("The report is now: %(stage)s.") % {"stage": ReportStage(moved.stage).label})
    return None


DETAIL_ACTIONS = {
    "texts": _save_texts,
    "story": _save_story,
    "delete_story": _delete_story,
    "build": _build_again,
    **dict.fromkeys(STAGE_ACTIONS, _move_stage),
}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk: int):
    """A report's page: its stage, the texts and case stories staff write in the report's language
    (while it is a draft or in review), the moves between stages and the download. Every write goes
    through :mod:`reports.services`; a form with errors comes back as typed, on a 200 page."""
    report = _writable_report(request, pk)
    if request.method == "GET":
        return _detail_page(request, report, editing=_editing(request, report))
    action = request.POST.get("action", "")
    if action not in DETAIL_ACTIONS:
        return HttpResponse(status=400)
    try:
        response = DETAIL_ACTIONS[action](request, report)
    except services.ReportLocked as error:
        messages.error(request, str(error))
        report.refresh_from_db()
        return _detail_page(request, report)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        report.refresh_from_db()
        # What was typed is shown again with the message.
        return _detail_page(
            request,
            report,
            texts_form=ReportTextsForm(request.POST) if action == "texts" else None,
            story_form=ReportStoryForm(request.POST, report=report) if action == "story" else None,
            editing=_editing(request, report) if action == "story" else None,
        )
    return response or redirect("reports:detail", pk=report.pk)
