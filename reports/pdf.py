"""The PDF of a monitoring report: a pure renderer, data in, bytes out.

:func:`render_report_pdf` takes the document built by :func:`reports.services.report_document`
(plain data: the report's details and :func:`reports.indicators.compute_indicators`) and returns
the PDF. It renders the Django template ``reports/pdf/report.html`` in the report's language and
lays it out with WeasyPrint, using only the fonts shipped in ``static/reports/fonts`` and fetching
nothing else. Every text that users typed reaches the page through the template's autoescaping or
:mod:`reports.charts`, which escapes too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Choices, Field, Model
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from atlas.maps import COUNTRY_FILES, community_map
from casework.models import AgeGroup, AgencyKind, CaseOutcome, NeedDomain, Sex, Vulnerability
from communities.models import (
    ASSESSMENT_DIMENSIONS,
    FIRST_INSTRUMENT,
    Country,
    DimensionGroup,
    Direction,
    EngagementMode,
    LeaveReason,
    Topic,
)
from communities.services import first_instrument_names
from events.models import AudienceRole
from incidents.models import Agency, IncidentCategory, IncidentStatus, Severity
from negotiators.models import Cohort, EventKind, Medium, NegotiatorStatus, OutreachEvent
from planning.models import SCALE_MAX, SCALE_MIN, PlanKind, PlanStatus
from reports import charts
from reports.figures import (
    Casework,
    CommunityFigures,
    CommunityPlanning,
    CommunityRow,
    EngagementRow,
    Engagements,
    Events,
    Figure,
    Incidents,
    IndicatorsDocument,
    InstrumentFigures,
    Media,
    Partnership,
    Planning,
    Police,
    ReportDetails,
    ReportDocument,
    Score,
    WebinarRow,
    Webinars,
)
from reports.indicators import MOMENTS, PARTICIPANT_BREAKDOWN, TASK_KINDS
from reports.maps import DEFAULT_MAP_FIGURE, map_figure, map_groups, map_points, map_table, not_on_map
from reports.models import ReportKind, ReportScope
from support.models import RecommendationStatus, ServiceLine, Step
from training.models import ModuleLevel

TEMPLATE = "reports/pdf/report.html"
# The most communities the map page's table lists; beyond, it refers to the annex.
MAP_TABLE_COMMUNITIES = 90
MAP_TABLE_COLUMNS = 3
# The most communities the "events and participants by community" chart shows.
CHART_COMMUNITIES = 30
MINUS = "\u2212"

# What the template reads: a chapter's keys, a table row.
Context = dict[str, Any]
Row = dict[str, Any]
# Translated labels by kind ("topic", "status"...), then by stored value.
Names = dict[str, dict[str, str]]
# Any figure: counts, rates, medians (and a headline figure, which also has its key).
AnyFigure = Figure[Any]
Formatter = Callable[[Any], str]


@cache
def font_directory() -> Path:
    found = finders.find("reports/fonts/DejaVuSans.ttf")
    if not found:  # pragma: no cover - a broken checkout
        raise FileNotFoundError("static/reports/fonts/DejaVuSans.ttf is missing")
    return Path(found).resolve().parent


def _local_fonts_only() -> URLFetcher:
    class FontsOnly(URLFetcher):
        """Fetch the shipped fonts and nothing else: no network, no other files."""

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if font_directory() in path.parents:
                    return super().fetch(url, headers)
            raise ValueError(f"monitoring reports load only their own fonts, not {url[:80]}")

    return FontsOnly(allowed_protocols=["file"])


# --- formatting in the active language ------------------------------------------------------------


def fmt_number(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    # Django's number_format cuts the digits past decimal_pos (66.67 -> "66.6"); a report rounds,
    # so that it reads the same as the API's figure.
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def fmt_percent(value: float | None) -> str:
    if value is None:
        return "–"
    return _("%(number)s%%") % {"number": fmt_number(value * 100, 1)}


def fmt_signed(value: float | None, decimals: int = 0, percent: bool = False) -> str:
    if value is None:
        return "–"
    number = value * 100 if percent else value
    if round(number, decimals) == 0:
        text = fmt_number(0, decimals)
    else:
        text = ("+" if number > 0 else MINUS) + fmt_number(abs(number), decimals)
    return _("%(number)s pp") % {"number": text} if percent else text


def fmt_date(value: str | date | None) -> str:
    if not value:
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return formats.date_format(value, "DATE_FORMAT")


FORMATS: dict[str, tuple[Formatter, Formatter]] = {
    "count": (lambda v: fmt_number(v), lambda v: fmt_signed(v)),
    "days": (lambda v: fmt_number(v, 1), lambda v: fmt_signed(v, 1)),
    "hours": (lambda v: fmt_number(v, 1), lambda v: fmt_signed(v, 1)),
    "score": (lambda v: fmt_number(v, 2), lambda v: fmt_signed(v, 2)),
    "rate": (fmt_percent, lambda v: fmt_signed(v, 1, percent=True)),
}


def _or_marker(formatter: Formatter) -> Formatter:
    """``formatter``, except for a hidden case-work figure ("<5", "*"), shown as it is."""
    return lambda value: value if isinstance(value, str) else formatter(value)


def figure_row(label: str, figure: AnyFigure, kind: str = "count", **extra: Any) -> Row:
    """A figure ``{"current", "previous", "change", "to_date"}`` formatted for a table row."""
    value, change = (_or_marker(formatter) for formatter in FORMATS[kind])
    return {
        "label": label,
        "current": value(figure["current"]),
        "previous": value(figure["previous"]),
        "change": change(figure["change"]),
        "to_date": value(figure["to_date"]),
        "trend": _trend(figure["change"]),
        **extra,
    }


def score_row(label: str, score: Score, **extra: Any) -> Row:
    value, change = FORMATS["score"]
    return {
        "label": label,
        "current": value(score["current"]),
        "previous": value(score["previous"]),
        "change": change(score["change"]),
        "baseline": value(score["baseline"]),
        "change_since_baseline": change(score["change_since_baseline"]),
        "trend": _trend(score["change"]),
        **extra,
    }


def _trend(change: float | str | None) -> str:
    if change is None or isinstance(change, str) or change == 0:
        return "flat"
    return "up" if change > 0 else "down"


# --- labels in the active language ----------------------------------------------------------------


def _choices(enum: type[Choices]) -> dict[str, str]:
    return {str(value): str(label) for value, label in enum.choices}


def _field_label(model: type[Model], name: str) -> str:
    return str(capfirst(cast("Field[Any, Any]", model._meta.get_field(name)).verbose_name))


def labels() -> Names:
    participant_fields = {group: f"participants_{group}" for group in PARTICIPANT_BREAKDOWN}
    return {
        "event_kind": _choices(EventKind),
        "topic": _choices(Topic),
        "category": _choices(IncidentCategory),
        "status": _choices(IncidentStatus),
        "severity": _choices(Severity),
        "agency": _choices(Agency),
        "medium": _choices(Medium),
        "leave_reason": _choices(LeaveReason),
        "mode": _choices(EngagementMode),
        "service_line": _choices(ServiceLine),
        "step": _choices(Step),
        "recommendation_status": _choices(RecommendationStatus),
        "cohort": _choices(Cohort),
        "negotiator_status": _choices(NegotiatorStatus),
        "audience_role": _choices(AudienceRole),
        "level": _choices(ModuleLevel),
        "plan_status": _choices(PlanStatus),
        "plan_kind": _choices(PlanKind),
        "dimension_group": _choices(DimensionGroup),
        "direction": _choices(Direction),
        "case_outcome": _choices(CaseOutcome),
        "sex": _choices(Sex),
        "age_group": _choices(AgeGroup),
        "vulnerability": _choices(Vulnerability),
        "need_domain": _choices(NeedDomain),
        "agency_kind": _choices(AgencyKind),
        "dimension": {
            **first_instrument_names(),
            "overall": _("Overall score (mean of the dimensions)"),
        },
        "participants": {group: _field_label(OutreachEvent, field) for group, field in participant_fields.items()},
    }


def headline_labels() -> dict[str, str]:
    return {
        "communities_active": _("Communities in partnership during the period"),
        "negotiators": _("Active negotiators at the end of the period"),
        "negotiators_certified": _("Negotiators certified"),
        "negotiators_advanced": _("Negotiators who completed the advanced modules"),
        "modules_delivered": _("Training modules delivered"),
        "training_sessions": _("Training sessions"),
        "events": _("Outreach events"),
        "participants": _("Residents reached by outreach events"),
        "joint_events_with_police": _("Events held jointly with the police"),
        "incidents_reported": _("Incidents reported"),
        "incidents_resolved": _("Incidents resolved"),
        "resolution_rate": _("Resolution rate of closed incidents"),
        "median_days_to_resolution": _("Median days to resolution"),
        "media_mentions": _("Media mentions"),
        "media_reach": _("Estimated media audience"),
        "engagements_opened": _("Support engagements opened"),
    }


HEADLINE_KINDS = {"resolution_rate": "rate", "median_days_to_resolution": "days"}


def period_title(report: ReportDetails) -> str:
    if report["kind"] == ReportKind.ANNUAL:
        return _("Annual report %(year)s") % {"year": report["year"]}
    if report["kind"] == ReportKind.H1:
        return _("Semi-annual report, January–June %(year)s") % {"year": report["year"]}
    return _("Semi-annual report, July–December %(year)s") % {"year": report["year"]}


def scope_title(report: ReportDetails) -> str:
    if report["scope"] == ReportScope.REGION:
        return _("Region: %(name)s") % {"name": report["scope_name"]}
    if report["scope"] == ReportScope.PARTNER:
        return _("Communities of the partner organisation %(name)s") % {"name": report["scope_name"]}
    programme = report.get("programme")
    if programme:
        return _("Programme %(code)s: %(name)s") % {"code": programme["code"], "name": programme["name"]}
    return _("Whole programme")


def partnership_text(partnership: Partnership, names: Names) -> str:
    if partnership["status"] == "active":
        return _("In partnership since %(date)s") % {"date": fmt_date(partnership["joined_on"])}
    if partnership["status"] == "left":
        return _("Left the partnership on %(date)s: %(reason)s") % {
            "date": fmt_date(partnership["left_on"]),
            "reason": names["leave_reason"].get(partnership["leave_reason"], partnership["leave_reason"]),
        }
    return _("Not a partner community during the period")


# --- the template's context -----------------------------------------------------------------------


def _breakdown_rows(figures: Mapping[str, AnyFigure], names: dict[str, str], kind: str = "count") -> list[Row]:
    return [figure_row(names.get(key, key), figure, kind) for key, figure in figures.items()]


def _nonzero(rows: list[Row], figures: Mapping[str, AnyFigure]) -> list[Row]:
    """Rows of a breakdown with something in the period, before or to date."""
    return [
        row
        for row, figure in zip(rows, figures.values(), strict=True)
        if any(figure[moment] for moment in ("current", "previous", "to_date"))
    ]


def _community_page(row: CommunityRow, names: Names) -> Row:
    assessment = row["assessment"]
    figures = row["figures"]
    return {
        "id": row["id"],
        "name": row["name"],
        "region": row["region"],
        "population": fmt_number(row["population"]) if row["population"] else "–",
        "partnership": partnership_text(row["partnership"], names),
        "partnership_status": row["partnership"]["status"],
        "figures": [
            figure_row(_("Outreach events"), figures["events"]),
            figure_row(_("Participants"), figures["participants"]),
            figure_row(_("Events held jointly with the police"), figures["joint_events"]),
            figure_row(_("Incidents reported"), figures["incidents"]),
            figure_row(_("Incidents with police involvement"), figures["police_involved"]),
            figure_row(_("Incidents resolved"), figures["resolved"]),
            figure_row(_("Media mentions"), figures["media_mentions"]),
            figure_row(_("Active negotiators"), figures["negotiators"]),
            figure_row(_("Certified negotiators"), figures["certified"]),
        ],
        "assessed": assessment["assessed"] if assessment else None,
        "respondents": fmt_number(assessment["respondents"]) if assessment else "–",
        "scores": [score_row(names["dimension"][name], score) for name, score in assessment["scores"].items()]
        if assessment and any(assessment["scores"]["overall"][moment] is not None for moment in MOMENTS)
        else [],
        "planning": _community_planning(row["planning"], names),
        "negotiators": [
            {
                "number": negotiator["number"],
                "cohort": names["cohort"].get(negotiator["cohort"], ""),
                "status": names["negotiator_status"].get(negotiator["status"], ""),
                "active": negotiator["is_active"],
                "events": fmt_number(negotiator["events_organised"]),
                "events_to_date": fmt_number(negotiator["events_organised_to_date"]),
                "incidents": fmt_number(negotiator["incidents_in_charge"]),
                "incidents_to_date": fmt_number(negotiator["incidents_in_charge_to_date"]),
            }
            for negotiator in row["negotiators"]
        ],
    }


def _scores_of(row: CommunityRow) -> dict[str, Score] | None:
    assessment = row["assessment"]
    return assessment["scores"] if assessment and assessment["assessed"] else None


ANNEX_NAME_WIDTH = 32


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def _annex_text(rows: list[CommunityRow], names: Names) -> dict[str, Any]:
    """The annex: one fixed-width line per community, grouped by region, with numbered columns
    explained in a legend. A table in a monospaced font costs a fraction of an HTML table to lay
    out, which keeps a national-scale report (1,500 communities) fast."""
    score, change = FORMATS["score"]
    figure_columns: list[tuple[str, Callable[[CommunityFigures, dict[str, Score] | None], str]]] = [
        (_("outreach events in the period"), lambda f, s: fmt_number(f["events"]["current"])),
        (_("outreach events to date"), lambda f, s: fmt_number(f["events"]["to_date"])),
        (_("participants in the period"), lambda f, s: fmt_number(f["participants"]["current"])),
        (_("participants to date"), lambda f, s: fmt_number(f["participants"]["to_date"])),
        (_("incidents reported in the period"), lambda f, s: fmt_number(f["incidents"]["current"])),
        (_("incidents resolved in the period"), lambda f, s: fmt_number(f["resolved"]["current"])),
        (_("active negotiators"), lambda f, s: fmt_number(f["negotiators"]["current"])),
        (_("overall safety score"), lambda f, s: score(s["overall"]["current"]) if s else "–"),
        (_("its change"), lambda f, s: change(s["overall"]["change"]) if s else "–"),
    ]
    score_columns = [names["dimension"][name] for name in (*ASSESSMENT_DIMENSIONS, "overall")]

    def table(columns: int, width: int, cells: Callable[[CommunityRow], list[str]]) -> str:
        lines = ["".ljust(ANNEX_NAME_WIDTH) + "".join(f"({number})".rjust(width) for number in range(1, columns + 1))]
        region = None
        for row in rows:
            if row["region"] != region:
                region = row["region"]
                lines += ["", f"— {region} —"]
            lines.append(_fit(row["name"], ANNEX_NAME_WIDTH) + "".join(cell.rjust(width) for cell in cells(row)))
        return "\n".join(lines)

    return {
        "figures_legend": [label for label, _cell in figure_columns],
        "figures": table(
            len(figure_columns),
            9,
            lambda row: [cell(row["figures"], _scores_of(row)) for _label, cell in figure_columns],
        ),
        "scores_legend": score_columns,
        "scores": table(
            len(score_columns),
            7,
            lambda row: [
                score(scores[name]["current"] if scores and name in scores else None)
                for scores in [_scores_of(row)]
                for name in (*ASSESSMENT_DIMENSIONS, "overall")
            ],
        ),
    }


# One builder per chapter of ``reports/pdf/report.html``, in the template's order; each returns the
# context keys its chapter reads, its charts under "charts".


def _running_titles(report: ReportDetails) -> Context:
    """The page headers and footers (the running strings before the cover)."""
    return {
        "header_title": f"{_('Monitoring report')} · {period_title(report)}",
        "page_label": pgettext("page number", "Page"),
        "of_label": pgettext("page number", "of"),
    }


def _cover(report: ReportDetails, data: IndicatorsDocument) -> Context:
    return {
        "report": report,
        "language": report["language"],
        "title": _("Monitoring report"),
        "subtitle": _("The state of safety and police–community interaction in the partner communities"),
        "period_title": period_title(report),
        "scope_title": scope_title(report),
        "period_start": fmt_date(data["period"]["start"]),
        "period_end": fmt_date(data["period"]["end"]),
        "previous_start": fmt_date(data["previous_period"]["start"]),
        "previous_end": fmt_date(data["previous_period"]["end"]),
        "to_date_start": fmt_date(data["to_date"]["start"]),
        "to_date_end": fmt_date(data["to_date"]["end"]),
        "generated_at": formats.date_format(datetime.fromisoformat(report["generated_at"]), "DATETIME_FORMAT"),
        "community_count": fmt_number(data["scope"]["communities"]),
        "programme": report.get("programme"),
    }


def _summary(data: IndicatorsDocument, names: Names) -> Context:
    headline_names = headline_labels()
    rows = data["community_rows"]
    by_participants = sorted(rows, key=lambda row: (-row["figures"]["participants"]["current"], row["name"]))
    chart_rows = [row for row in by_participants if row["figures"]["events"]["current"]][:CHART_COMMUNITIES]
    return {
        "summary": [
            figure_row(headline_names[row["key"]], row, HEADLINE_KINDS.get(row["key"], "count"))
            for row in data["headline"]
        ],
        "overall": score_row(names["dimension"]["overall"], data["assessments"]["dimensions"]["overall"]),
        "chart_limit": CHART_COMMUNITIES,
        "charts": {
            "by_community": charts.paired_bar_chart(
                [
                    (row["name"], row["figures"]["events"]["current"], row["figures"]["participants"]["current"])
                    for row in chart_rows
                ],
                title=_("Events and participants by community"),
                series=(_("Events"), _("Participants")),
                fmt=fmt_number,
            )
            if chart_rows
            else "",
            "chart_is_partial": len([row for row in rows if row["figures"]["events"]["current"]]) > len(chart_rows),
        },
    }


def _map(document: ReportDocument) -> Context:
    """The map page: the report's communities on their regions, coloured by their outreach events
    in the period (one map per group of countries, one legend for all), with the values as a table
    (or, for many communities, the annex) and the communities the map cannot place."""
    data = document["indicators"]
    locations = document.get("locations", {})
    figure = map_figure(DEFAULT_MAP_FIGURE)
    label = figure.label()
    rows = map_table(data, locations, figure.key)
    points = map_points(data, locations, figure.key)
    class_values = [point.value for point in points if point.value is not None]
    country_names = _choices(Country)
    maps = [
        {
            "title": ", ".join(country_names.get(code, code) for code in group),
            "svg": community_map(
                group_points,
                title=_("Map of the communities: %(figure)s") % {"figure": label},
                legend_title=_("%(figure)s in the period") % {"figure": label},
                countries=sorted(set(group) & COUNTRY_FILES.keys()),
                no_data_label=_("no data"),
                class_values=class_values,
            ),
        }
        for group, group_points in map_groups(data, points)
    ]
    listed = rows if len(rows) <= MAP_TABLE_COMMUNITIES else []
    not_drawn = not_on_map(rows)
    return {
        "map": {
            "figure": label,
            "maps": maps,
            "drawn": len(points),
            "communities": len(rows),
            "table": [listed[start : start + MAP_TABLE_COLUMNS] for start in range(0, len(listed), MAP_TABLE_COLUMNS)],
            "columns": range(MAP_TABLE_COLUMNS),
            "in_annex": bool(rows) and not listed,
            "not_drawn": not_drawn[:MAP_TABLE_COMMUNITIES],
            "not_drawn_more": max(0, len(not_drawn) - MAP_TABLE_COMMUNITIES),
        },
    }


def _communities(data: IndicatorsDocument, names: Names) -> Context:
    """The chapter "Communities and negotiators"."""
    communities, negotiators = data["communities"], data["negotiators"]
    return {
        "communities": [
            figure_row(_("Communities in partnership during the period"), communities["active"]),
            figure_row(_("Partner communities at the end of the period"), communities["partners_at_end"]),
            figure_row(_("Communities that joined"), communities["joined"]),
            figure_row(_("Communities that left"), communities["left"]),
            *[
                figure_row(_("left: %(reason)s") % {"reason": names["leave_reason"][reason]}, figure, indent=True)
                for reason, figure in communities["left_by_reason"].items()
                if figure["to_date"]
            ],
        ],
        "negotiators": [
            figure_row(_("Active negotiators at the end of the period"), negotiators["registered_at_end"]),
            figure_row(_("pilot graduates"), negotiators["by_cohort"]["pilot"], indent=True),
            figure_row(_("new cohort"), negotiators["by_cohort"]["new"], indent=True),
            figure_row(_("Negotiators who joined"), negotiators["joined"]),
            figure_row(_("Negotiators trained (completed at least one module)"), negotiators["trained"]),
            figure_row(_("Negotiators certified"), negotiators["certified"]),
            figure_row(_("Negotiators who completed the advanced modules"), negotiators["advanced"]),
        ],
    }


def _training(data: IndicatorsDocument, names: Names) -> Context:
    """The chapter "The School: training"."""
    training = data["training"]
    modules = {module["code"]: module for module in data["modules"]}
    return {
        "training": [
            figure_row(_("Training sessions"), training["sessions"]),
            figure_row(_("Training modules delivered"), training["modules_delivered"]),
            figure_row(_("Training hours delivered"), training["hours"]),
            figure_row(_("Places taken at sessions"), training["enrolled"]),
            figure_row(_("Present"), training["present"]),
            figure_row(_("Completed the module"), training["completed"]),
            figure_row(_("Attendance rate"), training["attendance_rate"], "rate"),
        ],
        "modules": [
            {
                "code": code,
                "title": modules[code]["title"],
                "level": names["level"].get(modules[code]["level"], ""),
                "hours": modules[code]["hours"],
                "sessions": figure_row("", figures["sessions"]),
                "present": figure_row("", figures["present"]),
                "completed": figure_row("", figures["completed"]),
            }
            for code, figures in training["by_module"].items()
        ],
    }


def _outreach(events: Events, names: Names) -> Context:
    """The chapter "Outreach events"."""
    breakdown = events["participant_breakdown"]
    total_participants = events["participants"]["current"] or 0
    return {
        "events": [
            figure_row(_("Outreach events"), events["count"]),
            figure_row(_("Participants"), events["participants"]),
            figure_row(_("Communities where events were held"), events["communities_reached"]),
            figure_row(_("Events held jointly with the police"), events["with_police"]),
            figure_row(_("Events with local government"), events["with_local_government"]),
            figure_row(_("Events with NGOs"), events["with_ngos"]),
        ],
        "event_kinds": [
            {
                **figure_row(names["event_kind"][kind], figures["events"]),
                "participants": figure_row("", figures["participants"]),
            }
            for kind, figures in events["by_kind"].items()
            if any(figures["events"][moment] for moment in ("current", "previous", "to_date"))
        ],
        "participant_rows": _breakdown_rows(breakdown, names["participants"]),
        "event_topics": _nonzero(_breakdown_rows(events["by_topic"], names["topic"]), events["by_topic"]),
        "charts": {
            "participants": charts.bar_chart(
                [(names["participants"][group], breakdown[group]["current"]) for group in PARTICIPANT_BREAKDOWN],
                title=_("Participants by group"),
                fmt=lambda value: (
                    f"{fmt_number(value)} ({fmt_percent((value or 0) / total_participants)})"
                    if total_participants
                    else fmt_number(value)
                ),
            )
            if total_participants
            else "",
        },
    }


def _webinar_title(row: WebinarRow) -> str:
    if row["series"] and row["part"]:
        return _("%(title)s (%(series)s, part %(part)d of %(parts)d)") % {
            "title": row["title"],
            "series": row["series"],
            "part": row["part"],
            "parts": row["parts"] or row["part"],
        }
    return row["title"]


def _webinars(webinars: Webinars, rows: list[WebinarRow], names: Names) -> Context:
    """The events chapter's section on webinars (held events that took registrations): the
    figures, attendees by role, and a line per webinar of the period. Counts only."""
    roles = webinars["attendees_by_role"]
    return {
        "webinars": [
            figure_row(_("Webinars and events with registration"), webinars["events"]),
            figure_row(_("Registrations"), webinars["registrations"]),
            figure_row(_("Attended"), webinars["attended"]),
            figure_row(_("Attendance rate"), webinars["attendance_rate"], "rate"),
            figure_row(_("Unique participants"), webinars["unique_participants"]),
            figure_row(_("Communities reached"), webinars["communities_reached"]),
            figure_row(_("Oblasts and regions reached"), webinars["oblasts_reached"]),
            figure_row(_("Questions to the speakers"), webinars["questions"]),
            figure_row(_("Materials sent"), webinars["materials_sent"]),
            figure_row(_("Feedback score (1 to 5)"), webinars["feedback_score"], "score"),
            figure_row(_("Feedback given"), webinars["feedback_count"]),
        ],
        "webinar_roles": _nonzero(_breakdown_rows(roles, names["audience_role"]), roles),
        "webinar_rows": [
            {
                "title": _webinar_title(row),
                "date": fmt_date(row["date"]),
                "registrations": fmt_number(row["registrations"]),
                "attended": fmt_number(row["attended"]),
                "rate": fmt_percent(row["attendance_rate"]),
                "communities": fmt_number(row["communities_reached"]),
                "oblasts": fmt_number(row["oblasts_reached"]),
                "feedback": (
                    _("%(score)s (%(count)s)")
                    % {"score": fmt_number(row["feedback_score"], 2), "count": fmt_number(row["feedback_count"])}
                    if row["feedback_count"]
                    else "–"
                ),
            }
            for row in rows
        ],
        "has_webinars": bool(rows) or any(webinars["events"][moment] for moment in ("current", "previous", "to_date")),
    }


def _incidents(incidents: Incidents, names: Names) -> Context:
    """The chapter "Safety incidents"."""
    status_keys = list(IncidentStatus.values)
    category_rows = [
        (names["category"][category], [statuses[status]["current"] for status in status_keys])
        for category, statuses in incidents["by_category_status_now"].items()
        if incidents["by_category"][category]["current"]
    ]
    return {
        "incidents": [
            figure_row(_("Incidents reported"), incidents["reported"]),
            figure_row(_("Incidents closed"), incidents["closed"]),
            figure_row(_("resolved"), incidents["resolved"], indent=True),
            figure_row(_("closed unresolved"), incidents["closed_unresolved"], indent=True),
            figure_row(_("Incidents referred to an agency"), incidents["referred"]),
            figure_row(_("Resolution rate of closed incidents"), incidents["resolution_rate"], "rate"),
            figure_row(_("Median days to resolution"), incidents["median_days_to_resolution"], "days"),
            figure_row(_("Open at the end of the period"), incidents["open_at_end"]),
        ],
        "incident_categories": _breakdown_rows(incidents["by_category"], names["category"]),
        "incident_severities": _breakdown_rows(incidents["by_severity"], names["severity"]),
        "incident_statuses": _breakdown_rows(incidents["by_status_now"], names["status"]),
        "referrals": _nonzero(
            _breakdown_rows(incidents["referrals_by_agency"], names["agency"]), incidents["referrals_by_agency"]
        ),
        "charts": {
            "incidents": charts.stacked_bar_chart(
                category_rows,
                title=_("Incidents by category and status"),
                series=[names["status"][status] for status in status_keys],
                fmt=fmt_number,
            )
            if category_rows
            else "",
        },
    }


def _bound(value: float) -> str:
    return fmt_number(value, 0 if float(value).is_integer() else 2)


def _instrument_table(instrument: InstrumentFigures, names: Names) -> Row:
    """One instrument's scores: each dimension on its scale, a change coloured as good or bad by
    the dimension's direction."""
    rows = []
    for dimension in instrument["dimensions"]:
        score = score_row(
            dimension["name"],
            dimension["score"],
            group=names["dimension_group"].get(dimension["group"], dimension["group"]),
            scale="–".join(_bound(dimension["scale"][end]) for end in ("min", "max")),
            direction=names["direction"].get(dimension["direction"], ""),
        )
        if dimension["direction"] == "lower" and score["trend"] != "flat":
            score["trend"] = "up" if score["trend"] == "down" else "down"
        rows.append(score)
    overall = instrument["overall"]
    return {
        "title": f"{instrument['name']} ({instrument['code']}, v{instrument['version']})",
        "assessed": instrument["communities_assessed"],
        "rows": rows,
        "overall": score_row(names["dimension"]["overall"], overall) if overall is not None else None,
    }


