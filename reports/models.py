"""Monitoring reports (semi-annual and annual PDFs) are built in this app.

A :class:`MonitoringReport` row is a request and its outcome: what period, scope and language was
asked for, by whom, how far the build has got, and the finished PDF with its size and checksum.
The figures come from :mod:`reports.indicators`, the PDF from :mod:`reports.pdf`, and the build
runs in Celery (:mod:`reports.tasks`) through :mod:`reports.services`.
"""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import PartnerOrganisation, Region

REPORT_LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The longest note a cover prints: every path that requests a report checks it
# (reports.services.report_check_request), not only the forms.
NOTE_MAX_LENGTH = 2000
# What a report's DOCX version (reports.docx) is served as.
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReportKind(models.TextChoices):
    H1 = "h1", _("Semi-annual, January–June")
    H2 = "h2", _("Semi-annual, July–December")
    ANNUAL = "annual", _("Annual")


class ReportScope(models.TextChoices):
    PROGRAMME = "programme", _("Whole programme")
    REGION = "region", _("One region")
    PARTNER = "partner", _("One partner organisation's communities")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class PdfVariant(models.TextChoices):
    """The kind of PDF a report is written as (``reports.pdf.PDF_OPTIONS``); both are tagged."""

    ACCESSIBLE = "pdf/ua-1", _("Accessible (PDF/UA-1)")
    ARCHIVAL = "pdf/a-3b", _("For archiving (PDF/A-3b)")


ACTIVE_STATUSES = (ReportStatus.QUEUED, ReportStatus.RUNNING)


class ReportStage(models.TextChoices):
    """Where a report's written analysis stands: staff write it as a draft, send it for review,
    and finalise it; a final report is locked, numbered and built from a frozen snapshot."""

    DRAFT = "draft", pgettext_lazy("report stage", "Draft")
    REVIEW = "review", pgettext_lazy("report stage", "In review")
    FINAL = "final", pgettext_lazy("report stage", "Final")


# The longest texts staff write on a report (reports.services.report_update_texts checks them in
# every path) and the most case stories a report prints.
SUMMARY_MAX_LENGTH = 4000
NARRATIVE_MAX_LENGTH = 8000
STORY_TITLE_MAX_LENGTH = 200
STORY_TEXT_MAX_LENGTH = 3000
STORY_QUOTE_MAX_LENGTH = 600
STORY_ATTRIBUTION_MAX_LENGTH = 200
STORIES_MAX = 3


def pdf_checksum(content: bytes) -> str:
    """What :attr:`MonitoringReport.checksum` holds for a PDF of ``content``: its SHA-256, in hex.
    The build stores it, the download and ``manage.py verify_reports`` check against it."""
    return hashlib.sha256(content).hexdigest()


def report_upload_to(report: "MonitoringReport", filename: str) -> str:
    return f"reports/{report.year}/{filename}"


