"""The API's monitoring figures (``indicators/``) and monitoring reports (``reports/``).

``indicators/`` answers with :func:`reports.indicators.compute_indicators` (through its cache,
:func:`reports.cache.cached_indicators`), the very function the PDF reports are built from, so the
API and a report of the same scope and period can never disagree. ``reports/`` lists the reports
the caller may download, requests new ones (staff and programme managers of any scope, a partner
organisation of its own communities) and serves their PDF through ``reports/<id>/pdf/``, checked
against its size and checksum.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from access.capabilities import Capability
from api.filtering import check_query
from api.principal import viewer_for
from api.renderers import CsvRenderer, DocxRenderer, PdfRenderer, XlsxRenderer
from api.schema import ApiAutoSchema, ErrorSerializer
from api.serializers import AudienceSerializer
from api.viewsets import ReadOnlyCollection, ScopedViewSet
from communities.models import Community, Region
from programmes.models import Direction, Indicator, Measure, Programme, ResultLevel
from programmes.selectors import visible_indicators, visible_programmes
from reports import services
from reports.cache import cached_indicators
from reports.filters import MonitoringReportFilter
from reports.indicators import Period, figure_rows
from reports.models import DOCX_CONTENT_TYPE, NOTE_MAX_LENGTH, MonitoringReport, PdfVariant, ReportKind, ReportScope
from reports.results import check_period, programme_results
from reports.selectors import (
    indicator_communities,
    indicator_scope,
    requestable_partners,
    visible_reports,
)
from reports.suppression import figures_for
from reports.views import report_file_response

# --- indicators -----------------------------------------------------------------------------------


# What Period.parse accepts (case-insensitive, 2000 to 2100), so clients and generated requests
# know a period's shape from the schema.
@extend_schema_field({"type": "string", "pattern": "^(20[0-9]{2}|2100)(-[Hh][12])?$", "example": "2025-H1"})
class PeriodField(serializers.CharField):
    """``2025-H1``, ``2025-H2`` or ``2025``, read into a :class:`Period`."""

    def run_validation(self, data=serializers.empty):
        try:
            return Period.parse(super().run_validation(data))
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


def id_field(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, help_text=help_text)


class PeriodQuerySerializer(serializers.Serializer):
    period = PeriodField(max_length=7, help_text="The period: a half-year (2025-H1, 2025-H2) or a year (2025).")


class IndicatorQuerySerializer(PeriodQuerySerializer):
    community = id_field("Only this community (its id).")
    region = id_field("Only the communities of this region (its id).")
    programme = id_field("Only this programme: its communities and the records attributed to it (its id).")


class PeriodSerializer(serializers.Serializer):
    code = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class ToDateSerializer(serializers.Serializer):
    start = serializers.DateField(allow_null=True, help_text="The earliest record in scope.")
    end = serializers.DateField()


class IndicatorScopeSerializer(serializers.Serializer):
    communities = serializers.IntegerField()
    programme_wide = serializers.BooleanField(
        help_text="Whether figures that belong to no community (media, School sessions) are included."
    )
    programme = serializers.IntegerField(
        allow_null=True, help_text="The programme the figures are limited to (its id), or null for all."
    )


class RatePartSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    previous = serializers.IntegerField()
    to_date = serializers.IntegerField()
    year_before = serializers.IntegerField(
        required=False, help_text="In a headline figure: the same period a year before."
    )


class HeadlineFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    current = serializers.FloatField(allow_null=True)
    previous = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)
    to_date = serializers.FloatField(allow_null=True)
    year_before = serializers.FloatField(
        allow_null=True, help_text="The same period one year earlier (2025-H1: 2024-H1; a year: the year before)."
    )
    change_year_before = serializers.FloatField(allow_null=True, help_text="current minus year_before.")
    better = serializers.ChoiceField(
        choices=["higher", "lower"],
        allow_null=True,
        help_text="Which way is good news: higher, lower, or null where neither is (e.g. incidents reported).",
    )
    numerator = RatePartSerializer(
        required=False, help_text="A rate only: its exact numerator (e.g. the incidents resolved in the period)."
    )
    denominator = RatePartSerializer(
        required=False,
        help_text="A rate only: its exact denominator (e.g. the incidents closed). Round numerator / denominator "
        "once to print the rate: the ratio is already rounded to four places.",
    )


def section(help_text: str) -> serializers.DictField:
    return serializers.DictField(help_text=help_text)


class IndicatorsSerializer(serializers.Serializer):
    """The monitoring indicators of the programme (DOMAIN.md) for a period and a scope. Every
    figure is ``{"current", "previous", "change", "to_date"}``: the period, the period before it,
    their difference and the total from the earliest record to the period's end; every score is
    ``{"current", "previous", "change", "baseline", "change_since_baseline"}`` on 1..5. Rates are
    fractions (0..1, rounded to four places), durations days; a figure without data is null. The
    resolution rate, the attendance rates and the share of due measures implemented also carry their
    exact ``numerator`` and ``denominator`` (``{"current", "previous", "to_date"}``), to round once."""

    period = PeriodSerializer()
    previous_period = PeriodSerializer()
    year_before_period = PeriodSerializer(help_text="The same period one year earlier (the headline's year_before).")
    to_date = ToDateSerializer()
    scope = IndicatorScopeSerializer()
    modules = serializers.ListField(
        child=serializers.DictField(),
        help_text="The School's modules, in order; each title in the request's language where staff entered one, "
        "else in Ukrainian.",
    )
    headline = HeadlineFigureSerializer(many=True)
    communities = section("Partner communities: active, joined, left (and why).")
    negotiators = section(
        "Negotiators: registered, joined, trained, certified, advanced, by cohort and by sex (female, male, "
        "not_recorded)."
    )
    training = section("The School: sessions, modules delivered, hours, attendance, completion by module.")
    events = section(
        "Outreach events: count, participants and their breakdown (with not_recorded: neither women nor men), with "
        "police, by kind and topic."
    )
    webinars = section(
        "Held events that took registrations (webinars): registrations, attendance, unique participants, "
        "communities and oblasts reached, attendees by role, questions, materials sent, feedback. Counts only."
    )
    incidents = section(
        "Incidents: reported, by category, severity and status, resolved, referred, median days; the resolution "
        "rate (resolved / closed in the period) with its exact numerator and denominator; the parties of the "
        "incidents reported by sex, age group and vulnerable group, each with not_recorded (unless the caller reads "
        'every case, a count from 1 to 4 is "<5" and one that would give it away "*").'
    )
    media = section("Media mentions and their reach, by medium.")
    engagements = section(
        "Municipal engagements: opened, closed, running, by mode and topic; their activities and hours by "
        "service line, mode and step, mediation sessions; recommendations made, implemented, rejected and the "
        "implementation rate."
    )
    planning = section(
        "Safety planning: analyses, communities with a current analysis, mean conflict potential, plans by status "
        "and kind, plans and strategies adopted, measures due and implemented, initiatives, regulations adopted."
    )
    casework = section(
        "Individual support (case work), aggregates only: cases opened, open at the end, closed by outcome; people "
        "supported by sex, age group and vulnerability; needs by domain; referrals by how they ended and by the "
        "agency's kind, with the completion rate and the median days to completion; plan goals met; agreement "
        'items kept; overdue tasks. Unless the caller reads every case, a count from 1 to 4 is "<5" and a figure '
        'that would give one away (by subtraction, or a rate or median of one) is "*".'
    )
    police = section("Police-population interaction: joint events, police involvement, trust and interaction.")
    assessments = section("Safety assessments: communities assessed, respondents, scores by dimension.")
    community_rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="One entry per community: partnership, figures (with its participants' breakdown), assessment "
        "scores, its latest assessment's risks, resources and survey method (latest_assessment), negotiators' "
        "activity, safety planning (latest risk matrix, plans and their status).",
    )
    webinar_rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="One entry per held event with registrations in the period: title, date, series and part, "
        "registrations, attended, attendance rate, questions, communities and oblasts reached, feedback.",
    )
    engagement_rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="One entry per engagement running in the period: community, mode, topic, dates, the acute "
        "engagement it follows, its activities of the period (line, step, date, hours, number of mediators) and "
        "the recommendations made by the period's end with their status today.",
    )
    data_quality = serializers.DictField(
        help_text="Plain values for the period: its safety assessments with their respondents and survey method, "
        "the threshold of respondents (min_respondents) and how many fell below it, the assessments by method, "
        "and what was not recorded (participants without sex, events without breakdown, parties without sex or "
        "age group, negotiators without sex, communities without location or population).",
        required=False,
    )


INDICATOR_RESPONSES = {
    (200, "application/json"): IndicatorsSerializer,
    (200, "text/csv"): OpenApiResponse(
        OpenApiTypes.STR,
        description="One figure per line: period, community, community_name, indicator (its dotted path, e.g. "
        "events.participants), current, previous, change, to_date, baseline.",
    ),
    (200, XlsxRenderer.media_type): OpenApiResponse(
        OpenApiTypes.BINARY, description="The same figures as the CSV, one per row of an Excel workbook."
    ),
}


class IndicatorsSchema(ApiAutoSchema):
    """``indicators/`` answers one document (an object), not a list of rows."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False

    def _error_statuses(self) -> list[str]:
        # A bad period or filter (400); a community or region outside the caller's scope (404).
        return sorted({*super()._error_statuses(), "400", "404"})

    def get_operation_id(self) -> str:
        # As before the fix, so generated clients keep their method names.
        return "indicators_list" if getattr(self.view, "action", None) == "list" else super().get_operation_id()