def _assessments(data: IndicatorsDocument, names: Names) -> Context:
    """The chapter "Safety assessments": the first instrument's dimensions (with a chart), then a
    table for every other instrument the communities were assessed with."""
    assessments = data["assessments"]
    dimensions = assessments["dimensions"]
    others = [
        instrument
        for instrument in assessments.get("instruments", [])
        if (instrument["code"], instrument["version"]) != FIRST_INSTRUMENT
    ]
    return {
        "dimension_rows": [score_row(names["dimension"][name], score) for name, score in dimensions.items()],
        "assessed": assessments["communities_assessed"],
        "respondents": {moment: fmt_number(assessments["respondents"][moment]) for moment in MOMENTS},
        "instrument_tables": [_instrument_table(instrument, names) for instrument in others],
        "charts": {
            "assessments": charts.score_chart(
                [(names["dimension"][name], score["previous"], score["current"]) for name, score in dimensions.items()],
                title=_("Safety assessment: now and in the previous period"),
                series=(data["previous_period"]["code"], data["period"]["code"]),
                fmt=lambda value: fmt_number(value, 2),
            )
            if any(score["current"] is not None for score in dimensions.values())
            else "",
        },
    }


def _police(police: Police, names: Names) -> Context:
    """The chapter "Police–community interaction"."""
    return {
        "police": [
            figure_row(_("Events held jointly with the police"), police["joint_events"]),
            figure_row(_("Participants of joint events"), police["joint_event_participants"]),
            figure_row(_("Incidents with police involvement"), police["incidents_police_involved"]),
            figure_row(_("Police-community conflicts"), police["police_community_incidents"]),
            figure_row(_("Incidents referred to the police"), police["referrals_to_police"]),
        ],
        "police_scores": [
            score_row(names["dimension"]["trust_in_police"], police["trust_in_police"]),
            score_row(names["dimension"]["police_interaction"], police["police_interaction"]),
        ],
    }


