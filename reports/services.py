"""Writes of monitoring reports: requesting one, building it (called by the Celery task and by
``generate_report --sync``), failing it, re-queuing stuck ones and the half-yearly schedule.

The portal page, the admin, the command, Celery beat and the API all request reports
through :func:`report_request`.
"""

import base64
import json
import logging
import uuid
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access.viewer import Viewer
from api.outages import OUTAGE_ERRORS, STORAGE_ERRORS
from communities.models import PartnerOrganisation, Region
from programmes.models import Document, Programme, ProgrammeRisk, RiskReview
from programmes.selectors import visible_documents
from reports.by_programme import programme_lines
from reports.figures import (
    IndicatorsDocument,
    ProgrammeCover,
    ProgrammeRisks,
    ReportDocument,
    ReportNarrative,
    ReportPhoto,
    RiskLine,
)
from reports.indicators import Period, compute_indicators, first_record
from reports.maps import community_locations
from reports.models import (
    ACTIVE_STATUSES,
    NARRATIVE_FIELDS,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    STORIES_MAX,
    STORY_ATTRIBUTION_MAX_LENGTH,
    STORY_QUOTE_MAX_LENGTH,
    STORY_TEXT_MAX_LENGTH,
    STORY_TITLE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    MonitoringReport,
    PdfVariant,
    ReportKind,
    ReportScope,
    ReportStage,
    ReportStatus,
    ReportStory,
    pdf_checksum,
    report_upload_to,
)
from reports.results import programme_results_chapter, results_overview
from reports.selectors import (
    can_request_reports,
    is_programme_wide,
    report_communities,
    requestable_partners,
    scope_communities,
)
from reports.suppression import suppress_small_cells
from reports.trends import half_year_trends
from reports.wording import day_in_words

logger = logging.getLogger(__name__)

# Errors worth retrying: the database or the broker was briefly away. Anything else (a template or
# data error) fails the report with its message.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = OUTAGE_ERRORS

# What sending a task raises when Redis is away, besides TRANSIENT_ERRORS: Celery's Redis result
# store gives up reconnecting with a bare RuntimeError ("Retry limit exceeded while trying to
# reconnect to the Celery result store backend").
ENQUEUE_ERRORS: tuple[type[BaseException], ...] = (*TRANSIENT_ERRORS, RuntimeError)

ERROR_MAX_LENGTH = 2000


class ReportBuildError(Exception):
    """The build produced something that must not be stored (e.g. an incomplete PDF)."""


class ReportStorageError(Exception):
    """The file storage refused the PDF (disk full, volume gone, permissions, an S3 server away or
    refusing). Transient: retried like a database outage. Its message is for the report's readers,
    so it names no server path or endpoint (the original error is logged and chained)."""

    def __init__(self) -> None:
        super().__init__(_("The report could not be saved: the file storage is not available."))


TRANSIENT_ERRORS += (ReportStorageError,)


class ReportLimitReached(Exception):
    """The person asking already has ``settings.REPORTS_MAX_ACTIVE_PER_USER`` reports queued or
    being built. Its message is for them (the page shows it; the API answers 429)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            ngettext(
                "You already have %(count)d report queued or being built: request another one when it is ready.",
                "You already have %(count)d reports queued or being built: "
                "request another one when one of them is ready.",
                limit,
            )
            % {"count": limit}
        )


def delete_stored_file(name: str) -> None:
    """Remove a file no row points at any more, after the commit that let go of it. A storage that
    is away leaves it behind (logged): the row is already right, and an orphan costs only space."""
    try:
        default_storage.delete(name)
    except STORAGE_ERRORS as error:
        logger.warning("Could not delete the stored file %s: %s", name, error)


def report_kind_for(kind: str, half: int | None) -> str:
    """Map the request's ``kind`` (``semiannual`` with ``half`` 1 or 2, or ``annual``; the stored
    ``h1``/``h2`` are accepted too) to :class:`ReportKind`. Raises ``ValidationError``."""
    if kind in (ReportKind.H1, ReportKind.H2):
        if half not in (None, int(kind[1])):
            raise ValidationError({"half": _("The half-year does not match the kind of report.")})
        return kind
    if kind == "semiannual":
        if half not in (1, 2):
            raise ValidationError({"half": _("Choose the half-year (1 or 2) of a semi-annual report.")})
        return ReportKind.H1 if half == 1 else ReportKind.H2
    if kind == ReportKind.ANNUAL:
        if half is not None:
            raise ValidationError({"half": _("An annual report covers the whole year: leave the half-year empty.")})
        return ReportKind.ANNUAL
    raise ValidationError({"kind": _("The kind of report must be semi-annual or annual.")})


def report_period(report: MonitoringReport) -> Period:
    return Period.parse(report.period_code)


def _check_permission(actor: User | None) -> None:
    # No actor: the command line, Celery beat.
    if actor is not None and not can_request_reports(Viewer.for_user(actor)):
        raise PermissionDenied(_("You cannot request monitoring reports."))


def _enqueue_after_commit(report_id: int, report: MonitoringReport | None = None) -> None:
    def send() -> None:
        sent = report_enqueue(report_id=report_id)
        if report is not None:
            report.sent_to_queue = sent

    transaction.on_commit(send)


def report_enqueue(*, report_id: int) -> bool:
    """Send the build of ``report_id`` to Celery; False if that failed. A broker that is down is
    logged, not raised (the settings bound the wait to a few seconds): the report stays queued and
    the watchdog sends it again."""
    from reports.tasks import build_report

    try:
        build_report.delay(report_id)
    except ENQUEUE_ERRORS:
        logger.exception("Could not queue the build of report %s; the watchdog will retry", report_id)
        return False
    return True


def _scope_errors(
    scope: str, region: Region | None, partner: PartnerOrganisation | None, programme: Programme | None
) -> dict[str, list[str]]:
    errors = {}
    if scope not in ReportScope.values:
        errors["scope"] = [_("The scope must be the whole programme, a region or a partner organisation.")]
    elif scope == ReportScope.REGION and region is None:
        errors["region"] = [_("Choose the region.")]
    elif scope == ReportScope.PARTNER and partner is None:
        errors["partner"] = [_("Choose the partner organisation.")]
    if programme is not None and scope != ReportScope.PROGRAMME:
        errors["programme"] = [_("A programme can be given only with the programme scope.")]
    return errors


def _before_first_record(
    period: Period,
    scope: str,
    region: Region | None,
    partner: PartnerOrganisation | None,
    programme: Programme | None,
) -> dict[str, list[str]]:
    """A period that ends before the scope's first record has nothing to report: refused, with
    the first record's date. A scope with no record at all is not refused (its report says so)."""
    first = first_record(
        communities=scope_communities(scope=scope, region=region, partner=partner),
        programme_wide=is_programme_wide(scope),
        programme=programme,
    )
    if first is None or period.end >= first:
        return {}
    return {
        "year": [
            _(
                "Nothing was recorded in this scope before %(date)s, the date of its first record: "
                "choose a period that ends on or after it."
            )
            % {"date": day_in_words(first)}
        ]
    }


