"""The PDF of a monitoring report: a pure renderer, data in, bytes out.

:func:`render_report_pdf` takes the document built by :func:`reports.services.report_document`
(plain data: the report's details and :func:`reports.indicators.compute_indicators`) and returns
the PDF. It renders the Django template ``reports/pdf/report.html`` in the report's language and
lays it out with WeasyPrint, using only the fonts shipped in ``static/reports/fonts`` and fetching
nothing else. Every text that users typed reaches the page through the template's autoescaping or
:mod:`reports.charts`, which escapes too.
"""

from __future__ import annotations

import math
import textwrap
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Choices, Field, Model
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from casework.models import AgeGroup, AgencyKind, CaseOutcome, NeedDomain, Sex, Vulnerability
from communities.models import (
    ASSESSMENT_DIMENSIONS,
    FIRST_INSTRUMENT,
    Country,
    DimensionGroup,
    Direction,
    EngagementMode,
    LeaveReason,
    SurveyMethod,
    Topic,
)
from communities.services import first_instrument_names
from events.models import AudienceRole
from incidents.models import (
    PARTY_AGE_GROUPS,
    PARTY_VULNERABLE_GROUPS,
    Agency,
    IncidentCategory,
    IncidentStatus,
    Severity,
)
from negotiators.models import Cohort, EventKind, Gender, Medium, NegotiatorStatus, OutreachEvent
from planning.models import SCALE_MAX, SCALE_MIN, PlanKind, PlanStatus
from programmes.models import RiskLevel, RiskStatus
from reports import charts, observations
from reports.chapters import SECTION_CHAPTERS, has_activity, shown_chapters
from reports.figures import (
    Casework,
    CommunityFigures,
    CommunityPlanning,
    CommunityRow,
    EngagementRow,
    Engagements,
    Events,
    Figure,
    HeadlineFigure,
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
from reports.indicators import HEADLINE, MOMENTS, NOT_RECORDED, PARTICIPANT_BREAKDOWN, TASK_KINDS, better_of
from reports.maps import DEFAULT_MAP_FIGURE, community_maps, map_figure, map_table, not_on_map
from reports.models import PdfVariant, ReportKind, ReportScope
from reports.wording import day_in_words, period_words
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
            if parsed.scheme == "data" and url.startswith(STORY_PHOTO_URLS):  # a case story's photo
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if font_directory() in path.parents:
                    return super().fetch(url, headers)
            raise ValueError(f"monitoring reports load only their own fonts, not {url[:80]}")

    return FontsOnly(allowed_protocols=["file", "data"])


# The images a report embeds itself: case stories' photos, carried in the document.
STORY_PHOTO_URLS = ("data:image/jpeg;base64,", "data:image/png;base64,")


# --- text that the shipped fonts can print -------------------------------------------------------

# The fonts whose glyphs a report may use: DejaVu (text, in every style) and Noto Emoji (the emoji
# DejaVu lacks), in the order of the template's font stacks.
GLYPH_FONTS = ("DejaVuSans.ttf", "NotoEmoji-Regular.ttf")
MISSING_GLYPH = "[?]"
# Characters that are not drawn and need no glyph: line ends and tabs (Cc), format characters such
# as the bidirectional isolates, zero-width joiners and soft hyphens (Cf), and variation selectors.
NOT_DRAWN = {"Cc", "Cf", "Zl", "Zp"}
VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))


@cache
def printable_characters() -> frozenset[int]:
    """The code points that the shipped fonts have a glyph for."""
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for name in GLYPH_FONTS:
        with TTFont(font_directory() / name, lazy=True) as font:
            covered |= set(font.getBestCmap())
    return frozenset(covered)


def _drawn_without_glyph(character: str) -> bool:
    point = ord(character)
    if point < 0x80 or point in printable_characters():
        return False
    if unicodedata.category(character) in NOT_DRAWN:
        return False
    return not any(point in selectors for selectors in VARIATION_SELECTORS)


def replace_missing_glyphs(text: str) -> str:
    """``text`` with every character that no shipped font can draw (e.g. Chinese, a new emoji)
    replaced by :data:`MISSING_GLYPH`, visibly, rather than printed as an empty box."""
    missing = {character for character in set(text) if _drawn_without_glyph(character)}
    if not missing:
        return text
    return text.translate({ord(character): MISSING_GLYPH for character in missing})


# First strong isolate ... pop directional isolate: a right-to-left name inside a line of text
# (the annex, a title) keeps to itself, so it never carries the numbers after it along.
FSI, PDI = "\u2068", "\u2069"


def isolate(text: str) -> str:
    """``text`` as a bidirectional isolate, for user-typed text inside a composed line."""
    return f"{FSI}{text}{PDI}" if text else text


# --- formatting in the active language ------------------------------------------------------------


# A number to print: a rate computed from its exact parts is a Fraction, rounded once here.
Number = float | Fraction