def _planning(planning: Planning, names: Names) -> Context:
    """The chapter "Safety planning": analyses, plans through the council, measures, initiatives
    and regulations."""
    return {
        "planning": [
            figure_row(_("Risk and potential analyses made"), planning["analyses"]),
            figure_row(
                _("Communities with a current analysis (made in the last 12 months)"),
                planning["communities_with_current_analysis"],
            ),
            figure_row(
                _("Mean conflict potential (1 calm to 5 open conflict likely)"), planning["conflict_potential"], "score"
            ),
            figure_row(_("Strategies and plans at the end of the period"), planning["plans"]),
            figure_row(_("Community safety strategies adopted by councils"), planning["strategies_adopted"]),
            figure_row(_("Strategies and plans adopted, all kinds"), planning["plans_adopted"]),
            figure_row(_("Measures due"), planning["measures_due"]),
            figure_row(_("Measures due and implemented"), planning["measures_implemented"]),
            figure_row(_("Share of due measures implemented"), planning["measures_implemented_rate"], "rate"),
            figure_row(_("Community safety initiatives started"), planning["initiatives_started"]),
            figure_row(_("Regulations adopted"), planning["regulations_adopted"]),
        ],
        "plan_statuses": _nonzero(
            _breakdown_rows(planning["plans_by_status"], names["plan_status"]), planning["plans_by_status"]
        ),
        "plan_kinds": _nonzero(
            _breakdown_rows(planning["plans_by_kind"], names["plan_kind"]), planning["plans_by_kind"]
        ),
        "plans_adopted_by_kind": _nonzero(
            _breakdown_rows(planning["plans_adopted_by_kind"], names["plan_kind"]), planning["plans_adopted_by_kind"]
        ),
    }