class IndicatorsViewSet(ScopedViewSet):
    """Monitoring indicators, computed by the same code as the PDF reports. ``indicators/`` covers
    what the caller sees (the whole programme for staff and managers, a partner organisation's
    communities for it, a negotiator's own community, a case worker their cases' communities),
    optionally narrowed to one ``community`` or ``region``; ``indicators/<community id>/`` covers
    one community."""

    selector = indicator_communities
    model = Community
    schema = IndicatorsSchema()
    serializer_class = IndicatorsSerializer
    pagination_class = None
    filter_backends = []
    renderer_classes = [JSONRenderer, CsvRenderer, XlsxRenderer]

    def _query(self, serializer_class) -> dict:
        form = serializer_class(data=self.request.query_params)
        form.is_valid(raise_exception=True)
        return form.validated_data

    def _respond(self, request, period: Period, communities, programme_wide: bool, programme=None) -> Response:
        exact = cached_indicators(
            period=period, communities=communities, programme_wide=programme_wide, programme=programme
        )
        # Small counts of people in case work are hidden unless the caller reads every case.
        document = figures_for(self.viewer, exact)
        if request.accepted_renderer.format in ("csv", "xlsx"):
            return Response(figure_rows(document))
        return Response(document)

    @extend_schema(parameters=[IndicatorQuerySerializer], responses=INDICATOR_RESPONSES)
    def list(self, request, *args, **kwargs):
        query = self._query(IndicatorQuerySerializer)
        communities, programme_wide = indicator_scope(
            self.viewer, community=query.get("community"), region=query.get("region")
        )
        programme = None
        if query.get("programme") is not None:
            programme = visible_programmes(self.viewer).filter(pk=query["programme"]).first()
            if programme is None:
                raise Http404(_("No such programme."))
        return self._respond(request, query["period"], communities, programme_wide, programme)

    @extend_schema(
        parameters=[PeriodQuerySerializer],
        # Errors are JSON whatever the format asked for (ScopedViewSet.finalize_response).
        responses={
            **INDICATOR_RESPONSES,
            (400, "application/json"): OpenApiResponse(ErrorSerializer, description="A bad period."),
        },
    )
    def retrieve(self, request, *args, **kwargs):
        community = self.get_object()
        period = self._query(PeriodQuerySerializer)["period"]
        return self._respond(request, period, Community.objects.filter(pk=community.pk), False)