def _rounded(value: Number, decimals: int) -> Decimal:
    """``value`` rounded half up to ``decimals`` places, once: a Fraction exactly, a float from its
    shortest decimal form (what the API shows)."""
    if isinstance(value, Fraction):
        scaled = abs(value) * 10**decimals
        whole = math.floor(scaled + Fraction(1, 2))
        return Decimal(whole if value >= 0 else -whole).scaleb(-decimals)
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt_number(value: Number | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    # Django's number_format cuts the digits past decimal_pos (66.67 -> "66.6"); a report rounds,
    # so that it reads the same as the API's figure.
    return formats.number_format(_rounded(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


def fmt_percent(value: Number | None) -> str:
    if value is None:
        return "–"
    return _("%(number)s%%") % {"number": fmt_number(value * 100, 1)}


def fmt_signed(value: Number | None, decimals: int = 0, percent: bool = False) -> str:
    if value is None:
        return "–"
    number: Number = value * 100 if percent else value
    if _rounded(number, decimals) == 0:
        text = fmt_number(0, decimals)
    else:
        magnitude: Number = -number if number < 0 else number
        text = ("+" if number > 0 else MINUS) + fmt_number(magnitude, decimals)
    return _("%(number)s pp") % {"number": text} if percent else text


def fmt_date(value: str | date | None) -> str:
    """A day in the report's language, in that language's own form (:func:`reports.wording.day_in_words`)."""
    return day_in_words(value)


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


def exact_rate(figure: Mapping[str, Any]) -> dict[str, Fraction | None]:
    """A rate's ``current``, ``previous``, ``change`` and ``to_date`` as exact fractions of its
    ``numerator`` and ``denominator`` (None without a denominator), for a rate that carries them
    (``reports.indicators.RATE_PARTS``)."""
    numerator, denominator = figure["numerator"], figure["denominator"]
    exact: dict[str, Fraction | None] = {
        moment: Fraction(numerator[moment], denominator[moment]) if denominator[moment] else None
        for moment in ("current", "previous", "to_date")
    }
    current, previous = exact["current"], exact["previous"]
    exact["change"] = None if current is None or previous is None else current - previous
    return exact


def figure_row(label: str, figure: AnyFigure, kind: str = "count", *, path: str | None = None, **extra: Any) -> Row:
    """A figure ``{"current", "previous", "change", "to_date"}`` formatted for a table row. A rate
    with its exact parts is rounded from them, once. ``path`` (``"incidents.open_at_end"``) says
    which way is good news (``reports.indicators.BETTER``); without it a change is neutral."""
    value, change = (_or_marker(formatter) for formatter in FORMATS[kind])
    shown: Mapping[str, Any] = exact_rate(figure) if kind == "rate" and "denominator" in figure else figure
    return {
        "label": label,
        "current": value(shown["current"]),
        "previous": value(shown["previous"]),
        "change": change(shown["change"]),
        "to_date": value(shown["to_date"]),
        **judge(shown["change"], better_of(path) if path else None, change),
        **extra,
    }


def score_row(label: str, score: Score, *, better: str | None = "higher", **extra: Any) -> Row:
    """A score formatted for a table row; a higher score is better unless ``better`` says otherwise."""
    value, change = FORMATS["score"]
    return {
        "label": label,
        "current": value(score["current"]),
        "previous": value(score["previous"]),
        "change": change(score["change"]),
        "baseline": value(score["baseline"]),
        "change_since_baseline": change(score["change_since_baseline"]),
        **judge(score["change"], better, change),
        **extra,
    }


ARROWS = {"up": "\u25b2", "down": "\u25bc"}  # ▲ ▼


def judge(change: Number | str | None, better: str | None, formatter: Formatter) -> Row:
    """How a change reads: ``trend`` (the CSS class: ``improved`` green, ``worsened`` red,
    ``neutral`` grey, ``flat`` for none), an ``arrow`` for its direction and a ``verdict`` in
    words, so that the colour is never the only sign. A change that rounds to zero is flat."""
    if change is None or isinstance(change, str) or formatter(change) == formatter(0):
        return {"trend": "flat", "arrow": "", "verdict": ""}
    rising = change > 0
    arrow = ARROWS["up" if rising else "down"]
    if better is None:
        return {"trend": "neutral", "arrow": arrow, "verdict": ""}
    improved = rising == (better == "higher")
    return {
        "trend": "improved" if improved else "worsened",
        "arrow": arrow,
        "verdict": pgettext("change", "better") if improved else pgettext("change", "worse"),
    }


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
        "participants": {
            **{group: _field_label(OutreachEvent, field) for group, field in participant_fields.items()},
            NOT_RECORDED: _("Sex not recorded"),
        },
        **disaggregation_labels(),
    }


def disaggregation_labels() -> Names:
    """The labels of the breakdowns by sex, age group, vulnerable group and survey method, each
    with its "not recorded"."""
    not_recorded = {NOT_RECORDED: _("Not recorded")}
    return {
        "negotiator_sex": {**_choices(Gender), **not_recorded},
        "party_sex": {**_choices(Sex), **not_recorded},
        "party_age_group": {str(value): str(label) for value, label in PARTY_AGE_GROUPS} | not_recorded,
        "party_vulnerable_group": {str(value): str(label) for value, label in PARTY_VULNERABLE_GROUPS} | not_recorded,
        "survey_method": {**_choices(SurveyMethod), **not_recorded},
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
        "incidents_resolved": _("Incidents resolved (closed in the period)"),
        "resolution_rate": _("Resolution rate of closed incidents"),
        "median_days_to_resolution": _("Median days to resolution"),
        "media_mentions": _("Media mentions"),
        "media_reach": _("Estimated media audience"),
        "engagements_opened": _("Support engagements opened"),
    }


HEADLINE_KINDS = {"resolution_rate": "rate", "median_days_to_resolution": "days"}
HEADLINE_PATHS = {key: f"{section}.{name}" for key, section, name in HEADLINE}


def period_title(report: ReportDetails) -> str:
    if report["kind"] == ReportKind.ANNUAL:
        return _("Annual report %(year)s") % {"year": report["year"]}
    if report["kind"] == ReportKind.H1:
        return _("Semi-annual report, January–June %(year)s") % {"year": report["year"]}
    return _("Semi-annual report, July–December %(year)s") % {"year": report["year"]}


def scope_title(report: ReportDetails) -> str:
    if report["scope"] == ReportScope.REGION:
        return _("Region: %(name)s") % {"name": isolate(report["scope_name"])}
    if report["scope"] == ReportScope.PARTNER:
        return _("Communities of the partner organisation %(name)s") % {"name": isolate(report["scope_name"])}
    programme = report.get("programme")
    if programme:
        return _("Programme %(code)s: %(name)s") % {
            "code": isolate(programme["code"]),
            "name": isolate(programme["name"]),
        }
    return _("Whole portal: every programme")


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
        "assessed": period_words(assessment["assessed"]) if assessment and assessment["assessed"] else None,
        "respondents": fmt_number(assessment["respondents"]) if assessment else "–",
        "scores": [score_row(names["dimension"][name], score) for name, score in assessment["scores"].items()]
        if assessment and any(assessment["scores"]["overall"][moment] is not None for moment in MOMENTS)
        else [],
        "planning": _community_planning(row["planning"], names),
        **_community_disaggregation(row, names),
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


@cache
def monospaced_characters() -> frozenset[int]:
    """The code points DejaVu Sans Mono has: a name with others (Hebrew, emoji) is set in a box of
    the column's width, since its glyphs come from a proportional font."""
    from fontTools.ttLib import TTFont

    with TTFont(font_directory() / "DejaVuSansMono.ttf", lazy=True) as font:
        return frozenset(font.getBestCmap())


def _annex_name(name: str, width: int) -> list[str]:
    """A community's name as the annex's first column: wrapped onto as many lines as it needs
    (never cut), each line isolated for bidirectional text and padded to ``width`` characters;
    markup, escaped."""
    lines = textwrap.wrap(name, width) or [""]
    if all(ord(character) in monospaced_characters() for character in name):
        return [escape(isolate(line)) + " " * (width - len(line)) for line in lines]
    # An inline block of the column's width: an isolate of its own, aligned whatever its glyphs.
    return [f'<span class="annex-name">{escape(line)}</span>' for line in lines]


def _annex_text(rows: list[CommunityRow], names: Names) -> dict[str, Any]:
    """The annex: one fixed-width line per community (more for a long name), grouped by region,
    with numbered columns explained in a legend. A table in a monospaced font costs a fraction of
    an HTML table to lay out, which keeps a national-scale report (1,500 communities) fast."""
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

    def table(columns: int, width: int, cells: Callable[[CommunityRow], list[str]]) -> SafeString:
        lines = ["".ljust(ANNEX_NAME_WIDTH) + "".join(f"({number})".rjust(width) for number in range(1, columns + 1))]
        region = None
        for row in rows:
            if row["region"] != region:
                region = row["region"]
                lines += ["", f"— {escape(isolate(region))} —"]
            first, *more = _annex_name(row["name"], ANNEX_NAME_WIDTH)
            lines.append(first + escape("".join(cell.rjust(width) for cell in cells(row))))
            lines += more
        # Every name and cell is escaped above.
        return mark_safe("\n".join(lines))

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
            figure_row(
                headline_names[row["key"]],
                row,
                HEADLINE_KINDS.get(row["key"], "count"),
                path=HEADLINE_PATHS[row["key"]],
            )
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
    maps = community_maps(data, locations, figure.key)
    listed = rows if len(rows) <= MAP_TABLE_COMMUNITIES else []
    not_drawn = not_on_map(rows)
    return {
        "map": {
            "figure": label,
            "maps": maps,
            "drawn": sum(row.on_map for row in rows),
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
            figure_row(
                _("Communities in partnership during the period"), communities["active"], path="communities.active"
            ),
            figure_row(
                _("Partner communities at the end of the period"),
                communities["partners_at_end"],
                path="communities.partners_at_end",
            ),
            figure_row(_("Communities that joined"), communities["joined"], path="communities.joined"),
            figure_row(_("Communities that left"), communities["left"], path="communities.left"),
            *[
                figure_row(_("left: %(reason)s") % {"reason": names["leave_reason"][reason]}, figure, indent=True)
                for reason, figure in communities["left_by_reason"].items()
                if figure["to_date"]
            ],
        ],
        "negotiators": [
            figure_row(
                _("Active negotiators at the end of the period"),
                negotiators["registered_at_end"],
                path="negotiators.registered_at_end",
            ),
            figure_row(_("pilot graduates"), negotiators["by_cohort"]["pilot"], indent=True),
            figure_row(_("new cohort"), negotiators["by_cohort"]["new"], indent=True),
            figure_row(_("Negotiators who joined"), negotiators["joined"], path="negotiators.joined"),
            figure_row(
                _("Negotiators trained (completed at least one module)"),
                negotiators["trained"],
                path="negotiators.trained",
            ),
            figure_row(_("Negotiators certified"), negotiators["certified"], path="negotiators.certified"),
            figure_row(
                _("Negotiators who completed the advanced modules"),
                negotiators["advanced"],
                path="negotiators.advanced",
            ),
        ],
    }


def _training(data: IndicatorsDocument, names: Names) -> Context:
    """The chapter "The School: training"."""
    training = data["training"]
    modules = {module["code"]: module for module in data["modules"]}
    return {
        "training": [
            figure_row(_("Training sessions"), training["sessions"], path="training.sessions"),
            figure_row(
                _("Training modules delivered"), training["modules_delivered"], path="training.modules_delivered"
            ),
            figure_row(_("Training hours delivered"), training["hours"], path="training.hours"),
            figure_row(_("Places taken at sessions"), training["enrolled"], path="training.enrolled"),
            figure_row(_("Present"), training["present"], path="training.present"),
            figure_row(_("Completed the module"), training["completed"], path="training.completed"),
            figure_row(_("Attendance rate"), training["attendance_rate"], "rate", path="training.attendance_rate"),
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
            figure_row(_("Outreach events"), events["count"], path="events.count"),
            figure_row(_("Participants"), events["participants"], path="events.participants"),
            figure_row(
                _("Communities where events were held"),
                events["communities_reached"],
                path="events.communities_reached",
            ),
            figure_row(_("Events held jointly with the police"), events["with_police"], path="events.with_police"),
            figure_row(
                _("Events with local government"), events["with_local_government"], path="events.with_local_government"
            ),
            figure_row(_("Events with NGOs"), events["with_ngos"], path="events.with_ngos"),
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
            "title": isolate(row["title"]),
            "series": isolate(row["series"]),
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
            figure_row(_("Webinars and events with registration"), webinars["events"], path="webinars.events"),
            figure_row(_("Registrations"), webinars["registrations"], path="webinars.registrations"),
            figure_row(_("Attended"), webinars["attended"], path="webinars.attended"),
            figure_row(_("Attendance rate"), webinars["attendance_rate"], "rate", path="webinars.attendance_rate"),
            figure_row(_("Unique participants"), webinars["unique_participants"], path="webinars.unique_participants"),
            figure_row(_("Communities reached"), webinars["communities_reached"], path="webinars.communities_reached"),
            figure_row(_("Oblasts and regions reached"), webinars["oblasts_reached"], path="webinars.oblasts_reached"),
            figure_row(_("Questions to the speakers"), webinars["questions"], path="webinars.questions"),
            figure_row(_("Materials sent"), webinars["materials_sent"], path="webinars.materials_sent"),
            figure_row(
                _("Feedback score (1 to 5)"), webinars["feedback_score"], "score", path="webinars.feedback_score"
            ),
            figure_row(_("Feedback given"), webinars["feedback_count"], path="webinars.feedback_count"),
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
            figure_row(_("Incidents reported"), incidents["reported"], path="incidents.reported"),
            figure_row(_("Incidents closed"), incidents["closed"], path="incidents.closed"),
            figure_row(
                _("resolved (closed in the period)"), incidents["resolved"], path="incidents.resolved", indent=True
            ),
            figure_row(
                _("closed unresolved (closed in the period)"),
                incidents["closed_unresolved"],
                path="incidents.closed_unresolved",
                indent=True,
            ),
            figure_row(_("Incidents referred to an agency"), incidents["referred"], path="incidents.referred"),
            figure_row(
                _("Resolution rate of closed incidents"),
                incidents["resolution_rate"],
                "rate",
                path="incidents.resolution_rate",
            ),
            figure_row(
                _("Median days to resolution"),
                incidents["median_days_to_resolution"],
                "days",
                path="incidents.median_days_to_resolution",
            ),
            figure_row(_("Open at the end of the period"), incidents["open_at_end"], path="incidents.open_at_end"),
        ],
        "incident_categories": _breakdown_rows(incidents["by_category"], names["category"]),
        "incident_severities": _breakdown_rows(incidents["by_severity"], names["severity"]),
        "incident_statuses": _breakdown_rows(incidents["by_status_now"], names["status"]),
        "incident_referrals": _nonzero(
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
        rows.append(
            score_row(
                dimension["name"],
                dimension["score"],
                better="lower" if dimension["direction"] == "lower" else "higher",
                group=names["dimension_group"].get(dimension["group"], dimension["group"]),
                scale="–".join(_bound(dimension["scale"][end]) for end in ("min", "max")),
                direction=names["direction"].get(dimension["direction"], ""),
            )
        )
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
                series=(period_words(data["previous_period"]["code"]), period_words(data["period"]["code"])),
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
            figure_row(_("Events held jointly with the police"), police["joint_events"], path="police.joint_events"),
            figure_row(
                _("Participants of joint events"),
                police["joint_event_participants"],
                path="police.joint_event_participants",
            ),
            figure_row(
                _("Incidents with police involvement"),
                police["incidents_police_involved"],
                path="police.incidents_police_involved",
            ),
            figure_row(
                _("Police-community conflicts"),
                police["police_community_incidents"],
                path="police.police_community_incidents",
            ),
            figure_row(
                _("Incidents referred to the police"), police["referrals_to_police"], path="police.referrals_to_police"
            ),
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
            figure_row(_("Risk and potential analyses made"), planning["analyses"], path="planning.analyses"),
            figure_row(
                _("Communities with a current analysis (made in the last 12 months)"),
                planning["communities_with_current_analysis"],
                path="planning.communities_with_current_analysis",
            ),
            figure_row(
                _("Mean conflict potential (1 calm to 5 open conflict likely)"),
                planning["conflict_potential"],
                "score",
                path="planning.conflict_potential",
            ),
            figure_row(_("Strategies and plans at the end of the period"), planning["plans"], path="planning.plans"),
            figure_row(
                _("Community safety strategies adopted by councils"),
                planning["strategies_adopted"],
                path="planning.strategies_adopted",
            ),
            figure_row(
                _("Strategies and plans adopted, all kinds"), planning["plans_adopted"], path="planning.plans_adopted"
            ),
            figure_row(_("Measures due"), planning["measures_due"], path="planning.measures_due"),
            figure_row(
                _("Measures due and implemented"),
                planning["measures_implemented"],
                path="planning.measures_implemented",
            ),
            figure_row(
                _("Share of due measures implemented"),
                planning["measures_implemented_rate"],
                "rate",
                path="planning.measures_implemented_rate",
            ),
            figure_row(
                _("Community safety initiatives started"),
                planning["initiatives_started"],
                path="planning.initiatives_started",
            ),
            figure_row(_("Regulations adopted"), planning["regulations_adopted"], path="planning.regulations_adopted"),
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
                "decision_number": isolate(plan["decision_number"]),
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
            figure_row(_("Media mentions"), media["mentions"], path="media.mentions"),
            figure_row(_("Estimated media audience"), media["reach"], path="media.reach"),
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
            figure_row(_("Engagements opened"), engagements["opened"], path="engagements.opened"),
            figure_row(_("Engagements closed"), engagements["closed"], path="engagements.closed"),
            figure_row(_("Engagements running during the period"), engagements["running"], path="engagements.running"),
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
            figure_row(_("Activities delivered"), engagements["activities"], path="engagements.activities"),
            figure_row(_("Hours of support"), engagements["hours"], "hours", path="engagements.hours"),
            figure_row(
                _("Mediation sessions"), engagements["mediation_sessions"], path="engagements.mediation_sessions"
            ),
            figure_row(
                _("Recommendations made"), engagements["recommendations_made"], path="engagements.recommendations_made"
            ),
            figure_row(
                _("Recommendations implemented"),
                engagements["recommendations_implemented"],
                path="engagements.recommendations_implemented",
            ),
            figure_row(
                _("Recommendations rejected"),
                engagements["recommendations_rejected"],
                path="engagements.recommendations_rejected",
            ),
            figure_row(
                _("Share of recommendations implemented (of those not rejected)"),
                engagements["implementation_rate"],
                "rate",
                path="engagements.implementation_rate",
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
                    "community": isolate(row["community_name"]),
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
            figure_row(_("Cases opened"), casework["opened"], path="casework.opened"),
            figure_row(
                _("Cases open at the end of the period"), casework["active_at_end"], path="casework.active_at_end"
            ),
            figure_row(_("Cases closed"), casework["closed"], path="casework.closed"),
            *(
                {**row, "indent": True}
                for row in _nonzero(
                    _breakdown_rows(casework["closed_by_outcome"], names["case_outcome"]),
                    casework["closed_by_outcome"],
                )
            ),
        ],
        "people": [
            figure_row(
                _("People supported (a case open during the period)"), casework["people"], path="casework.people"
            ),
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
            figure_row(_("Cases with a needs assessment"), casework["cases_assessed"], path="casework.cases_assessed"),
            *(
                {**row, "indent": True}
                for row in _nonzero(
                    _breakdown_rows(casework["needs_by_domain"], names["need_domain"]), casework["needs_by_domain"]
                )
            ),
        ],
        "referrals": [
            figure_row(_("Referrals sent"), casework["referrals_sent"], path="casework.referrals_sent"),
            figure_row(_("Referrals ended"), casework["referrals_ended"], path="casework.referrals_ended"),
            figure_row(_("completed by the agency"), casework["referrals_completed"], indent=True),
            figure_row(_("declined by the agency"), casework["referrals_declined"], indent=True),
            figure_row(_("without an answer"), casework["referrals_no_answer"], indent=True),
            figure_row(
                _("Share of ended referrals completed"),
                casework["referral_completion_rate"],
                "rate",
                path="casework.referral_completion_rate",
            ),
            figure_row(
                _("Median days from sending to completion"),
                casework["median_days_to_completion"],
                "days",
                path="casework.median_days_to_completion",
            ),
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
            figure_row(_("Plan goals of the cases closed"), casework["goals_set"], path="casework.goals_set"),
            figure_row(_("Plan goals met"), casework["goals_met"], path="casework.goals_met"),
            figure_row(
                _("Share of plan goals met"), casework["goals_met_rate"], "rate", path="casework.goals_met_rate"
            ),
            figure_row(
                _("Agreement items checked"),
                casework["agreement_items_checked"],
                path="casework.agreement_items_checked",
            ),
            figure_row(
                _("Agreement items kept"), casework["agreement_items_kept"], path="casework.agreement_items_kept"
            ),
            figure_row(
                _("Share of agreement items kept"),
                casework["agreement_items_kept_rate"],
                "rate",
                path="casework.agreement_items_kept_rate",
            ),
            figure_row(
                _("Tasks overdue at the end of the period"), casework["overdue_tasks"], path="casework.overdue_tasks"
            ),
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


def _by_programme(document: ReportDocument) -> Context:
    """A report without a programme says which programmes (and countries) its totals add up:
    on the cover, and as a table in the summary (absent in a programme's own report)."""
    lines = document.get("by_programme")
    if lines is None:
        return {"by_programme": None}
    countries = dict(Country.choices)
    rows = [
        {
            "code": line["code"],
            "name": line["name"],
            "countries": ", ".join(str(countries.get(code, code)) for code in line["countries"]) or "—",
            "communities": fmt_number(line["communities"]),
            "events": fmt_number(line["events"]),
            "participants": fmt_number(line["participants"]),
            "incidents": fmt_number(line["incidents"]),
            "engagements": fmt_number(line["engagements"]),
        }
        for line in lines
    ]
    return {"by_programme": rows}


def _observations(document: ReportDocument, summary: list[Row]) -> Context:
    """The chapter "Key observations", after the summary: the largest changes (in the words and
    numbers of the summary's rows), the communities needing attention and the headline figures
    per half-year as sparklines, each with its values in words."""
    data = document["indicators"]
    attention = observations.communities_needing_attention(data["community_rows"])
    idle = [row for row in attention if row["reason"] == "no_activity"]
    listed = [row for row in attention if row["reason"] != "no_activity"] + idle[: observations.IDLE_LIMIT]
    trends = document.get("trends") or {"periods": [], "series": {}}
    lines = observations.trend_lines(trends, headline_labels())
    return {
        "observations": {
            "changes": observations.largest_changes(data["headline"], summary),
            "attention": listed,
            "idle_more": max(0, len(idle) - observations.IDLE_LIMIT),
            "trends": [
                line
                | {
                    "chart": charts.sparkline(
                        line["values"],
                        title=_("%(figure)s per half-year") % {"figure": line["label"]},
                        summary=line["summary"],
                    )
                }
                for line in lines
            ],
            "trend_span": (
                _("From %(first)s to %(last)s.")
                % {
                    "first": observations.half_year_words(trends["periods"][0]),
                    "last": observations.half_year_words(trends["periods"][-1]),
                }
                if trends["periods"]
                else ""
            ),
        }
    }


def _risks(document: ReportDocument) -> Context:
    """The chapter "Risks and mitigation": the register of the report's programme (or of each
    programme, in a whole-portal report), each risk with its likelihood and impact in words, its
    mitigation, owner, status and the reviews dated in the period."""
    if "risks" not in document:
        return {"risks": None}
    levels = _choices(RiskLevel)
    statuses = _choices(RiskStatus)
    programmes = [
        {
            "code": register["code"],
            "name": register["name"],
            "risks": [
                {
                    "title": risk["title"],
                    "description": risk["description"],
                    "rating": _("likelihood %(likelihood)s × impact %(impact)s")
                    % {
                        "likelihood": levels.get(risk["likelihood"], risk["likelihood"]).lower(),
                        "impact": levels.get(risk["impact"], risk["impact"]).lower(),
                    },
                    "mitigation": risk["mitigation"],
                    "owner": risk["owner"],
                    "status": statuses.get(risk["status"], risk["status"]),
                    "reviews": [
                        {
                            "date": fmt_date(review["reviewed_on"]),
                            "status": statuses.get(review["status"], review["status"]),
                            "what_happened": review["what_happened"],
                        }
                        for review in risk["reviews"]
                    ],
                }
                for risk in register["risks"]
            ],
        }
        for register in document["risks"]
    ]
    whole_portal = not document["report"].get("programme")
    if whole_portal and not programmes:
        return {"risks": None}
    return {"risks": {"programmes": programmes, "whole_portal": whole_portal}}


# --- disaggregations and data quality -------------------------------------------------------------


def _rows_with_not_recorded(
    figures: Mapping[str, AnyFigure], names: dict[str, str], *, nonzero: bool = False
) -> list[Row]:
    """A breakdown's rows, its "not recorded" only when something was not recorded (``nonzero``:
    every row only when it has something)."""
    rows = []
    for key, figure in figures.items():
        if (key == NOT_RECORDED or nonzero) and not any(
            figure[moment] for moment in ("current", "previous", "to_date")
        ):
            continue
        rows.append(figure_row(names.get(key, key), figure))
    return rows


def _disaggregations(data: IndicatorsDocument, names: Names) -> Context:
    """The negotiators by sex (chapter "Communities and negotiators") and the incidents' parties by
    sex, age group and vulnerable group (chapter "Safety incidents"), hidden as case work is
    ("<5") in every report (``reports.services.report_document``)."""
    negotiators = data["negotiators"]
    context: Context = {
        "negotiators_by_sex": _rows_with_not_recorded(negotiators.get("by_sex", {}), names["negotiator_sex"]),
        "negotiators_certified_by_sex": _rows_with_not_recorded(
            negotiators.get("certified_by_sex", {}), names["negotiator_sex"]
        ),
        "parties": None,
    }
    parties = data["incidents"].get("people_involved")
    if parties is not None:
        context["parties"] = {
            "total": [figure_row(_("Parties of the incidents reported"), parties["total"])],
            "by_sex": _rows_with_not_recorded(parties["by_sex"], names["party_sex"], nonzero=True),
            "by_age_group": _rows_with_not_recorded(parties["by_age_group"], names["party_age_group"], nonzero=True),
            "by_vulnerable_group": _rows_with_not_recorded(
                parties["by_vulnerable_group"], names["party_vulnerable_group"], nonzero=True
            ),
        }
    return context


def _community_disaggregation(row: CommunityRow, names: Names) -> Row:
    """A community page's own participants by group (with "not recorded") and its latest
    assessment's survey, risks and resources."""
    breakdown = row["figures"].get("participant_breakdown", {})
    latest = row.get("latest_assessment")
    return {
        "participant_rows": _rows_with_not_recorded(breakdown, names["participants"]),
        "latest_assessment": {
            "assessed": period_words(latest["assessed"]),
            "respondents": fmt_number(latest["respondents"]),
            "method": names["survey_method"].get(latest["method"] or NOT_RECORDED, latest["method"]),
            "identified_risks": latest["identified_risks"],
            "safety_resources": latest["safety_resources"],
        }
        if latest
        else None,
    }


def _share(part: int | str, whole: int | str) -> str:
    """``part`` of ``whole`` with its percentage; a hidden count ("<5") as it is."""
    if isinstance(part, str) or isinstance(whole, str) or not whole:
        return f"{part if isinstance(part, str) else fmt_number(part)}"
    return f"{fmt_number(part)} ({fmt_percent(part / whole)})"


def _data_quality(data: IndicatorsDocument, names: Names) -> Context:
    """The chapter "Data quality", before the annex: the period's assessments with their
    respondents and survey method, the small samples, and what was not recorded."""
    quality = data.get("data_quality")
    if quality is None:
        return {"data_quality": None}
    missing = quality["not_recorded"]
    methods = names["survey_method"]
    gaps = [
        (
            _("Participants of outreach events whose sex was not recorded"),
            missing["participants_without_sex"],
            missing["participants"],
        ),
        (
            _("Outreach events without any breakdown of their participants"),
            missing["events_without_breakdown"],
            missing["events"],
        ),
        (
            _("Parties of incidents without their sex"),
            missing["people_involved_without_sex"],
            missing["people_involved"],
        ),
        (
            _("Parties of incidents without their age group"),
            missing["people_involved_without_age_group"],
            missing["people_involved"],
        ),
        (_("Negotiators without their sex"), missing["negotiators_without_sex"], missing["negotiators"]),
        (_("Communities without a location"), missing["communities_without_location"], missing["communities"]),
        (_("Communities without a population"), missing["communities_without_population"], missing["communities"]),
    ]
    return {
        "data_quality": {
            "min_respondents": quality["min_respondents"],
            "small_samples": quality["small_samples"],
            "respondents": fmt_number(quality["respondents"]),
            "assessments": [
                {
                    "name": row["name"],
                    "assessed": period_words(row["assessed"]),
                    "instrument": row["instrument"],
                    "respondents": fmt_number(row["respondents"]),
                    "method": methods.get(row["method"] or NOT_RECORDED, row["method"]),
                    "small_sample": row["small_sample"],
                }
                for row in quality["assessments"]
            ],
            "methods": [
                {"label": methods.get(method, method), "count": fmt_number(count)}
                for method, count in quality["methods"].items()
            ],
            "not_recorded": [
                {
                    "label": label,
                    "missing": _share(part, whole),
                    "of": fmt_number(whole) if not isinstance(whole, str) else whole,
                }
                for label, part, whole in gaps
            ],
        }
    }


def _fractional(value: float | None) -> bool:
    return value is not None and value != int(value)


def _user_text(text: str) -> list[str]:
    """A text staff wrote, as paragraphs (split at blank lines), each isolated for bidirectional text."""
    return [isolate(paragraph.strip()) for paragraph in text.replace("\r\n", "\n").split("\n\n") if paragraph.strip()]


def _narrative(document: ReportDocument) -> Context:
    """The written analysis (the executive summary, the narrative chapter and the case stories)
    and the report's stage: "Draft" or "In review" on the cover and in the running header, the
    number of a final report; a final report's dates in the PDF's metadata come from its
    snapshot, so a rebuild gives the same bytes. Absent texts leave their sections out."""
    from reports.models import ReportStage

    narrative = document.get("narrative")
    if narrative is None:
        return {"stage_mark": "", "report_number": "", "pdf_date": ""}
    final = narrative["stage"] == ReportStage.FINAL
    sections = [
        {"id": key, "title": title, "paragraphs": _user_text(narrative[key])}  # type: ignore[literal-required]
        for key, title in (
            ("what_changed", _("What changed and why")),
            ("lessons_learned", _("Lessons learned")),
            ("recommendations", _("Recommendations")),
        )
        if narrative[key].strip()  # type: ignore[literal-required]
    ]
    stories = [
        {
            "title": isolate(story["title"]),
            "paragraphs": _user_text(story["text"]),
            "quote": _user_text(story["quote"]),
            "attribution": isolate(story["quote_attribution"].strip()),
            "photo": (
                {
                    "src": f"data:{story['photo']['content_type']};base64,{story['photo']['data']}",
                    "alt": story["photo"]["title"],
                }
                if story["photo"]
                else None
            ),
        }
        for story in narrative["stories"]
    ]
    return {
        "stage_mark": "" if final else str(ReportStage(narrative["stage"]).label),
        "report_number": narrative["number"] if final else "",
        "executive_summary": _user_text(narrative["executive_summary"]),
        "narrative_sections": sections,
        "stories": stories,
        # WeasyPrint's creation and modification dates: the moment of finalisation (a final
        # report's generated_at), never the moment of the build.
        "pdf_date": document["report"]["generated_at"] if final else "",
    }


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
        _narrative(document),
        _summary(data, names),
        _results(document),
        _by_programme(document),
        _risks(document),
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
        _disaggregations(data, names),
        _data_quality(data, names),
        _community_pages(rows, names, with_pages),
        _annex(rows, names, with_pages),
    )
    context: Context = {"charts": {}}
    for chapter in chapters:
        context["charts"] |= chapter.pop("charts", {})
        context |= chapter
    # The observations read the summary's rows as printed, all of them (a chapter left out has no
    # change to observe); then the chapters without anything recorded go.
    context |= _observations(document, context["summary"])
    _leave_out_empty_chapters(context, data)
    return context


def _year_before_columns(row: Row, figure: HeadlineFigure, kind: str, path: str) -> Row:
    """A summary row with the same period a year before (``year_before``) and the change since,
    judged by the same rule as the change against the previous period (:func:`judge`)."""
    value, change = FORMATS[kind]
    earlier: Any = figure["year_before"]
    difference: Any = figure["change_year_before"]
    if kind == "rate" and "denominator" in figure and "year_before" in figure["denominator"]:
        numerator = figure["numerator"]["year_before"]
        denominator = figure["denominator"]["year_before"]
        earlier = Fraction(numerator, denominator) if denominator else None
        current = exact_rate(figure)["current"]
        difference = None if earlier is None or current is None else current - earlier
    verdict = judge(difference, better_of(path), change)
    return row | {
        "year_before": value(earlier),
        "change_year_before": change(difference),
        "year_trend": verdict["trend"],
        "year_arrow": verdict["arrow"],
        "year_verdict": verdict["verdict"],
    }


def no_activity_text(period_code: str) -> str:
    """What the first page of a report without activity in its period says."""
    return _("No activity was recorded in this scope in %(period)s.") % {"period": period_words(period_code)}


def _leave_out_empty_chapters(context: Context, data: IndicatorsDocument) -> None:
    """The chapters to print (:func:`reports.chapters.shown_chapters`), the summary's figures of the
    chapters printed with the same period a year before, the sentence of a period without
    activity, and the "to date" span only when it has a start on or before the period's end."""
    shown = shown_chapters(data)
    active = has_activity(data)
    headline = [
        (figure, HEADLINE_PATHS[figure["key"]], HEADLINE_KINDS.get(figure["key"], "count"))
        for figure in data["headline"]
    ]
    context["summary"] = [
        _year_before_columns(row, figure, kind, path)
        for row, (figure, path, kind) in zip(context["summary"], headline, strict=True)
        if shown.get(SECTION_CHAPTERS.get(path.split(".")[0], ""), True)
    ]
    to_date = data["to_date"]
    year_before = data.get("year_before_period")
    context |= {
        "shown": shown,
        "period_has_activity": active,
        "no_activity_text": ""
        if active
        else _("No activity was recorded in this scope in %(period)s.")
        % {"period": period_words(data["period"]["code"])},
        "to_date_shown": bool(to_date["start"]) and str(to_date["start"]) <= str(to_date["end"]),
        # A year's previous period is the year before: its comparison is printed once.
        "year_before_differs": bool(year_before) and year_before["code"] != data["previous_period"]["code"],
        "year_before_start": fmt_date(year_before["start"]) if year_before else "",
        "year_before_end": fmt_date(year_before["end"]) if year_before else "",
    }


def render_report_html(document: ReportDocument, *, community_pages_limit: int | None = None) -> str:
    """The report as HTML in its language (what WeasyPrint lays out)."""
    with translation.override(document["report"]["language"]):
        context = build_context(document, community_pages_limit=community_pages_limit)
        context["font_url"] = font_directory().as_uri()
        return replace_missing_glyphs(render_to_string(TEMPLATE, context))


# What WeasyPrint writes for each variant a report may be asked in (``MonitoringReport.pdf_variant``).
# Both are tagged (a structure tree in reading order, the language, a text alternative for each
# chart): PDF/UA-1 for reading, PDF/A-3b (tagged too) for archiving, with its colour profile and
# metadata. Neither adds a date or a random identifier: the same document gives the same bytes.
PDF_OPTIONS: dict[str, dict[str, Any]] = {
    PdfVariant.ACCESSIBLE: {"pdf_variant": "pdf/ua-1"},
    PdfVariant.ARCHIVAL: {"pdf_variant": "pdf/a-3b", "pdf_tags": True},
}


def render_report_pdf(
    document: ReportDocument, *, community_pages_limit: int | None = None, variant: str | None = None
) -> bytes:
    """The report as PDF bytes, tagged, in ``variant`` (:class:`reports.models.PdfVariant`; by
    default the document's ``report.pdf_variant``, or the accessible one). Raises on a template or
    data error (a missing key, a broken template): the caller marks the report failed."""
    variant = variant or document["report"].get("pdf_variant") or PdfVariant.ACCESSIBLE
    html = render_report_html(document, community_pages_limit=community_pages_limit)
    font_config = FontConfiguration()
    pdf: bytes = HTML(string=html, base_url=font_directory().as_uri() + "/", url_fetcher=_local_fonts_only()).write_pdf(
        font_config=font_config, **PDF_OPTIONS[variant]
    )
    return pdf