def _community_planning(planning: CommunityPlanning, names: Names) -> Row:
    """A community page's safety planning: its latest analysis with the risk matrix, its plans."""
    analysis = planning["analysis"]
    return {
        "analysis": {
            "analysed_on": fmt_date(analysis["analysed_on"]),
            "conflict_potential": analysis["conflict_potential"],
            "risks": analysis["risks"],
            # Rows of likelihood 5 down to 1, as the matrix is drawn.
            "matrix": [
                {"likelihood": SCALE_MAX - index, "cells": cells} for index, cells in enumerate(analysis["matrix"])
            ],
        }
        if analysis
        else None,
        "impacts": list(range(SCALE_MIN, SCALE_MAX + 1)),
        "plans": [
            {
                "title": plan["title"],
                "kind": names["plan_kind"].get(plan["kind"], plan["kind"]),
                "status": names["plan_status"].get(plan["status"], plan["status"]),
                "adopted_on": fmt_date(plan["adopted_on"]) if plan["adopted_on"] else "",
                "decision_number": plan["decision_number"],
                "measures": plan["measures"],
                "measures_done": plan["measures_done"],
            }
            for plan in planning["plans"]
        ],
    }


def _media(media: Media, names: Names) -> Context:
    """The chapter "Media"."""
    return {
        "media": [
            figure_row(_("Media mentions"), media["mentions"]),
            figure_row(_("Estimated media audience"), media["reach"]),
        ],
        "media_rows": [
            {**figure_row(names["medium"][medium], figures["mentions"]), "reach": figure_row("", figures["reach"])}
            for medium, figures in media["by_medium"].items()
            if figures["mentions"]["to_date"]
        ],
    }