def report_check_request(
    *,
    actor: User | None,
    kind: str,
    year: Any,  # as a form or the API sent it: checked here
    half: int | None = None,
    scope: str = ReportScope.PROGRAMME,
    region: Region | None = None,
    partner: PartnerOrganisation | None = None,
    language: str = "uk",
    today: date | None = None,
    programme: Programme | None = None,
    note: str = "",
    pdf_variant: str = PdfVariant.ACCESSIBLE,
) -> str:
    """Check a report request without recording it (forms call it to show errors next to their
    fields). Returns the :class:`ReportKind` to store; raises ``ValidationError`` with per-field
    messages in the active language, or ``PermissionDenied``. The ``note`` is checked here, for
    every path (form, API, command): a model's ``TextField`` does not enforce its ``max_length``."""
    errors = {}
    note_length = len((note or "").strip())
    if note_length > NOTE_MAX_LENGTH:
        errors["note"] = [
            _("The note may have at most %(limit)s characters; this one has %(length)s.")
            % {"limit": NOTE_MAX_LENGTH, "length": note_length}
        ]
    try:
        stored_kind = report_kind_for(kind, half)
    except ValidationError as error:
        errors.update(error.message_dict)
        stored_kind = None
    errors.update(_scope_errors(scope, region, partner, programme))
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose one of the portal's languages.")]
    if pdf_variant not in PdfVariant.values:
        errors["pdf_variant"] = [_("Choose the accessible PDF or the PDF/A for archiving.")]
    try:
        period = Period(int(year), None if stored_kind in (None, ReportKind.ANNUAL) else int(stored_kind[1]))
    except (TypeError, ValueError):
        errors["year"] = [_("The year must be between 2000 and 2100.")]
    else:
        if period.start > (today or timezone.localdate()):
            errors["year"] = [_("This period has not started yet.")]
        elif not errors:
            errors |= _before_first_record(period, scope, region, partner, programme)
    if errors or stored_kind is None:  # a kind report_kind_for refused is among the errors
        raise ValidationError(errors)
    _check_permission(actor)
    return stored_kind


def report_identity(
    *,
    kind: str,
    year: int,
    scope: str,
    region: Region | None,
    partner: PartnerOrganisation | None,
    language: str,
    programme: Programme | None = None,
    pdf_variant: str = PdfVariant.ACCESSIBLE,
) -> dict[str, Any]:
    """What makes two requests identical: the same PDF would come out (the cover's note aside)."""
    return {
        "pdf_variant": pdf_variant,
        "kind": kind,
        "year": int(year),
        "scope": scope,
        "region": region if scope == ReportScope.REGION else None,
        "partner": partner if scope == ReportScope.PARTNER else None,
        "programme": programme if scope == ReportScope.PROGRAMME else None,
        "language": language,
    }


IDENTITY_FIELDS = ("kind", "year", "scope", "region", "partner", "programme", "language", "pdf_variant")


def identical_active_report(identity: dict[str, Any], *, exclude: int | None = None) -> MonitoringReport | None:
    """The report queued or being built for the same ``identity``, if there is one."""
    reports = (
        MonitoringReport.objects.filter(status__in=ACTIVE_STATUSES, **identity)
        .exclude(stage=ReportStage.FINAL)  # a final report's rebuild renders its snapshot, not a request
        .order_by("requested_at", "pk")
    )
    if exclude is not None:
        reports = reports.exclude(pk=exclude)
    return reports.first()