class MonitoringReport(models.Model):
    """A semi-annual or annual monitoring report for the whole programme, a region or a partner
    organisation's communities, in one language.

    The row is only ``done`` once its PDF is completely written: ``file``, ``file_size`` and
    ``checksum`` (SHA-256 of the bytes) are set together with the status, in one transaction.
    """

    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    scope = models.CharField(
        pgettext_lazy("report", "scope"), max_length=12, choices=ReportScope.choices, default=ReportScope.PROGRAMME
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("partner organisation"),
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("programme"),
        help_text=_("With the programme scope: only this programme. Empty: the whole portal."),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="uk")
    pdf_variant = models.CharField(
        _("PDF variant"),
        max_length=8,
        choices=PdfVariant.choices,
        default=PdfVariant.ACCESSIBLE,
        help_text=_("Accessible for reading on screen, or PDF/A for long-term archiving."),
    )
    note = models.TextField(
        _("note"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Printed on the cover as written, e.g. who it is for."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(
        _("progress, %"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    file = models.FileField(_("PDF file"), upload_to=report_upload_to, max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size, bytes"), null=True, blank=True)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    # The same report as DOCX (reports.docx), written by the same build; empty for a report built
    # before there was one (a rebuild adds it).
    docx_file = models.FileField(_("DOCX file"), upload_to=report_upload_to, max_length=255, blank=True)
    docx_size = models.PositiveBigIntegerField(_("DOCX file size, bytes"), null=True, blank=True)
    docx_checksum = models.CharField(_("DOCX SHA-256 checksum"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    scheduled = models.BooleanField(
        _("scheduled"), default=False, help_text=_("Generated automatically after the period ended.")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    enqueued_at = models.DateTimeField(_("last queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Every change of status or progress moves it (the services' queryset updates set it too), so
    # API clients can poll with ``updated_since``.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    stage = models.CharField(
        _("stage"), max_length=8, choices=ReportStage.choices, default=ReportStage.DRAFT, db_index=True
    )
    number = models.CharField(
        _("number"),
        max_length=16,
        blank=True,
        editable=False,
        help_text=_("Given when the report is finalised, e.g. ZR-2025-0001."),
    )
    executive_summary = models.TextField(_("executive summary"), blank=True, max_length=SUMMARY_MAX_LENGTH)
    what_changed = models.TextField(_("what changed and why"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    lessons_learned = models.TextField(_("lessons learned"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    recommendations = models.TextField(_("recommendations"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True, editable=False)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("finalised by"),
    )
    # A final report's document (figures and texts) as it was at finalisation, as JSON text: every
    # build of a final report renders this, so a rebuild gives the same bytes whatever changed
    # since. Text, not a JSONField: PostgreSQL's jsonb reorders an object's keys, and the order of
    # a breakdown's keys is the order of its table's rows.
    snapshot = models.TextField(_("frozen snapshot"), blank=True, editable=False)
    # A fresh token per build: when two builds of the same report overlap (a watchdog re-queue of a
    # slow build), only the latest one may store its file.
    build_token = models.CharField(_("build token"), max_length=32, blank=True, editable=False)
    # Not stored: False on the instance report_request returned when its build could not be sent
    # to the broker (it stays queued; the watchdog sends it again).
    sent_to_queue = True
    # Not stored: True on the instance report_request returned for a request identical to this
    # report, which was already queued or being built.
    folded = False

    class Meta:
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReportKind.values), name="report_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="report_status_valid"),
            models.CheckConstraint(condition=Q(language__in=REPORT_LANGUAGES), name="report_language_valid"),
            models.CheckConstraint(condition=Q(pdf_variant__in=PdfVariant.values), name="report_pdf_variant_valid"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="report_year_in_range"),
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="report_progress_0_to_100"),
            models.CheckConstraint(
                condition=Q(scope=ReportScope.PROGRAMME, region__isnull=True, partner__isnull=True)
                | Q(scope=ReportScope.REGION, region__isnull=False, partner__isnull=True)
                | Q(scope=ReportScope.PARTNER, region__isnull=True, partner__isnull=False),
                name="report_scope_matches_its_target",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.DONE)
                | Q(file__gt="", file_size__isnull=False, checksum__regex=r"^[0-9a-f]{64}$", finished_at__isnull=False),
                name="report_done_has_its_file",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.FAILED) | Q(error__gt="", finished_at__isnull=False),
                name="report_failed_says_why",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(finished_at__gte=models.F("started_at")),
                name="report_finished_after_started",
            ),
            # Celery beat may fire twice (a restart, two beat processes): one scheduled report per
            # period, language and scope (the programme, each partner organisation), whatever happens.
            models.UniqueConstraint(
                fields=["kind", "year", "language"],
                condition=Q(scheduled=True, scope=ReportScope.PROGRAMME, programme__isnull=True),
                name="report_one_scheduled_per_period_language",
            ),
            models.CheckConstraint(
                condition=Q(programme__isnull=True) | Q(scope=ReportScope.PROGRAMME),
                name="report_programme_only_in_programme_scope",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "language", "partner"],
                condition=Q(scheduled=True, scope=ReportScope.PARTNER),
                name="report_one_scheduled_per_partner_period_language",
            ),
            # Identical requests while one is queued or being built fold into that one
            # (reports.services.report_request); this keeps two at once from both getting in.
            # Coalesce: NULL region and partner (the whole programme) must count as equal.
            models.UniqueConstraint(
                "kind",
                "year",
                "scope",
                Coalesce("region", Value(0)),
                Coalesce("partner", Value(0)),
                Coalesce("programme", Value(0)),
                "language",
                "pdf_variant",
                # A final report's rebuild is no request: it renders its frozen snapshot.
                condition=Q(status__in=ACTIVE_STATUSES, scheduled=False) & ~Q(stage=ReportStage.FINAL),
                name="report_one_active_request",
                violation_error_message=_("An identical report is already queued or being built."),
            ),
            models.CheckConstraint(condition=Q(stage__in=ReportStage.values), name="report_stage_valid"),
            models.CheckConstraint(
                condition=~Q(stage=ReportStage.FINAL) | Q(number__gt="", snapshot__gt="", finalised_at__isnull=False),
                name="report_final_is_numbered_and_frozen",
            ),
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="report_number_unique"),
        ]
        indexes = [models.Index(fields=["status", "enqueued_at"], name="report_status_enqueued")]

    def __str__(self) -> str:
        return f"{self.period_code} · {self.scope_label} · {self.language}"

    @property
    def period_code(self) -> str:
        """``2025-H1``, ``2025-H2`` or ``2025``: the form :class:`reports.indicators.Period` parses."""
        if self.kind == ReportKind.ANNUAL:
            return str(self.year)
        return f"{self.year}-{self.kind.upper()}"

    @property
    def scope_label(self) -> str:
        if self.scope == ReportScope.REGION and self.region_id:
            return str(self.region)
        if self.scope == ReportScope.PARTNER and self.partner_id:
            return str(self.partner)
        if self.programme is not None:
            return f"{self.programme.code}: {self.programme.name}"
        return str(ReportScope.PROGRAMME.label)

    @property
    def is_final(self) -> bool:
        return self.stage == ReportStage.FINAL

    @property
    def frozen_document(self) -> Any:
        """The document a final report is built from (``reports.figures.ReportDocument``)."""
        return json.loads(self.snapshot) if self.snapshot else None

    @property
    def has_texts(self) -> bool:
        return any(getattr(self, field) for field in NARRATIVE_FIELDS)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_downloadable(self) -> bool:
        return self.status == ReportStatus.DONE and bool(self.file)

    @property
    def has_docx(self) -> bool:
        """Whether the report is done with its DOCX (one built before DOCX existed has none)."""
        return self.is_downloadable and bool(self.docx_file)

    @property
    def docx_download_name(self) -> str:
        return self.download_name.removesuffix(".pdf") + ".docx"

    @property
    def download_name(self) -> str:
        if self.scope == ReportScope.PROGRAMME:
            scope = f"programme-{self.programme_id}" if self.programme_id else self.scope
        else:
            scope = f"{self.scope}-{self.region_id or self.partner_id}"
        archival = "-pdfa" if self.pdf_variant == PdfVariant.ARCHIVAL else ""
        return f"zlagoda-report-{self.period_code}-{scope}-{self.language}{archival}.pdf"


NARRATIVE_FIELDS = ("executive_summary", "what_changed", "lessons_learned", "recommendations")


class ReportStory(models.Model):
    """A case story printed in a report's "Case stories" chapter, in the report's language: what
    happened, a quote and whom it is from (a role, never a name), and an optional photo from the
    programme's document library."""

    report = models.ForeignKey(
        MonitoringReport, on_delete=models.CASCADE, related_name="stories", verbose_name=_("monitoring report")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=STORY_TITLE_MAX_LENGTH)
    text = models.TextField(_("story"), max_length=STORY_TEXT_MAX_LENGTH)
    quote = models.TextField(_("quote"), blank=True, max_length=STORY_QUOTE_MAX_LENGTH)
    quote_attribution = models.CharField(
        _("quote from"),
        max_length=STORY_ATTRIBUTION_MAX_LENGTH,
        blank=True,
        help_text=_(
            'A role or description, e.g. "a resident of the community, 60+". No names and no other personal data.'
        ),
    )
    photo = models.ForeignKey(
        "programmes.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
        help_text=_("An image (JPG or PNG) from the document library that the report's readers may see."),
    )

    class Meta:
        verbose_name = _("case story")
        verbose_name_plural = _("case stories")
        ordering = ["report", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class IndicatorsVersion(models.Model):
    """One row: a token that changes in the transaction of every write to the records the
    indicators read, part of the key of the indicators' cache (:mod:`reports.cache`)."""

    token = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = _("indicators version")
        verbose_name_plural = _("indicators versions")

    def __str__(self) -> str:
        return self.token