def _support(engagements: Engagements, rows: list[EngagementRow], names: Names) -> Context:
    """The chapter "Support to municipalities": engagements by mode and topic, their activities and
    hours by service line, mediation sessions, recommendations and their implementation, and each
    engagement of the period with its steps and recommendations (never who took part)."""
    lines, modes = engagements["activities_by_line"], engagements["activities_by_mode"]
    return {
        "engagements": [
            figure_row(_("Engagements opened"), engagements["opened"]),
            figure_row(_("Engagements closed"), engagements["closed"]),
            figure_row(_("Engagements running during the period"), engagements["running"]),
            *_breakdown_rows(engagements["opened_by_mode"], names["mode"]),
        ],
        "engagement_topics": [
            {**figure_row(names["topic"][topic], opened), "closed": figure_row("", closed)}
            for (topic, opened), closed in zip(
                engagements["opened_by_topic"].items(), engagements["closed_by_topic"].values(), strict=True
            )
            if opened["to_date"] or closed["to_date"]
        ],
        "support_work": [
            figure_row(_("Activities delivered"), engagements["activities"]),
            figure_row(_("Hours of support"), engagements["hours"], "hours"),
            figure_row(_("Mediation sessions"), engagements["mediation_sessions"]),
            figure_row(_("Recommendations made"), engagements["recommendations_made"]),
            figure_row(_("Recommendations implemented"), engagements["recommendations_implemented"]),
            figure_row(_("Recommendations rejected"), engagements["recommendations_rejected"]),
            figure_row(
                _("Share of recommendations implemented (of those not rejected)"),
                engagements["implementation_rate"],
                "rate",
            ),
        ],
        "support_lines": [
            {**figure_row(label, work["activities"]), "hours": figure_row("", work["hours"], "hours")}
            for label, work in [
                *((names["service_line"][line], figures) for line, figures in lines.items()),
                *((names["mode"][mode], figures) for mode, figures in modes.items()),
            ]
            if work["activities"]["to_date"]
        ],
        "support_rows": [
            {
                "title": _("%(community)s: %(mode)s, %(start)s – %(end)s")
                % {
                    "community": row["community_name"],
                    "mode": names["mode"].get(row["mode"], row["mode"]),
                    "start": fmt_date(row["starts_on"]),
                    "end": fmt_date(row["ends_on"]) if row["ends_on"] else "…",
                },
                "topic": names["topic"].get(row["topic"], row["topic"]),
                "activities": [
                    {
                        "date": fmt_date(activity["date"]),
                        "line": names["service_line"].get(activity["line"], activity["line"]),
                        "step": names["step"].get(activity["step"], activity["step"]),
                        "hours": fmt_number(activity["hours"], 1),
                        "mediators": fmt_number(activity["mediators"]),
                    }
                    for activity in row["activities"]
                ],
                "recommendations": [
                    {
                        "text": recommendation["text"],
                        "line": names["service_line"].get(recommendation["line"], recommendation["line"]),
                        "made_on": fmt_date(recommendation["made_on"]),
                        "status": names["recommendation_status"].get(
                            recommendation["status"], recommendation["status"]
                        ),
                        "status_on": fmt_date(recommendation["status_on"]),
                    }
                    for recommendation in row["recommendations"]
                ],
            }
            for row in rows
            if row["activities"] or row["recommendations"]
        ],
    }