def report_check_capacity(*, actor: User | None, identity: dict[str, Any]) -> None:
    """Raise :class:`ReportLimitReached` when ``actor`` has as many reports queued or being built
    as ``settings.REPORTS_MAX_ACTIVE_PER_USER``, unless this request is identical to one in
    progress (it is folded into that one, and adds nothing). The system (``None``) has no limit."""
    if actor is None or identical_active_report(identity) is not None:
        return
    limit = settings.REPORTS_MAX_ACTIVE_PER_USER
    if MonitoringReport.objects.filter(requested_by=actor, status__in=ACTIVE_STATUSES).count() >= limit:
        raise ReportLimitReached(limit)


def _folded(report: MonitoringReport) -> MonitoringReport:
    report.folded = True
    return report


@transaction.atomic
def report_request(
    *,
    actor: User | None,
    kind: str,
    year: int,
    half: int | None = None,
    scope: str = ReportScope.PROGRAMME,
    region: Region | None = None,
    partner: PartnerOrganisation | None = None,
    language: str = "uk",
    note: str = "",
    scheduled: bool = False,
    enqueue: bool = True,
    today: date | None = None,
    programme: Programme | None = None,
    pdf_variant: str = PdfVariant.ACCESSIBLE,
) -> MonitoringReport:
    """Record a request for a monitoring report and queue its build once the transaction commits.

    ``kind`` is ``"semiannual"`` (with ``half`` 1 or 2) or ``"annual"`` (the stored ``"h1"`` and
    ``"h2"`` are accepted too); ``scope`` is ``"programme"``, ``"region"`` (with ``region``) or
    ``"partner"`` (with ``partner``), and a ``"programme"`` scope with ``programme`` covers that
    programme only (without it, the whole portal); ``language`` one of ``settings.LANGUAGES``; ``note`` is
    printed on the cover as typed (at most ``NOTE_MAX_LENGTH`` characters); ``pdf_variant`` is
    :class:`PdfVariant` (tagged PDF/UA-1 by default, or PDF/A-3b for archiving). ``actor`` is the
    user asking (``None`` for the system): programme staff and managers, who may request any scope
    (partner organisations only read reports).

    A request identical to a report still queued or being built (same kind, period, scope and
    language; the note aside) records nothing and returns that report, with ``folded`` set. A
    person may have ``settings.REPORTS_MAX_ACTIVE_PER_USER`` reports in progress at once.

    Raises ``PermissionDenied``, :class:`ReportLimitReached`, or ``ValidationError`` with per-field
    messages in the active language (see :func:`report_check_request`). ``enqueue=False`` leaves
    the build to the caller (the command's ``--sync``).
    """
    stored_kind = report_check_request(
        actor=actor,
        kind=kind,
        year=year,
        half=half,
        scope=scope,
        region=region,
        partner=partner,
        language=language,
        today=today,
        programme=programme,
        note=note,
        pdf_variant=pdf_variant,
    )
    identity = report_identity(
        kind=stored_kind,
        year=year,
        scope=scope,
        region=region,
        partner=partner,
        language=language,
        programme=programme,
        pdf_variant=pdf_variant,
    )
    if not scheduled:
        if actor is not None:
            # One person's requests one at a time (on PostgreSQL), so two at once cannot both
            # pass the limit.
            User.objects.select_for_update().filter(pk=actor.pk).first()
        existing = identical_active_report(identity)
        if existing is not None:
            return _folded(existing)
        report_check_capacity(actor=actor, identity=identity)
    report = MonitoringReport(
        **identity,
        note=(note or "").strip(),
        requested_by=actor,
        scheduled=scheduled,
        enqueued_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            report.full_clean()
            report.save()
    except (IntegrityError, ValidationError):
        # An identical request committed between the look-up and the insert: the constraint on
        # active requests (report_one_active_request) refused this one.
        existing = None if scheduled else identical_active_report(identity)
        if existing is None:
            raise
        return _folded(existing)
    if enqueue:
        _enqueue_after_commit(report.pk, report)
    return report


def report_document(report: MonitoringReport, *, generated_at: datetime | None = None) -> ReportDocument:
    """Everything the PDF shows, as plain data: the report's own details and the indicators of
    its period and scope (:func:`reports.indicators.compute_indicators`), and what staff wrote
    (:func:`report_narrative`). A report is read
    outside the case team (programme managers, partners, donors), whatever its scope: its
    case-work figures have their small cells hidden (:mod:`reports.suppression`)."""
    period = report_period(report)
    document: ReportDocument = {
        "report": {
            "id": report.pk,
            "kind": report.kind,
            "period": period.code,
            "year": report.year,
            "half": period.half,
            "scope": report.scope,
            "scope_name": report.region.name if report.region else (report.partner.name if report.partner else ""),
            "programme": programme_cover(report.programme) if report.programme else None,
            "language": report.language,
            "note": report.note,
            "pdf_variant": report.pdf_variant,
            "generated_at": timezone.localtime(generated_at).isoformat(timespec="minutes"),
        },
        "indicators": suppress_small_cells(_indicators_in(report.language, report, period)),
        "locations": community_locations(report_communities(report)),
        "narrative": report_narrative(report),
    }
    if report.scope == ReportScope.PROGRAMME and report.programme is not None:
        document["results"] = programme_results_chapter(report.programme, period)
    elif report.scope == ReportScope.PROGRAMME:
        # The whole portal: a line per programme.
        document["results"] = results_overview(period)
    if report.programme is None:
        document["by_programme"] = programme_lines(report_communities(report), period)
    first = document["indicators"]["to_date"]["start"]
    document["trends"] = half_year_trends(
        communities=report_communities(report),
        period=period,
        first=date.fromisoformat(first) if first else None,
        programme=report.programme,
    )
    if report.scope == ReportScope.PROGRAMME:
        document["risks"] = risk_registers(report.programme, period)
    return document


def risk_registers(programme: Programme | None, period: Period) -> list[ProgrammeRisks]:
    """The risk register of ``programme`` (a programme report: even an empty one), or of every
    programme running in ``period`` that has risks (the whole portal), by code: each risk with
    its status at the period's end and its reviews dated within the period."""
    if programme is not None:
        programmes = Programme.objects.filter(pk=programme.pk)
    else:
        programmes = Programme.objects.filter(
            starts_on__lte=period.end, ends_on__gte=period.start, risks__isnull=False
        ).distinct()
    # The reviews up to the period's end: the latest gives the risk's status then (a risk never
    # reviewed by then has its status as recorded); those dated in the period are printed.
    reviews = RiskReview.objects.filter(reviewed_on__lte=period.end).order_by("reviewed_on", "pk")
    risks = ProgrammeRisk.objects.order_by("position", "pk").prefetch_related(Prefetch("reviews", queryset=reviews))
    return [
        {
            "code": line.code,
            "name": line.name,
            "risks": [_risk_line(risk, period) for risk in line.risks.all()],
        }
        for line in programmes.order_by("code").prefetch_related(Prefetch("risks", queryset=risks))
    ]


def _risk_line(risk: ProgrammeRisk, period: Period) -> RiskLine:
    reviews = list(risk.reviews.all())  # prefetched: up to the period's end, oldest first
    return {
        "title": risk.title,
        "description": risk.description,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "mitigation": risk.mitigation,
        "owner": risk.owner,
        "status": reviews[-1].status if reviews else risk.status,
        "reviews": [
            {
                "reviewed_on": review.reviewed_on.isoformat(),
                "status": review.status,
                "what_happened": review.what_happened,
            }
            for review in reviews
            if review.reviewed_on >= period.start
        ],
    }


def _indicators_in(language: str, report: MonitoringReport, period: Period) -> IndicatorsDocument:
    # In the report's language: the document names what staff named in four languages (the
    # assessment dimensions) in the language it is printed in.
    with translation.override(language):
        return compute_indicators(
            period=period,
            communities=report_communities(report),
            programme_wide=is_programme_wide(report.scope),
            programme=report.programme,
        )


def programme_cover(programme: Programme) -> ProgrammeCover:
    """What a programme report's cover names: the programme, its donors and grant references."""
    return {
        "id": programme.pk,
        "code": programme.code,
        "name": programme.name,
        "name_en": programme.name_en,
        "donors": [
            {"name": funding.donor.name, "grant_reference": funding.grant_reference}
            for funding in programme.fundings.select_related("donor").order_by("donor__name")
        ],
    }


def _set_progress(report_id: int, token: str, progress: int) -> None:
    MonitoringReport.objects.filter(pk=report_id, build_token=token).update(
        progress=progress, updated_at=timezone.now()
    )


def _claim(report_id: int) -> tuple[MonitoringReport, str | None]:
    """Mark the report running under a new build token; no token for a report already finished."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        report = MonitoringReport.objects.select_for_update().get(pk=report_id)
        if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
            return report, None
        report.status = ReportStatus.RUNNING
        report.started_at = timezone.now()
        report.finished_at = None
        report.progress = 5
        report.error = ""
        report.attempts += 1
        report.build_token = token
        report.save(
            update_fields=[
                "status",
                "started_at",
                "finished_at",
                "progress",
                "error",
                "attempts",
                "build_token",
                "updated_at",
            ]
        )
    return report, token


def _check_pdf(content: bytes) -> None:
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-1024:]:
        raise ReportBuildError(_("The renderer did not produce a complete PDF."))


def _check_docx(content: bytes) -> None:
    if not content.startswith(b"PK\x03\x04") or b"word/document.xml" not in content:
        raise ReportBuildError(_("The renderer did not produce a complete DOCX."))


def _save_file(report: MonitoringReport, token: str, content: bytes, extension: str) -> str:
    checksum = pdf_checksum(content)
    try:
        return default_storage.save(
            report_upload_to(report, f"report-{report.pk}-{checksum[:16]}-{token[:8]}.{extension}"),
            ContentFile(content),
        )
    except STORAGE_ERRORS as error:
        logger.error("Could not store the %s of report %s: %s", extension.upper(), report.pk, error)
        raise ReportStorageError() from error


def _store(report: MonitoringReport, token: str, content: bytes, docx: bytes | None = None) -> MonitoringReport:
    """Write the PDF (and the DOCX, given ``docx``) under new names, then point the row at them in
    one transaction; the files the row pointed at before are removed only after that commits. A
    build that was superseded by a newer one (another token) discards its files."""
    name = _save_file(report, token, content, "pdf")
    names = [name]
    try:
        docx_name = _save_file(report, token, docx, "docx") if docx is not None else ""
        if docx_name:
            names.append(docx_name)
        with transaction.atomic():
            current = MonitoringReport.objects.select_for_update().get(pk=report.pk)
            if current.build_token != token:
                logger.info("Report %s was rebuilt meanwhile; dropping this build's file", report.pk)
                for dropped in names:
                    transaction.on_commit(partial(delete_stored_file, dropped))
                return current
            previous_names = [current.file.name, current.docx_file.name]
            current.file.name = name
            current.file_size = len(content)
            current.checksum = pdf_checksum(content)
            current.docx_file.name = docx_name
            current.docx_size = len(docx) if docx is not None else None
            current.docx_checksum = pdf_checksum(docx) if docx is not None else ""
            current.status = ReportStatus.DONE
            current.progress = 100
            current.error = ""
            current.finished_at = timezone.now()
            current.save()
            for previous_name in previous_names:
                if previous_name and previous_name not in names:
                    transaction.on_commit(partial(delete_stored_file, previous_name))
            return current
    except BaseException:
        for written in names:
            delete_stored_file(written)
        raise


def report_build(*, report_id: int) -> MonitoringReport:
    """Build report ``report_id`` now, in this process: compute its figures, render the PDF, store
    it and mark the report done. Safe to run twice: a report already done or failed is returned as
    it is (a duplicate message: a rebuild, the watchdog and a retry queue it again first), and two
    builds that overlap store one file, the later one's.

    Transient errors (database or broker away) propagate so the caller can retry; any other error
    marks the report failed with a readable message and returns it.
    """
    report, token = _claim(report_id)
    if token is None:
        logger.info("Report %s is already %s; nothing to build", report_id, report.status)
        return report
    # Messages stored on the report (an error) are in the report's language.
    with translation.override(report.language):
        return _build(report, token)


def _build(report: MonitoringReport, token: str) -> MonitoringReport:
    from reports.docx import render_report_docx
    from reports.pdf import render_report_pdf

    report_id = report.pk
    try:
        # A final report is built from what was frozen when it was finalised, nothing else.
        document = (
            report.frozen_document if report.stage == ReportStage.FINAL and report.snapshot else report_document(report)
        )
        _set_progress(report_id, token, 40)
        content = render_report_pdf(document)
        _set_progress(report_id, token, 85)
        _check_pdf(content)
        # The DOCX from the same document: the same figures, for donors who edit or merge reports.
        docx = render_report_docx(document)
        _check_docx(docx)
        _set_progress(report_id, token, 95)
        return _store(report, token, content, docx)
    except TRANSIENT_ERRORS:
        MonitoringReport.objects.filter(pk=report_id, build_token=token).update(
            status=ReportStatus.QUEUED, enqueued_at=timezone.now(), progress=0, updated_at=timezone.now()
        )
        raise
    except Exception as error:
        logger.exception("Report %s failed", report_id)
        return report_fail(report_id=report_id, message=describe_error(error), token=token)


def describe_error(error: BaseException) -> str:
    if isinstance(error, ReportStorageError):  # already written for the report's readers
        return str(error)[:ERROR_MAX_LENGTH]
    message = str(error).strip() or error.__class__.__name__
    return f"{error.__class__.__name__}: {message}"[:ERROR_MAX_LENGTH]


def report_give_up(*, report_id: int, error: BaseException) -> MonitoringReport:
    """Fail report ``report_id`` after its last retry of a transient ``error``, with a message in
    the report's language."""
    language = MonitoringReport.objects.filter(pk=report_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        return report_fail(
            report_id=report_id,
            message=_("Gave up after repeated temporary errors: %(error)s") % {"error": describe_error(error)},
        )


@transaction.atomic
def report_fail(*, report_id: int, message: str, token: str | None = None) -> MonitoringReport:
    """Mark report ``report_id`` failed with ``message``; its file, if it had one, is removed. With
    ``token``, only if that build is still the current one."""
    report = MonitoringReport.objects.select_for_update().get(pk=report_id)
    if token is not None and report.build_token != token:
        return report
    previous_names = [report.file.name, report.docx_file.name]
    report.status = ReportStatus.FAILED
    report.error = (message or _("Unknown error."))[:ERROR_MAX_LENGTH]
    report.finished_at = timezone.now()
    if report.started_at is None or report.started_at > report.finished_at:
        report.started_at = report.finished_at
    report.file.name = ""
    report.file_size = None
    report.checksum = ""
    report.docx_file.name = ""
    report.docx_size = None
    report.docx_checksum = ""
    report.progress = 0
    report.save()
    for previous_name in previous_names:
        if previous_name:
            transaction.on_commit(partial(delete_stored_file, previous_name))
    return report


@transaction.atomic
def report_rebuild(*, report: MonitoringReport, actor: User | None, enqueue: bool = True) -> MonitoringReport:
    """Queue ``report`` to be built again (e.g. after a failure or a data correction). When an
    identical report is already queued or being built, that one is returned (``folded``) and
    ``report`` is left as it is. A final report is built again from its frozen snapshot: the same
    bytes as before. ``enqueue=False`` leaves the build to the caller."""
    _check_permission(actor)
    if not report.scheduled and not report.is_active and report.stage != ReportStage.FINAL:
        identity = {field: getattr(report, field) for field in IDENTITY_FIELDS}
        existing = identical_active_report(identity, exclude=report.pk)
        if existing is not None:
            return _folded(existing)
    try:
        with transaction.atomic():
            MonitoringReport.objects.filter(pk=report.pk).update(
                status=ReportStatus.QUEUED,
                progress=0,
                enqueued_at=timezone.now(),
                build_token="",
                updated_at=timezone.now(),
            )
    except IntegrityError:  # an identical request committed meanwhile
        existing = identical_active_report({field: getattr(report, field) for field in IDENTITY_FIELDS})
        if existing is None:
            raise
        return _folded(existing)
    if enqueue:
        _enqueue_after_commit(report.pk)
    report.refresh_from_db()
    return report


def reports_requeue_stuck(*, now: datetime | None = None) -> list[int]:
    """Send again the reports stuck queued or running for longer than
    ``settings.REPORTS_STUCK_AFTER_SECONDS`` (the message or the worker was lost); fail those that
    already had ``settings.REPORTS_MAX_ATTEMPTS`` attempts. Returns the ids sent again."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.REPORTS_STUCK_AFTER_SECONDS)
    stuck = MonitoringReport.objects.filter(
        Q(status=ReportStatus.QUEUED, enqueued_at__lt=limit)
        | Q(status=ReportStatus.QUEUED, enqueued_at__isnull=True, requested_at__lt=limit)
        | Q(status=ReportStatus.RUNNING, started_at__lt=limit)
    )
    requeued = []
    with transaction.atomic():
        for report in stuck.select_for_update(skip_locked=True).order_by("pk"):
            if report.attempts >= settings.REPORTS_MAX_ATTEMPTS:
                report_fail(
                    report_id=report.pk,
                    message=_("Gave up after %(attempts)d attempts: the build never finished.")
                    % {"attempts": report.attempts},
                )
                continue
            # A new empty token: a build still running somewhere can no longer store its file.
            MonitoringReport.objects.filter(pk=report.pk).update(
                status=ReportStatus.QUEUED, progress=0, enqueued_at=now, build_token="", updated_at=now
            )
            _enqueue_after_commit(report.pk)
            requeued.append(report.pk)
    return requeued


# Beat asks every day: a day it missed (beat or Redis down on the 1st) is made up within this time.
SCHEDULE_CATCH_UP = timedelta(days=31)


def periods_due(today: date) -> list[Period]:
    """The periods whose scheduled reports are due on ``today``: the first half-year in July, the
    second half-year and the whole of last year in January (up to :data:`SCHEDULE_CATCH_UP` after
    the period's end)."""
    ended = [Period(today.year, 1)] if today.month >= 7 else [Period(today.year - 1, 2), Period(today.year - 1)]
    return [period for period in ended if today - period.end <= SCHEDULE_CATCH_UP]


def reports_schedule_due(*, today: date | None = None) -> list[MonitoringReport]:
    """Request the scheduled reports of the periods that ended last (:func:`periods_due`) in each of
    ``settings.REPORTS_SCHEDULED_LANGUAGES``: one for the whole programme and one for each active
    partner organisation that covers a community (its own report, which partners cannot request
    themselves). A report already there is not asked again."""
    today = today or timezone.localdate()
    partners = list(requestable_partners().filter(communities__isnull=False).distinct().order_by("pk"))
    scopes = [(ReportScope.PROGRAMME, None)] + [(ReportScope.PARTNER, partner) for partner in partners]
    created = []
    for period in periods_due(today):
        kind = ReportKind.ANNUAL if period.is_annual else ("h1" if period.half == 1 else "h2")
        for language in settings.REPORTS_SCHEDULED_LANGUAGES:
            for scope, partner in scopes:
                existing = MonitoringReport.objects.filter(
                    scheduled=True, kind=kind, year=period.year, language=language, scope=scope, partner=partner
                )
                if existing.exists():
                    continue
                try:
                    report = report_request(
                        actor=None,
                        kind=kind,
                        year=period.year,
                        scope=scope,
                        partner=partner,
                        language=language,
                        scheduled=True,
                        today=today,
                    )
                except (IntegrityError, ValidationError):  # another beat got there first
                    continue
                created.append(report)
    return created


@transaction.atomic
def report_delete(*, report: MonitoringReport, actor: User | None) -> None:
    """Delete ``report`` and, once that commits, its files. A final report is a record: it stays."""
    if report.stage == ReportStage.FINAL:
        raise ReportLocked()
    names = [report.file.name, report.docx_file.name]
    report.delete()
    for name in names:
        if name:
            transaction.on_commit(partial(delete_stored_file, name))


# --- the written analysis and the editorial life cycle ----------------------------------------------


class ReportLocked(PermissionDenied):
    """A final report's texts, stories and request are locked; its message is for the reader."""

    def __init__(self) -> None:
        super().__init__(_("This report is final: its texts and stories can no longer be changed."))


# The largest photo a case story prints (it is kept in a final report's snapshot).
STORY_PHOTO_MAX_BYTES = 3 * 1024 * 1024
STORY_PHOTO_TYPES = ("image/jpeg", "image/png")
TEXT_LIMITS = {
    "executive_summary": SUMMARY_MAX_LENGTH,
    "what_changed": NARRATIVE_MAX_LENGTH,
    "lessons_learned": NARRATIVE_MAX_LENGTH,
    "recommendations": NARRATIVE_MAX_LENGTH,
}
STORY_LIMITS = {
    "title": STORY_TITLE_MAX_LENGTH,
    "text": STORY_TEXT_MAX_LENGTH,
    "quote": STORY_QUOTE_MAX_LENGTH,
    "quote_attribution": STORY_ATTRIBUTION_MAX_LENGTH,
}


def _too_long(limit: int, length: int) -> str:
    return _("At most %(limit)s characters; this text has %(length)s.") % {"limit": limit, "length": length}


def _locked_for_writing(report: MonitoringReport, actor: User | None) -> MonitoringReport:
    """``report`` locked for this transaction, after checking that ``actor`` may write on it and
    that it is not final."""
    _check_permission(actor)
    current = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    if current.stage == ReportStage.FINAL:
        raise ReportLocked()
    return current


def report_check_texts(**texts: str) -> dict[str, str]:
    """The report's texts stripped, or ``ValidationError`` per field for one that is too long."""
    errors, cleaned = {}, {}
    for field, value in texts.items():
        value = (value or "").strip()
        if len(value) > TEXT_LIMITS[field]:
            errors[field] = [_too_long(TEXT_LIMITS[field], len(value))]
        cleaned[field] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def report_update_texts(*, report: MonitoringReport, actor: User | None, **texts: str) -> MonitoringReport:
    """Write ``report``'s executive summary, "what changed and why", lessons learned and
    recommendations (any of them, by field name), in the report's language. Refused for a final
    report (:class:`ReportLocked`) and for whoever may not request reports (``PermissionDenied``);
    ``ValidationError`` for a text over its limit."""
    unknown = set(texts) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TypeError(f"not a report text: {sorted(unknown)}")
    cleaned = report_check_texts(**texts)
    current = _locked_for_writing(report, actor)
    for field, value in cleaned.items():
        setattr(current, field, value)
    current.save(update_fields=[*cleaned, "updated_at"])
    return current


def story_photo_candidates(report: MonitoringReport) -> QuerySet[Document]:
    """The documents a case story of ``report`` may print as its photo: JPG and PNG files of the
    library that every reader of the report may see (for a partner organisation's report, those the
    organisation sees; otherwise staff and programme managers, who see every document); of the
    report's programme when it has one."""
    documents = Document.objects.filter(content_type__in=STORY_PHOTO_TYPES).exclude(file="")
    if report.scope == ReportScope.PARTNER and report.partner is not None:
        documents = documents.filter(pk__in=visible_documents(Viewer.for_partner(report.partner)).values("pk"))
    if report.programme_id:
        documents = documents.filter(programme_id=report.programme_id)
    return documents.order_by("programme", "title", "pk")


def report_check_story(*, report: MonitoringReport, photo: Document | None, **fields: str) -> dict[str, str]:
    """A story's fields stripped, or ``ValidationError`` per field."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for field, limit in STORY_LIMITS.items():
        value = (fields.get(field) or "").strip()
        if len(value) > limit:
            errors[field] = [_too_long(limit, len(value))]
        cleaned[field] = value
    if not cleaned["title"]:
        errors.setdefault("title", []).append(_("Give the story a title."))
    if not cleaned["text"]:
        errors.setdefault("text", []).append(_("Write the story."))
    if cleaned["quote_attribution"] and not cleaned["quote"]:
        errors.setdefault("quote", []).append(_("Write the quote, or leave whom it is from empty."))
    if photo is not None:
        if not story_photo_candidates(report).filter(pk=photo.pk).exists():
            errors["photo"] = [
                _("Choose a JPG or PNG image from the library that every reader of this report may see.")
            ]
        elif (photo.size or 0) > STORY_PHOTO_MAX_BYTES:
            errors["photo"] = [_("The photo is larger than %(size)s MB.") % {"size": STORY_PHOTO_MAX_BYTES // 2**20}]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def report_story_save(
    *,
    report: MonitoringReport,
    actor: User | None,
    story: ReportStory | None = None,
    title: str,
    text: str,
    quote: str = "",
    quote_attribution: str = "",
    photo: Document | None = None,
) -> ReportStory:
    """Add a case story to ``report`` (at most ``STORIES_MAX``) or, with ``story``, change it.
    Refused for a final report; ``ValidationError`` per field."""
    cleaned = report_check_story(
        report=report, photo=photo, title=title, text=text, quote=quote, quote_attribution=quote_attribution
    )
    current = _locked_for_writing(report, actor)
    if story is None:
        count = current.stories.count()
        if count >= STORIES_MAX:
            raise ValidationError(
                ngettext(
                    "A report has at most %(count)d case story.",
                    "A report has at most %(count)d case stories.",
                    STORIES_MAX,
                )
                % {"count": STORIES_MAX}
            )
        last = current.stories.order_by("-position").values_list("position", flat=True).first() or 0
        story = ReportStory(report=current, position=last + 1)
    elif story.report_id != current.pk:
        raise ValidationError(_("This story belongs to another report."))
    for field, value in cleaned.items():
        setattr(story, field, value)
    story.photo = photo
    story.save()
    MonitoringReport.objects.filter(pk=current.pk).update(updated_at=timezone.now())
    return story


@transaction.atomic
def report_story_delete(*, story: ReportStory, actor: User | None) -> None:
    """Delete a case story of a report that is not final."""
    _locked_for_writing(story.report, actor)
    story.delete()
    MonitoringReport.objects.filter(pk=story.report_id).update(updated_at=timezone.now())


def _move(report: MonitoringReport, actor: User | None, *, allowed_from: tuple[str, ...], to: str) -> MonitoringReport:
    current = _locked_for_writing(report, actor)
    if current.stage not in allowed_from:
        raise ValidationError(
            _("A report that is %(stage)s cannot be moved to %(target)s.")
            % {"stage": current.get_stage_display(), "target": ReportStage(to).label}
        )
    current.stage = to
    current.save(update_fields=["stage", "updated_at"])
    return current


@transaction.atomic
def report_submit_for_review(*, report: MonitoringReport, actor: User | None) -> MonitoringReport:
    """Send a draft report for review: its texts stay editable; it can go back to draft."""
    return _move(report, actor, allowed_from=(ReportStage.DRAFT,), to=ReportStage.REVIEW)


@transaction.atomic
def report_reopen(*, report: MonitoringReport, actor: User | None) -> MonitoringReport:
    """Take a report in review back to draft (a final report is never reopened)."""
    return _move(report, actor, allowed_from=(ReportStage.REVIEW,), to=ReportStage.DRAFT)


NUMBER_PREFIX = "ZR"
NUMBER_ATTEMPTS = 5


def report_number(year: int, sequence: int) -> str:
    """The number a final report prints: ``ZR-2025-0001``."""
    return f"{NUMBER_PREFIX}-{year}-{sequence:04d}"


def _next_number(year: int) -> str:
    prefix = f"{NUMBER_PREFIX}-{year}-"
    numbers = MonitoringReport.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max((int(number.removeprefix(prefix)) for number in numbers), default=0)
    return report_number(year, last + 1)


def report_finalise(*, report: MonitoringReport, actor: User | None, enqueue: bool = True) -> MonitoringReport:
    """Finalise a report in review: freeze its document (figures, texts and stories, with the
    moment of finalisation as its date) in ``snapshot``, give it the next number of its year
    (``ZR-2025-0001``) and queue its final PDF, which is built from the snapshot alone and so the
    same, byte for byte, at every rebuild. From then on the report is locked.

    Two finalisations at once never share a number: the number is unique in the database, and a
    finalisation that loses the race takes the next one."""
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                current = _locked_for_writing(report, actor)
                if current.stage != ReportStage.REVIEW:
                    raise ValidationError(_("Only a report in review can be finalised."))
                now = timezone.now()
                with translation.override(current.language):
                    document = report_document(current, generated_at=now)
                current.number = _next_number(current.year)
                document["narrative"]["stage"] = ReportStage.FINAL
                document["narrative"]["number"] = current.number
                current.stage = ReportStage.FINAL
                current.snapshot = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False)
                current.finalised_at = now
                current.finalised_by = actor
                current.save(
                    update_fields=["number", "stage", "snapshot", "finalised_at", "finalised_by", "updated_at"]
                )
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
            continue
        break
    return report_rebuild(report=current, actor=actor, enqueue=enqueue)


def _photo_data(document: Document | None) -> ReportPhoto | None:
    if document is None or not document.file:
        return None
    try:
        with default_storage.open(document.file.name or "", "rb") as handle:
            content = handle.read(STORY_PHOTO_MAX_BYTES + 1)
    except (FileNotFoundError, *STORAGE_ERRORS):  # type: ignore[misc]
        logger.warning("The photo %s of a case story could not be read", document.pk)
        return None
    if len(content) > STORY_PHOTO_MAX_BYTES:
        return None
    return {
        "title": document.title,
        "content_type": document.content_type,
        "data": base64.b64encode(content).decode("ascii"),
    }


def report_narrative(report: MonitoringReport) -> ReportNarrative:
    """The written part of ``report``'s document: its stage and number, texts and case stories
    (each photo's bytes included, so a frozen snapshot does not depend on the library)."""
    stories = report.stories.select_related("photo").order_by("position", "pk") if report.pk else []
    return {
        "stage": report.stage,
        "number": report.number,
        "executive_summary": report.executive_summary,
        "what_changed": report.what_changed,
        "lessons_learned": report.lessons_learned,
        "recommendations": report.recommendations,
        "stories": [
            {
                "title": story.title,
                "text": story.text,
                "quote": story.quote,
                "quote_attribution": story.quote_attribution,
                "photo": _photo_data(story.photo),
            }
            for story in stories
        ],
    }