# --- reports --------------------------------------------------------------------------------------


class MonitoringReportSerializer(AudienceSerializer):
    """A monitoring report: what it covers, where its build stands, and where its PDF is."""

    period = serializers.CharField(source="period_code", read_only=True, help_text="2025-H1, 2025-H2 or 2025.")
    url = serializers.SerializerMethodField(help_text="This report in the API.")
    pdf = serializers.SerializerMethodField(help_text="The PDF, once the report is done; null before.")
    docx = serializers.SerializerMethodField(
        help_text="The same report as DOCX (editable), once it is done; null before and for a report built "
        "before DOCX versions existed (build it again to add one)."
    )
    stage = serializers.CharField(
        read_only=True, help_text="draft, review or final: where the report's written analysis stands."
    )
    number = serializers.CharField(
        read_only=True, help_text="A final report's number (ZR-2025-0001); empty before it is final."
    )

    class Meta:
        model = MonitoringReport
        fields = (
            "id",
            "url",
            "kind",
            "year",
            "period",
            "scope",
            "region",
            "partner",
            "programme",
            "language",
            "pdf_variant",
            "status",
            "progress",
            "error",
            "pdf",
            "file_size",
            "checksum",
            "docx",
            "docx_size",
            "docx_checksum",
            "scheduled",
            "requested_at",
            "started_at",
            "finished_at",
            "updated_at",
            "stage",
            "number",
            "note",
            "requested_by",
        )
        read_only_fields = ("stage", "number")
        # The note and who asked are the programme's own business.
        partner_fields = fields[:-2]

    def _url(self, name: str, report: MonitoringReport) -> str:
        # Django's reverse, not DRF's: DRF's would carry the request's ?format=csv into the link.
        path = reverse(name, kwargs={"pk": report.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, report: MonitoringReport) -> str:
        return self._url("api:reports-detail", report)

    def get_pdf(self, report: MonitoringReport) -> str | None:
        return self._url("api:reports-pdf", report) if report.is_downloadable else None

    def get_docx(self, report: MonitoringReport) -> str | None:
        return self._url("api:reports-docx", report) if report.has_docx else None


KIND_CHOICES = [
    ("semiannual", "semiannual"),
    (ReportKind.ANNUAL.value, ReportKind.ANNUAL.value),
    (ReportKind.H1.value, ReportKind.H1.value),
    (ReportKind.H2.value, ReportKind.H2.value),
]


class ReportRequestSerializer(serializers.Serializer):
    """Ask for a report: ``{"kind": "semiannual", "half": 1, "year": 2025}`` or ``{"kind": "annual",
    "year": 2025}``, for the whole programme unless ``scope`` says otherwise. Programme staff and
    managers ask; partner organisations only read."""

    kind = serializers.ChoiceField(choices=KIND_CHOICES, help_text="semiannual (with half), annual, h1 or h2.")
    half = serializers.ChoiceField(choices=[1, 2], allow_null=True, default=None)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    scope = serializers.ChoiceField(choices=ReportScope.choices, required=False)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), allow_null=True, default=None)
    partner = serializers.PrimaryKeyRelatedField(queryset=requestable_partners(), allow_null=True, default=None)
    programme = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.none(),
        allow_null=True,
        default=None,
        help_text='With "scope": "programme": only this programme (its id). Without it: the whole portal.',
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, help_text="Default: the language of the request."
    )
    pdf_variant = serializers.ChoiceField(
        choices=PdfVariant.choices,
        default=PdfVariant.ACCESSIBLE,
        help_text="pdf/ua-1 (default): tagged for screen readers; pdf/a-3b: PDF/A for archiving, tagged too.",
    )
    note = serializers.CharField(
        allow_blank=True,
        default="",
        max_length=NOTE_MAX_LENGTH,
        help_text=f"Printed on the cover; at most {NOTE_MAX_LENGTH} characters.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["programme"].queryset = visible_programmes(viewer_for(request))


class ReportNotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This report is not ready: wait until its status is done.")
    default_code = "report_not_ready"


class TooManyReports(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "too_many_reports"


class MonitoringReportViewSet(mixins.CreateModelMixin, ReadOnlyCollection):
    """Monitoring reports (PDF) the caller may download: all for staff and programme managers, a
    partner organisation's own for it, none for negotiators. A POST (staff and programme managers)
    queues a new report (202); poll it until ``status`` is ``done``, then fetch ``pdf``."""

    selector = visible_reports
    serializer_class = MonitoringReportSerializer
    filterset_class = MonitoringReportFilter
    write_capability = Capability.REQUESTS_REPORTS

    def get_serializer_class(self):
        return ReportRequestSerializer if self.action == "create" else MonitoringReportSerializer

    @staticmethod
    def _defaults(data: dict) -> dict:
        """Fill what the caller left out: the whole programme, the request's language."""
        data.setdefault("scope", ReportScope.PROGRAMME)
        data.setdefault("language", translation.get_language())
        return data

    @extend_schema(
        request=ReportRequestSerializer,
        responses={202: OpenApiResponse(MonitoringReportSerializer, description="Queued; poll its url.")},
    )
    def create(self, request, *args, **kwargs):
        def write(data):
            try:
                report = services.report_request(actor=self.viewer.user, **self._defaults(dict(data)))
            except services.ReportLimitReached as error:
                raise TooManyReports(str(error)) from error
            # An identical request while one is in progress returns that report (still 202).
            body = MonitoringReportSerializer(report, context=self.get_serializer_context()).data
            return status.HTTP_202_ACCEPTED, body

        response = self.respond_once(request, write)
        response["Location"] = response.data["url"]
        return response

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The report's PDF."),
            (409, "application/json"): OpenApiResponse(ErrorSerializer, description="The report is not done yet."),
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="pdf", renderer_classes=[PdfRenderer, JSONRenderer])
    def pdf(self, request, *args, **kwargs):
        """The report's PDF, once it is done; verified against its size and checksum."""
        report = self.get_object()
        if not report.is_downloadable:
            raise ReportNotReady()
        return report_file_response(report)

    @extend_schema(
        responses={
            (200, DOCX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The report as DOCX, from the same figures as its PDF."
            ),
            (404, "application/json"): OpenApiResponse(
                ErrorSerializer, description="No such report, or one built before DOCX versions existed."
            ),
            (409, "application/json"): OpenApiResponse(ErrorSerializer, description="The report is not done yet."),
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="docx", renderer_classes=[DocxRenderer, JSONRenderer])
    def docx(self, request, *args, **kwargs):
        """The report as DOCX (editable), once it is done; verified against its size and checksum.
        Whoever may download the PDF may download this."""
        report = self.get_object()
        if not report.is_downloadable:
            raise ReportNotReady()
        return report_file_response(report, docx=True)


# --- results against targets ----------------------------------------------------------------------


class ResultsQuerySerializer(serializers.Serializer):
    programme = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.none(), help_text="The programme (its id): one the caller sees."
    )
    period = PeriodField(max_length=7, help_text="A year (2025) or a half-year (2025-H1, 2025-H2).")

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A programme the caller cannot see is as unknown as one that does not exist.
        field = self.fields["programme"]
        field.queryset = visible_programmes(viewer) if viewer is not None else Programme.objects.none()

    def validate(self, attrs):
        try:
            check_period(attrs["programme"], attrs["period"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return attrs


class ResultRowSerializer(serializers.Serializer):
    """One indicator of the programme's results framework against its target in the period."""

    indicator = serializers.IntegerField(help_text="The indicator's id.")
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    result = serializers.CharField(help_text="The code of the goal, outcome or output it measures.")
    result_level = serializers.ChoiceField(choices=ResultLevel.choices)
    direction = serializers.ChoiceField(choices=Direction.choices, help_text="more or less is better.")
    measure = serializers.ChoiceField(
        choices=Measure.choices,
        help_text="period: the target is for what the period achieved (actual); to_date: for the total to date "
        "(cumulative). percent_achieved and status compare that one with the target.",
    )
    # Text, not an enum: another collection's "source" is an enum of other values (one name each).
    source = serializers.CharField(help_text="computed (from the records) or reported (by staff).")  # type: ignore[assignment]
    figure = serializers.CharField(help_text="For a computed indicator, the indicators/ figure it reads.")
    period = serializers.CharField()
    baseline = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(
        allow_null=True, help_text="The period's target (a year without one: the sum of its half-years')."
    )
    actual = serializers.FloatField(
        allow_null=True, help_text="Computed: the figure in the period; reported: the approved value."
    )
    cumulative = serializers.FloatField(allow_null=True, help_text="From the first record to the period's end.")
    percent_achieved = serializers.FloatField(
        allow_null=True, help_text="Less is better with a baseline: (baseline - actual) / (baseline - target)."
    )
    status = serializers.ChoiceField(
        choices=["on_track", "at_risk", "off_track"], allow_null=True, help_text="By the programme's thresholds."
    )
    sdg_targets = serializers.ListField(child=serializers.CharField(), help_text='SDG target codes, e.g. "16.7".')


class ResultsSchema(ApiAutoSchema):
    def _error_statuses(self) -> list[str]:
        return sorted({*super()._error_statuses(), "400"})


class ResultsViewSet(ScopedViewSet):
    """Results against targets: one row per indicator of a programme's results framework for a
    period, with the same figures as the Results page, the logframe workbook and the PDF;
    ``results/<indicator id>/?period=2025`` is one indicator's row."""

    selector = visible_indicators
    model = Indicator
    schema = ResultsSchema()
    serializer_class = ResultRowSerializer
    pagination_class = None
    filter_backends = []
    renderer_classes = [JSONRenderer, CsvRenderer, XlsxRenderer]

    def check_query(self, request) -> None:
        known = {"format", "period", "programme"} if self.action == "list" else {"format", "period"}
        check_query(request.query_params, known)

    @extend_schema(
        parameters=[ResultsQuerySerializer],
        responses={
            (200, "application/json"): ResultRowSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The same rows as CSV."),
            (200, XlsxRenderer.media_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="The same rows in an Excel workbook."
            ),
            (400, "application/json"): OpenApiResponse(
                ErrorSerializer, description="A missing or unknown programme, or a bad period."
            ),
        },
    )
    def list(self, request, *args, **kwargs):
        form = ResultsQuerySerializer(data=request.query_params, viewer=self.viewer)
        form.is_valid(raise_exception=True)
        rows = programme_results(form.validated_data["programme"], form.validated_data["period"])
        return Response(ResultRowSerializer([row.as_row() for row in rows], many=True).data)

    @extend_schema(
        parameters=[PeriodQuerySerializer],
        responses={
            (200, "application/json"): ResultRowSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The same row as CSV."),
            (200, XlsxRenderer.media_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="The same row in an Excel workbook."
            ),
            (400, "application/json"): OpenApiResponse(ErrorSerializer, description="A bad period."),
        },
    )
    def retrieve(self, request, *args, **kwargs):
        indicator = self.get_object()
        form = PeriodQuerySerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        programme = indicator.result.programme
        try:
            rows = programme_results(programme, form.validated_data["period"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        row = next(row for row in rows if row.indicator.pk == indicator.pk)
        return Response(ResultRowSerializer(row.as_row()).data)