def _casework(casework: Casework, names: Names) -> Context:
    """The chapter "Individual support": case work in aggregates only, never a person. The figures
    come with their small cells hidden (``reports.services.report_document``)."""
    tasks = {
        "plan_actions": _("Plan actions"),
        "referral_follow_ups": _("Referral follow-ups"),
        "agreement_checks": _("Checks of agreement items"),
    }
    kinds = casework["referrals_by_agency_kind"]
    return {
        "cases": [
            figure_row(_("Cases opened"), casework["opened"]),
            figure_row(_("Cases open at the end of the period"), casework["active_at_end"]),
            figure_row(_("Cases closed"), casework["closed"]),
            *(
                {**row, "indent": True}
                for row in _nonzero(
                    _breakdown_rows(casework["closed_by_outcome"], names["case_outcome"]),
                    casework["closed_by_outcome"],
                )
            ),
        ],
        "people": [
            figure_row(_("People supported (a case open during the period)"), casework["people"]),
            *(
                {**row, "indent": True}
                for row in [
                    *_nonzero(_breakdown_rows(casework["people_by_sex"], names["sex"]), casework["people_by_sex"]),
                    *_nonzero(
                        _breakdown_rows(casework["people_by_age_group"], names["age_group"]),
                        casework["people_by_age_group"],
                    ),
                ]
            ),
        ],
        "vulnerabilities": _nonzero(
            _breakdown_rows(casework["people_by_vulnerability"], names["vulnerability"]),
            casework["people_by_vulnerability"],
        ),
        "needs": [
            figure_row(_("Cases with a needs assessment"), casework["cases_assessed"]),
            *(
                {**row, "indent": True}
                for row in _nonzero(
                    _breakdown_rows(casework["needs_by_domain"], names["need_domain"]), casework["needs_by_domain"]
                )
            ),
        ],
        "referrals": [
            figure_row(_("Referrals sent"), casework["referrals_sent"]),
            figure_row(_("Referrals ended"), casework["referrals_ended"]),
            figure_row(_("completed by the agency"), casework["referrals_completed"], indent=True),
            figure_row(_("declined by the agency"), casework["referrals_declined"], indent=True),
            figure_row(_("without an answer"), casework["referrals_no_answer"], indent=True),
            figure_row(_("Share of ended referrals completed"), casework["referral_completion_rate"], "rate"),
            figure_row(_("Median days from sending to completion"), casework["median_days_to_completion"], "days"),
        ],
        "referral_kinds": [
            {
                "label": names["agency_kind"].get(kind, kind),
                "sent": figure_row("", figures["sent"]),
                "completed": figure_row("", figures["completed"]),
                "rate": figure_row("", figures["completion_rate"], "rate"),
                "median": figure_row("", figures["median_days_to_completion"], "days"),
            }
            for kind, figures in kinds.items()
            if figures["sent"]["to_date"] or figures["ended"]["to_date"]
        ],
        "follow_up": [
            figure_row(_("Plan goals of the cases closed"), casework["goals_set"]),
            figure_row(_("Plan goals met"), casework["goals_met"]),
            figure_row(_("Share of plan goals met"), casework["goals_met_rate"], "rate"),
            figure_row(_("Agreement items checked"), casework["agreement_items_checked"]),
            figure_row(_("Agreement items kept"), casework["agreement_items_kept"]),
            figure_row(_("Share of agreement items kept"), casework["agreement_items_kept_rate"], "rate"),
            figure_row(_("Tasks overdue at the end of the period"), casework["overdue_tasks"]),
            *(figure_row(tasks[kind], casework["overdue_tasks_by_kind"][kind], indent=True) for kind in TASK_KINDS),
        ],
    }


def _community_pages(rows: list[CommunityRow], names: Names, with_pages: bool) -> Context:
    """The chapter "The communities one by one": a page each, unless there are too many."""
    return {"community_pages": [_community_page(row, names) for row in rows] if with_pages else []}


def _annex(rows: list[CommunityRow], names: Names, with_pages: bool) -> Context:
    """The chapter "Annex: tables"."""
    return {"communities_in_annex_only": not with_pages, "annex": _annex_text(rows, names)}


def _results(document: ReportDocument) -> Context:
    """The chapter "Results against targets", right after the summary: a programme's indicators
    against their targets, or a line per programme by status; absent without either."""
    chapter = document.get("results")
    if not chapter or not (chapter["rows"] or chapter["programmes"]):
        return {"results": None}
    statuses = {"on_track": _("On track"), "at_risk": _("At risk"), "off_track": _("Off track")}
    rows = [
        {
            "code": row["code"],
            "name": row["name"],
            "unit": row["unit"],
            "result": row["result"],
            "baseline": fmt_number(row["baseline"], 2 if _fractional(row["baseline"]) else 0),
            "target": fmt_number(row["target"], 2 if _fractional(row["target"]) else 0),
            "actual": fmt_number(row["actual"], 2 if _fractional(row["actual"]) else 0),
            "percent": "—" if row["percent_achieved"] is None else f"{fmt_number(row['percent_achieved'], 1)} %",
            "status": row["status"] or "none",
            "status_label": statuses.get(row["status"] or "", "—"),
            "sdg_targets": ", ".join(row["sdg_targets"]),
        }
        for row in chapter["rows"]
    ]
    return {"results": {"programme": chapter["programme"], "rows": rows, "programmes": chapter["programmes"]}}


def _fractional(value: float | None) -> bool:
    return value is not None and value != int(value)


def build_context(document: ReportDocument, *, community_pages_limit: int | None = None) -> Context:
    """The template context for ``document``, in the active language: the chapters' contexts put
    together, their charts under ``charts``."""
    report, data = document["report"], document["indicators"]
    names = labels()
    limit = settings.REPORTS_COMMUNITY_PAGES_LIMIT if community_pages_limit is None else community_pages_limit
    rows = data["community_rows"]
    with_pages = len(rows) <= limit
    chapters = (
        _running_titles(report),
        _cover(report, data),
        _summary(data, names),
        _results(document),
        _communities(data, names),
        _map(document),
        _training(data, names),
        _outreach(data["events"], names),
        _webinars(data["webinars"], data["webinar_rows"], names),
        _incidents(data["incidents"], names),
        _assessments(data, names),
        _police(data["police"], names),
        _planning(data["planning"], names),
        _media(data["media"], names),
        _support(data["engagements"], data.get("engagement_rows", []), names),
        _casework(data["casework"], names),
        _community_pages(rows, names, with_pages),
        _annex(rows, names, with_pages),
    )
    context: Context = {"charts": {}}
    for chapter in chapters:
        context["charts"] |= chapter.pop("charts", {})
        context |= chapter
    return context


def render_report_html(document: ReportDocument, *, community_pages_limit: int | None = None) -> str:
    """The report as HTML in its language (what WeasyPrint lays out)."""
    with translation.override(document["report"]["language"]):
        context = build_context(document, community_pages_limit=community_pages_limit)
        context["font_url"] = font_directory().as_uri()
        return render_to_string(TEMPLATE, context)


def render_report_pdf(document: ReportDocument, *, community_pages_limit: int | None = None) -> bytes:
    """The report as PDF bytes. Raises on a template or data error (a missing key, a broken
    template): the caller marks the report failed."""
    html = render_report_html(document, community_pages_limit=community_pages_limit)
    font_config = FontConfiguration()
    pdf: bytes = HTML(string=html, base_url=font_directory().as_uri() + "/", url_fetcher=_local_fonts_only()).write_pdf(
        font_config=font_config
    )
    return pdf
