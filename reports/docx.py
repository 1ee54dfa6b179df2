"""The DOCX of a monitoring report: a pure renderer, data in, bytes out, for donors who edit a
report or merge it into theirs.

:func:`render_report_docx` takes the document the PDF is made from
(:func:`reports.services.report_document`) and walks the PDF's own context
(:func:`reports.pdf.build_context`), never its HTML: the same figures, formatted the same way, in
the report's language. Chapters are headings in Word's own heading styles (the navigation pane
and a merged document's table of contents find them), tables are real Word tables whose header
rows repeat on every page and whose numbers are right-aligned, and a chart is given as its text
alternative and its data as a table (the SVG is not converted: nothing installed draws it).

Each chapter of the PDF has a function below (:data:`CHAPTERS`, in the PDF's order) that names
the context keys it reads. Any key of the context that no chapter claims is still written, at the
end, by :func:`_any_value`: a list of figure rows as a figures table, any other list of rows or a
``{"rows": [...]}`` as a plain table, a text as a paragraph. A new chapter of ``build_context``
therefore appears without a change here, under a plain heading; giving it a function of its own
(and an entry in :data:`CHAPTERS`) puts it in its place with its translated title.

The output is deterministic: the core properties are dated from the document's ``generated_at``,
the zip entries carry that date too, and nothing random is written, so the same document gives
the same bytes.
"""

from __future__ import annotations

import base64
import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document as new_document
from docx.document import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from communities.models import ASSESSMENT_DIMENSIONS
from reports.figures import ReportDocument
from reports.pdf import CHART_COMMUNITIES, FORMATS, FSI, PDI, Context, Row, build_context, fmt_number, labels

# The report's language as Word names it (w:lang): spelling and hyphenation follow it.
WORD_LANGUAGES = {"uk": "uk-UA", "en": "en-GB", "cs": "cs-CZ", "ru": "ru-RU"}

# Keys of the context that are not content of their own (the cover reads some of them).
NOT_CONTENT = {
    "header_title",
    "page_label",
    "of_label",
    "report",
    "language",
    "title",
    "subtitle",
    "period_title",
    "scope_title",
    "period_start",
    "period_end",
    "previous_start",
    "previous_end",
    "to_date_start",
    "to_date_end",
    "generated_at",
    "community_count",
    "programme",
    "chart_limit",
    "charts",
    "font_url",
    "stage_mark",
    "report_number",
    "pdf_date",
    "shown",
    "period_has_activity",
    "to_date_shown",
    "year_before_differs",
    "year_before_start",
    "year_before_end",
}


# --- text, right to left ---------------------------------------------------------------------------


# Characters XML 1.0 cannot hold (control characters a user might paste): left out.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _strong_direction(character: str) -> str | None:
    kind = unicodedata.bidirectional(character)
    if kind in ("R", "AL"):
        return "rtl"
    if kind == "L":
        return "ltr"
    return None


def direction_runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into runs, each with whether it is right-to-left: a right-to-left run is the
    stretch from its first to its last right-to-left letter (with what lies between them); the
    rest stays left-to-right, so punctuation and numbers around a Hebrew or Arabic name keep their
    place in the line. The isolates the PDF puts around names are dropped: the runs say it."""
    text = NOT_IN_XML.sub("", text.replace(FSI, "").replace(PDI, ""))
    directions = [_strong_direction(character) for character in text]
    if "rtl" not in directions:
        return [(text, False)] if text else []
    runs: list[tuple[str, bool]] = []
    start = 0
    index = 0
    while index < len(text):
        if directions[index] != "rtl":
            index += 1
            continue
        end = index
        for look in range(index + 1, len(text)):
            if directions[look] == "ltr":
                break
            if directions[look] == "rtl":
                end = look
        if index > start:
            runs.append((text[start:index], False))
        runs.append((text[index : end + 1], True))
        start = index = end + 1
    if start < len(text):
        runs.append((text[start:], False))
    return runs


def add_text(paragraph: Paragraph, text: Any, *, bold: bool = False, italic: bool = False) -> None:
    """Append ``text`` to ``paragraph``, a right-to-left stretch as a run marked ``w:rtl``."""
    for chunk, rtl in direction_runs("" if text is None else str(text)):
        run = paragraph.add_run(chunk)
        run.bold = bold or None
        run.italic = italic or None
        if rtl:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))


# --- the writer ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A table column: its header, how a row gives its cell, and whether it holds a number
    (right-aligned)."""

    header: str
    cell: Callable[[Row], Any]
    number: bool = True


def column(header: str, key: str, number: bool = True) -> Column:
    return Column(header, lambda row: row.get(key, ""), number)


def nested(header: str, key: str, inner: str) -> Column:
    return Column(header, lambda row: (row.get(key) or {}).get(inner, ""))


def verdict(row: Row) -> str:
    return " ".join(part for part in (row.get("arrow", ""), row.get("verdict", "")) if part)


class Writer:
    """The document being written, with the few shapes a report needs."""

    def __init__(self, language: str) -> None:
        self.document: Document = new_document()
        self.language = language
        self._styles()

    def _styles(self) -> None:
        styles = self.document.styles
        word_language = WORD_LANGUAGES.get(self.language, self.language)
        for style in (styles["Normal"], *(styles[f"Heading {level}"] for level in (1, 2, 3))):
            r_pr = style.element.get_or_add_rPr()
            for old in r_pr.findall(qn("w:lang")):
                r_pr.remove(old)
            lang = OxmlElement("w:lang")
            lang.set(qn("w:val"), word_language)
            r_pr.append(lang)
        # The document defaults too: text in any other style (tables, captions) is in the language.
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            for lang in defaults.iter(qn("w:lang")):
                lang.set(qn("w:val"), word_language)
        styles["Normal"].font.size = Pt(10)
        styles["Heading 1"].paragraph_format.page_break_before = True
        self.table_style = styles["Table Grid"].style_id

    def heading(self, text: str, level: int) -> Paragraph:
        paragraph = self.document.add_paragraph(style=f"Heading {level}")
        add_text(paragraph, text)
        return paragraph

    def paragraph(self, text: Any, *, style: str | None = None, bold: bool = False, italic: bool = False) -> Paragraph:
        paragraph = self.document.add_paragraph(style=style)
        add_text(paragraph, text, bold=bold, italic=italic)
        return paragraph

    def bullets(self, items: Iterable[Any]) -> None:
        for item in items:
            self.paragraph(item, style="List Bullet")

    def table(self, columns: Sequence[Column], rows: Iterable[Row], *, header: bool = True) -> bool:
        """A Word table of ``rows``: a header row (repeated on each page), then a row each, kept
        whole on a page; the first column the label, numbers right-aligned. Nothing for no rows
        (False). Written as XML in one piece: python-docx's cell-by-cell calls cost seconds for
        the annex of a national report."""
        rows = list(rows)
        if not rows:
            return False
        parts = [
            f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{self.table_style}"/><w:tblW w:w="0" w:type="auto"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
            'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
            "<w:gridCol/>" * len(columns),
            "</w:tblGrid>",
        ]
        if header:
            parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
            parts += [_cell_xml(spec.header, right=spec.number, bold=True) for spec in columns]
            parts.append("</w:tr>")
        for row in rows:
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            parts += [
                _cell_xml(
                    spec.cell(row),
                    right=spec.number,
                    bold=bool(row.get("total")),
                    indent=bool(row.get("indent")) and index == 0,
                )
                for index, spec in enumerate(columns)
            ]
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self.document.element.body._insert_tbl(parse_xml("".join(parts)))
        self.document.add_paragraph()
        return True

    def figures(self, rows: Sequence[Row], caption: str | None = None) -> None:
        """A table of figures as the PDF's ``figures.html``: this period, the previous one, the
        change, to date, and whether the change is good news, in words."""
        self.table(
            [
                column(caption or _("Indicator"), "label", number=False),
                column(_("This period"), "current"),
                column(_("Previous period"), "previous"),
                column(_("Change"), "change"),
                column(_("Programme to date"), "to_date"),
                Column(_("Better or worse"), verdict, number=False),
            ],
            rows,
        )

    def breakdown(self, rows: Sequence[Row], caption: str) -> None:
        self.table(
            [
                column(caption, "label", number=False),
                column(_("This period"), "current"),
                column(_("Change"), "change"),
                column(_("Programme to date"), "to_date"),
            ],
            rows,
        )

    def breakdowns(self, source: Mapping[str, Any], parts: Sequence[tuple[str, str, str]], *, level: int) -> None:
        """Each non-empty breakdown of ``source`` named in ``parts`` (key, heading, caption) under
        its heading."""
        for key, title, caption in parts:
            if source[key]:
                self.heading(title, level)
                self.breakdown(source[key], caption)

    def scores(self, rows: Sequence[Row], caption: str | None = None) -> None:
        self.table(
            [
                column(caption or _("Dimension (1 = worst, 5 = best)"), "label", number=False),
                column(_("Now"), "current"),
                column(_("Previous period"), "previous"),
                column(_("Change"), "change"),
                column(_("Baseline"), "baseline"),
                column(_("Since baseline"), "change_since_baseline"),
                Column(_("Better or worse"), verdict, number=False),
            ],
            rows,
        )

    def chart(self, svg: Any, columns: Sequence[Column] = (), rows: Iterable[Row] = ()) -> None:
        """A chart: its text alternative (the SVG's title, which the PDF tags the figure with) and,
        when given, its data as a table; nothing for a chart the PDF leaves out."""
        if not svg:
            return
        alternative = chart_alternative(str(svg))
        if alternative:
            self.paragraph(alternative, style="Caption")
        if columns:
            self.table(columns, rows)


def _cell_xml(text: Any, *, right: bool, bold: bool = False, indent: bool = False) -> str:
    """A table cell's XML: one paragraph, its right-to-left stretches as runs of their own."""
    properties = ('<w:ind w:left="240"/>' if indent else "") + ('<w:jc w:val="right"/>' if right else "")
    runs = "".join(
        "<w:r>"
        + ("<w:rPr>" + ("<w:b/>" if bold else "") + ("<w:rtl/>" if rtl else "") + "</w:rPr>" if bold or rtl else "")
        + f'<w:t xml:space="preserve">{xml_escape(chunk)}</w:t></w:r>'
        for chunk, rtl in direction_runs("" if text is None else str(text))
    )
    return f'<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr><w:p><w:pPr>{properties}</w:pPr>{runs}</w:p></w:tc>'


CHART_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def chart_alternative(svg: str) -> str:
    """The text alternative of a chart of :mod:`reports.charts`: its title and its data in words."""
    found = CHART_TITLE.search(svg)
    return html.unescape(found.group(1)).strip() if found else ""


# --- the chapters, in the PDF's order --------------------------------------------------------------


def _cover(writer: Writer, context: Context, document: ReportDocument) -> None:
    report = context["report"]
    writer.paragraph(_("Zlagoda"), bold=True)
    writer.paragraph(context["title"], style="Title")
    writer.paragraph(context["subtitle"], style="Subtitle")
    writer.paragraph(context["period_title"], bold=True)
    writer.paragraph(context["scope_title"])
    if context.get("stage_mark"):
        writer.paragraph(context["stage_mark"], bold=True)
    if context.get("report_number"):
        writer.paragraph(_("No. %(number)s") % {"number": context["report_number"]}, bold=True)
    facts: list[Row] = [
        {"term": _("Period"), "value": f"{context['period_start']} – {context['period_end']}"},
        {"term": _("Compared with"), "value": f"{context['previous_start']} – {context['previous_end']}"},
        {"term": _("Programme to date"), "value": f"{context['to_date_start']} – {context['to_date_end']}"},
        {"term": _("Communities covered"), "value": context["community_count"]},
    ]
    if not context.get("to_date_shown", True):
        del facts[2]
    if context.get("by_programme") is not None:
        included = "; ".join(f"{line['code']} ({line['countries']})" for line in context["by_programme"])
        facts.append({"term": _("Programmes included"), "value": included or _("none in this period")})
    programme = context.get("programme")
    if programme:
        donors = [
            donor["name"]
            + (f" ({_('grant reference')} {donor['grant_reference']})" if donor.get("grant_reference") else "")
            for donor in programme.get("donors", [])
        ]
        facts.append({"term": _("Donors"), "value": "; ".join(donors) or "–"})
    facts.append({"term": _("Generated"), "value": context["generated_at"]})
    writer.table([column("", "term", number=False), column("", "value", number=False)], facts, header=False)
    if report.get("note"):
        for line in report["note"].splitlines() or [""]:
            writer.paragraph(line, style="Quote")


def _summary(writer: Writer, context: Context, document: ReportDocument) -> None:
    writer.heading(_("Summary"), 1)
    periods = [
        {"term": _("This period"), "value": f"{context['period_start']} – {context['period_end']}"},
        {"term": _("Previous period"), "value": f"{context['previous_start']} – {context['previous_end']}"},
    ]
    if context.get("year_before_differs"):
        periods.append(
            {
                "term": _("Same period a year before"),
                "value": f"{context['year_before_start']} – {context['year_before_end']}",
            }
        )
    if context.get("to_date_shown", True):
        periods.append(
            {"term": _("Programme to date"), "value": f"{context['to_date_start']} – {context['to_date_end']}"}
        )
    writer.table([column("", "term", number=False), column("", "value", number=False)], periods, header=False)
    if context.get("no_activity_text"):
        writer.paragraph(context["no_activity_text"], bold=True)
    _headline(writer, context)
    if context.get("shown", {}).get("assessments", True):
        writer.scores([context["overall"]], caption=_("Safety assessment"))
    chart = context["charts"].get("by_community")
    if chart:
        writer.heading(_("Events and participants by community"), 2)
        writer.chart(
            chart,
            [
                column(_("Community"), "name", number=False),
                column(_("Events"), "events"),
                column(_("Participants"), "participants"),
            ],
            _by_community_rows(document),
        )
        if context["charts"].get("chart_is_partial"):
            writer.paragraph(
                _("The %(chart_limit)s communities with most participants; all communities are in the annex.")
                % {"chart_limit": context["chart_limit"]},
                italic=True,
            )


def _headline(writer: Writer, context: Context) -> None:
    """The summary's figures as the PDF's ``headline.html``: with the same period a year before
    and the change since, where that period is not already the previous one."""
    if not context.get("year_before_differs"):
        writer.figures(context["summary"])
        return
    writer.table(
        [
            column(_("Indicator"), "label", number=False),
            column(_("This period"), "current"),
            column(_("Previous period"), "previous"),
            column(_("Change"), "change"),
            column(_("Same period a year before"), "year_before"),
            Column(_("Change in a year"), lambda row: f"{row['year_arrow']} {row['change_year_before']}".strip()),
            column(_("Programme to date"), "to_date"),
            Column(_("Better or worse"), verdict, number=False),
        ],
        context["summary"],
    )


def _by_programme(writer: Writer, context: Context, document: ReportDocument) -> None:
    lines = context.get("by_programme")
    if not lines:
        return
    writer.heading(_("By programme"), 2)
    writer.paragraph(
        _(
            "This report covers more than one programme's work. Each event, incident and engagement belongs to "
            "one programme, so the lines add up to the totals above; a community taking part in two programmes "
            "is counted in both."
        ),
        italic=True,
    )
    writer.table(
        [
            Column(_("Programme"), lambda row: f"{row['code']} · {row['name']}", number=False),
            column(_("Countries"), "countries", number=False),
            column(_("Communities"), "communities"),
            column(_("Events"), "events"),
            column(_("Participants"), "participants"),
            column(_("Incidents reported"), "incidents"),
            column(_("Engagements opened"), "engagements"),
        ],
        lines,
    )


def _observations(writer: Writer, context: Context, document: ReportDocument) -> None:
    observed = context.get("observations")
    if not observed or not context.get("period_has_activity", True):
        return
    writer.heading(_("Key observations"), 1)
    writer.heading(_("The largest changes against the previous period"), 2)
    if observed["changes"]:
        writer.bullets(change["text"] for change in observed["changes"])
    else:
        writer.paragraph(_("No headline figure can be compared with the previous period."))
    writer.heading(_("Communities needing attention"), 2)
    writer.paragraph(
        _(
            "The largest drops of the overall safety score, the most incidents still open at the end of the "
            "period, and the partner communities with no outreach event and no incident recorded in the period."
        ),
        italic=True,
    )
    listed = writer.table(
        [
            column(_("Community"), "name", number=False),
            column(_("Region"), "region", number=False),
            column(_("Reason"), "text", number=False),
        ],
        observed["attention"],
    )
    if not listed:
        writer.paragraph(_("No community stands out."))
    if observed["idle_more"]:
        writer.paragraph(
            ngettext(
                "And %(count)s more community without activity (see the annex).",
                "And %(count)s more communities without activity (see the annex).",
                observed["idle_more"],
            )
            % {"count": observed["idle_more"]}
        )
    if observed["trends"]:
        writer.heading(_("Trends across every half-year"), 2)
        writer.paragraph(observed["trend_span"])
        writer.table(
            [
                column(_("Figure"), "label", number=False),
                column(_("First"), "first", number=False),
                column(_("Last"), "last", number=False),
                column(_("Lowest"), "lowest", number=False),
                column(_("Highest"), "highest", number=False),
            ],
            observed["trends"],
        )


def _risks(writer: Writer, context: Context, document: ReportDocument) -> None:
    risks = context.get("risks")
    if not risks:
        return
    writer.heading(_("Risks and mitigation"), 1)
    writer.paragraph(
        _(
            "The programme's risk register: each risk's likelihood and impact, how it is mitigated and by whom, "
            "its status, and what its reviews in the period recorded."
        )
    )
    for programme in risks["programmes"]:
        if risks["whole_portal"]:
            writer.heading(f"{programme['code']} · {programme['name']}", 2)
        for risk in programme["risks"]:
            writer.heading(risk["title"], 3)
            facts = f"{risk['rating']} · {_('status at the end of the period')}: {risk['status']}"
            if risk["owner"]:
                facts += f" · {_('owner')}: {risk['owner']}"
            writer.paragraph(facts, italic=True)
            if risk["description"]:
                writer.paragraph(risk["description"])
            writer.paragraph(f"{_('Mitigation')}: {risk['mitigation'] or '–'}")
            reviews = "; ".join(
                f"{review['date']} ({review['status']})"
                + (f": {review['what_happened']}" if review["what_happened"] else "")
                for review in risk["reviews"]
            )
            writer.paragraph(f"{_('In the period')}: {reviews or _('no review this period')}")
        if not programme["risks"]:
            writer.paragraph(_("No risks recorded in the register."))


def _executive_summary(writer: Writer, context: Context, document: ReportDocument) -> None:
    if context.get("executive_summary"):
        writer.heading(_("Executive summary"), 1)
        for paragraph in context["executive_summary"]:
            writer.paragraph(paragraph)


def _written(writer: Writer, context: Context, document: ReportDocument) -> None:
    """What staff wrote after the key observations, as the PDF's ``narrative.html``: the analysis
    and the case stories, each story's photo embedded (from the document, as in the PDF)."""
    if context.get("narrative_sections"):
        writer.heading(_("Analysis"), 1)
        for section in context["narrative_sections"]:
            writer.heading(section["title"], 2)
            for paragraph in section["paragraphs"]:
                writer.paragraph(paragraph)
    if not context.get("stories"):
        return
    writer.heading(_("Case stories"), 1)
    for story in context["stories"]:
        writer.heading(story["title"], 2)
        if story["photo"]:
            data = story["photo"]["src"].split(",", 1)[1]
            writer.document.add_picture(io.BytesIO(base64.b64decode(data)), width=Cm(12))
            writer.paragraph(story["photo"]["alt"], style="Caption")
        for paragraph in story["paragraphs"]:
            writer.paragraph(paragraph)
        for paragraph in story["quote"]:
            writer.paragraph(paragraph, style="Quote")
        if story["attribution"]:
            writer.paragraph(f"— {story['attribution']}", style="Quote")


def _data_quality(writer: Writer, context: Context, document: ReportDocument) -> None:
    """The PDF's "Data quality" chapter: respondents per community, survey methods, what was not
    recorded."""
    quality = context.get("data_quality")
    if not quality or not context.get("period_has_activity", True):
        return
    writer.heading(_("Data quality"), 1)
    writer.paragraph(
        _(
            "The period's safety assessments asked %(respondents)s respondents in all. An assessment with fewer "
            "than %(threshold)s respondents is a small sample: its scores say little about the community "
            "(%(count)s in the period, marked below)."
        )
        % {
            "respondents": quality["respondents"],
            "threshold": quality["min_respondents"],
            "count": quality["small_samples"],
        }
    )
    writer.heading(_("Respondents per community"), 2)
    small = _("small sample")
    listed = writer.table(
        [
            column(_("Community"), "name", number=False),
            column(_("Assessment"), "assessed", number=False),
            column(_("Instrument"), "instrument", number=False),
            Column(
                _("Respondents"),
                lambda row: f"{row['respondents']} ({small})" if row["small_sample"] else row["respondents"],
            ),
            column(_("Survey method"), "method", number=False),
        ],
        quality["assessments"],
    )
    if not listed:
        writer.paragraph(_("No safety assessment in the period."), italic=True)
    if quality["methods"]:
        writer.heading(_("Survey method"), 2)
        writer.table(
            [column(_("Survey method"), "label", number=False), column(_("Assessments"), "count")], quality["methods"]
        )
    writer.heading(_("What was not recorded"), 2)
    writer.table(
        [
            column(_("Records"), "label", number=False),
            column(_("Not recorded"), "missing"),
            column(_("In all"), "of"),
        ],
        quality["not_recorded"],
    )
    writer.paragraph(
        _(
            "Events, participants and parties: those of the period; negotiators: those registered by its end; "
            "communities: those in the report's scope. A count of parties from 1 to 4 is shown as “<5”."
        ),
        italic=True,
    )


def _by_community_rows(document: ReportDocument) -> list[Row]:
    """The data of the summary's chart, chosen as :func:`reports.pdf._summary` chooses it."""
    rows = sorted(
        document["indicators"]["community_rows"],
        key=lambda row: (-row["figures"]["participants"]["current"], row["name"]),
    )
    return [
        {
            "name": row["name"],
            "events": fmt_number(row["figures"]["events"]["current"]),
            "participants": fmt_number(row["figures"]["participants"]["current"]),
        }
        for row in rows
        if row["figures"]["events"]["current"]
    ][:CHART_COMMUNITIES]


def _results(writer: Writer, context: Context, document: ReportDocument) -> None:
    results = context.get("results")
    if not results:
        return
    writer.heading(_("Results against targets"), 1)
    if results.get("programme"):
        writer.table(
            [
                Column(
                    _("Indicator"),
                    lambda row: (
                        f"{row['result']} · {row['code']} {row['name']} ({row['unit']}"
                        + (f"; SDG {row['sdg_targets']})" if row["sdg_targets"] else ")")
                    ),
                    number=False,
                ),
                column(_("Baseline"), "baseline"),
                column(_("Target"), "target"),
                column(_("Actual"), "actual"),
                column(_("Achieved"), "percent"),
                column(_("Status"), "status_label", number=False),
            ],
            results["rows"],
        )
    else:
        writer.paragraph(_("Each programme's indicators in this period, by status against their targets."))
        writer.table(
            [
                Column(_("Programme"), lambda row: f"{row['code']} · {row['name']}", number=False),
                column(_("On track"), "on_track"),
                column(_("At risk"), "at_risk"),
                column(_("Off track"), "off_track"),
                column(_("No target or value"), "none"),
            ],
            results["programmes"],
        )


def _communities(writer: Writer, context: Context, document: ReportDocument) -> None:
    writer.heading(_("Communities and negotiators"), 1)
    writer.heading(_("Partnership"), 2)
    writer.figures(context["communities"])
    writer.heading(_("Social negotiators"), 2)
    writer.figures(context["negotiators"])
    if context.get("negotiators_by_sex"):
        writer.heading(_("Negotiators registered by the end of the period, by sex"), 3)
        writer.breakdown(context["negotiators_by_sex"], _("Sex"))
    if context.get("negotiators_certified_by_sex"):
        writer.heading(_("Negotiators certified, by sex"), 3)
        writer.breakdown(context["negotiators_certified_by_sex"], _("Sex"))


def _map(writer: Writer, context: Context, document: ReportDocument) -> None:
    figure = context["map"]
    writer.heading(_("Map of the communities"), 1)
    for drawn in figure["maps"]:
        writer.chart(drawn.svg)
    rows = [row for line in figure["table"] for row in line]
    if rows:
        writer.heading(_("%(figure)s by community") % {"figure": figure["figure"]}, 2)
        writer.table(
            [
                Column(_("Community"), lambda row: row["name"] + ("" if row["on_map"] else " *"), number=False),
                column(_("Value"), "text"),
            ],
            [{"name": row.name, "text": row.text, "on_map": row.on_map} for row in rows],
        )
        if figure["not_drawn"]:
            writer.paragraph(_("* not on the map: no location recorded."), italic=True)
    elif figure["not_drawn"]:
        writer.paragraph(f"{_('Not on the map (no location recorded):')} {', '.join(figure['not_drawn'])}")


def _training(writer: Writer, context: Context, document: ReportDocument) -> None:
    writer.heading(_("The School: training"), 1)
    writer.figures(context["training"])
    writer.heading(_("Sessions and attendance by module"), 2)
    writer.table(
        [
            Column(_("Module"), lambda row: f"{row['code']} {row['title']}", number=False),
            column(_("Level"), "level", number=False),
            column(_("Hours"), "hours"),
            nested(_("Sessions"), "sessions", "current"),
            nested(_("Present"), "present", "current"),
            nested(_("Completed"), "completed", "current"),
            nested(_("Sessions to date"), "sessions", "to_date"),
            nested(_("Completed to date"), "completed", "to_date"),
        ],
        context["modules"],
    )


def _events(writer: Writer, context: Context, document: ReportDocument) -> None:
    writer.heading(_("Outreach events"), 1)
    writer.figures(context["events"])
    writer.heading(_("Events by kind"), 2)
    writer.table(
        [
            column(_("Kind"), "label", number=False),
            column(_("Events"), "current"),
            column(_("Previous period"), "previous"),
            column(_("Change"), "change"),
            nested(_("Participants"), "participants", "current"),
            column(_("Events to date"), "to_date"),
            nested(_("Participants to date"), "participants", "to_date"),
        ],
        context["event_kinds"],
    ) or writer.paragraph(_("No events recorded."), italic=True)
    writer.heading(_("Participants by group"), 2)
    writer.chart(context["charts"].get("participants"))
    writer.breakdown(context["participant_rows"], _("Group (a person may be in several)"))
    if context["event_topics"]:
        writer.heading(_("Events by topic"), 2)
        writer.breakdown(context["event_topics"], _("Topic"))
    if context.get("has_webinars"):
        writer.heading(_("Webinars and events with registration"), 2)
        writer.paragraph(_("Held events that took registrations. Counts only: no registrant is named."), italic=True)
        writer.figures(context["webinars"])
        if context["webinar_roles"]:
            writer.heading(_("Attendees by role"), 2)
            writer.breakdown(context["webinar_roles"], _("Role"))
        writer.heading(_("Webinars in the period"), 2)
        writer.table(
            [
                column(_("Webinar"), "title", number=False),
                column(_("Date"), "date"),
                column(_("Registrations"), "registrations"),
                column(_("Attended"), "attended"),
                column(_("Rate"), "rate"),
                column(_("Communities"), "communities"),
                column(_("Oblasts"), "oblasts"),
                column(_("Feedback"), "feedback"),
            ],
            context["webinar_rows"],
        ) or writer.paragraph(_("No webinars held in the period."), italic=True)


def _incidents(writer: Writer, context: Context, document: ReportDocument) -> None:
    writer.heading(_("Safety incidents"), 1)
    writer.figures(context["incidents"])
    writer.heading(_("Incidents by category and status"), 2)
    chart = context["charts"].get("incidents")
    if chart:
        names = labels()
        statuses = list(names["status"].items())
        incidents = document["indicators"]["incidents"]
        writer.chart(
            chart,
            [
                column(_("Category"), "label", number=False),
                *(column(label, status) for status, label in statuses),
            ],
            [
                {"label": names["category"].get(category, category)}
                | {status: fmt_number(by_status[status]["current"]) for status, _label in statuses}
                for category, by_status in incidents["by_category_status_now"].items()
                if incidents["by_category"][category]["current"]
            ],
        )
        writer.paragraph(_("Incidents reported in the period, by their status today."), italic=True)
    writer.figures(context["incident_categories"], caption=_("Category"))
    writer.heading(_("By severity"), 2)
    writer.breakdown(context["incident_severities"], _("Severity"))
    writer.heading(_("By status today"), 2)
    writer.breakdown(context["incident_statuses"], _("Status"))
    writer.heading(_("Referrals by agency"), 2)
    if context["incident_referrals"]:
        writer.breakdown(context["incident_referrals"], _("Agency"))
    else:
        writer.paragraph(_("No referrals."), italic=True)
    parties = context.get("parties")
    if parties:
        writer.heading(_("People involved in the incidents"), 2)
        writer.paragraph(
            _(
                "The parties of the incidents reported in the period, where their sex, age group and vulnerable "
                "group were recorded. To protect the people involved, a count from 1 to 4 is shown as “<5” and a "
                "count that would give one away as “*”."
            ),
            italic=True,
        )
        writer.figures(parties["total"])
        writer.breakdowns(
            parties,
            [
                ("by_sex", _("By sex"), _("Sex")),
                ("by_age_group", _("By age group"), _("Age group")),
                ("by_vulnerable_group", _("By vulnerable group"), _("Vulnerable group")),
            ],
            level=3,
        )


def _assessments(writer: Writer, context: Context, document: ReportDocument) -> None:
    writer.heading(_("Safety assessments"), 1)
    writer.paragraph(
        _(
            "Communities assessed in the period: %(now)s (%(respondents)s respondents); in the previous period: "
            "%(before)s. Each community counts with its latest assessment in the period; the baseline is its "
            "first assessment."
        )
        % {
            "now": context["assessed"]["current"],
            "before": context["assessed"]["previous"],
            "respondents": context["respondents"]["current"],
        }
    )
    writer.chart(context["charts"].get("assessments"))
    writer.scores(context["dimension_rows"])
    for table in context["instrument_tables"]:
        writer.heading(table["title"], 2)
        rows = list(table["rows"]) + ([{**table["overall"], "total": True}] if table.get("overall") else [])
        writer.table(
            [
                column(_("Dimension"), "label", number=False),
                column(_("Group"), "group", number=False),
                Column(
                    _("Scale"),
                    lambda row: f"{row.get('scale', '')} {row.get('direction', '')}".strip(),
                ),
                column(_("Now"), "current"),
                column(_("Previous period"), "previous"),
                column(_("Change"), "change"),
                column(_("Baseline"), "baseline"),
                column(_("Since baseline"), "change_since_baseline"),
                Column(_("Better or worse"), verdict, number=False),
            ],
            rows,
        )


def _police(writer: Writer, context: Context, document: ReportDocument) -> None:
    writer.heading(_("Police–community interaction"), 1)
    writer.figures(context["police"])
    writer.heading(_("Trust and interaction scores"), 2)
    writer.scores(context["police_scores"])


def _planning(writer: Writer, context: Context, document: ReportDocument) -> None:
    writer.heading(_("Safety planning"), 1)
    writer.paragraph(
        _(
            "Risk and potential analyses of the communities, the strategies and plans drafted from them and "
            "adopted by the councils, their measures, the initiatives the communities run themselves and the "
            "regulations adopted."
        )
    )
    writer.figures(context["planning"])
    writer.breakdowns(
        context,
        [
            ("plan_statuses", _("Strategies and plans by status at the end of the period"), _("Status")),
            ("plan_kinds", _("Strategies and plans by kind"), _("Kind")),
            ("plans_adopted_by_kind", _("Adopted by kind"), _("Kind")),
        ],
        level=2,
    )


def _media(writer: Writer, context: Context, document: ReportDocument) -> None:
    writer.heading(_("Media"), 1)
    writer.figures(context["media"])
    writer.table(
        [
            column(_("Medium"), "label", number=False),
            column(_("Mentions"), "current"),
            column(_("Previous period"), "previous"),
            nested(_("Audience"), "reach", "current"),
            column(_("Mentions to date"), "to_date"),
            nested(_("Audience to date"), "reach", "to_date"),
        ],
        context["media_rows"],
    )


def _support(writer: Writer, context: Context, document: ReportDocument) -> None:
    writer.heading(_("Support to municipalities"), 1)
    writer.heading(_("Support engagements with municipalities"), 2)
    writer.figures(context["engagements"])
    writer.table(
        [
            column(_("Topic"), "label", number=False),
            column(_("Opened"), "current"),
            nested(_("Closed"), "closed", "current"),
            column(_("Opened to date"), "to_date"),
            nested(_("Closed to date"), "closed", "to_date"),
        ],
        context["engagement_topics"],
    )
    writer.heading(_("Activities and recommendations"), 2)
    writer.figures(context["support_work"])
    writer.table(
        [
            column(_("Service line or mode"), "label", number=False),
            column(_("Activities"), "current"),
            column(_("Previous period"), "previous"),
            nested(_("Hours"), "hours", "current"),
            column(_("Activities to date"), "to_date"),
            nested(_("Hours to date"), "hours", "to_date"),
        ],
        context["support_lines"],
    )
    for engagement in context["support_rows"]:
        writer.heading(engagement["title"], 3)
        writer.paragraph(f"{_('Topic')}: {engagement['topic']}", italic=True)
        writer.table(
            [
                column(_("Step"), "step", number=False),
                column(_("Service line"), "line", number=False),
                column(_("Date"), "date"),
                column(_("Hours"), "hours"),
                column(_("Mediators"), "mediators"),
            ],
            engagement["activities"],
        )
        writer.table(
            [
                column(_("Recommendation"), "text", number=False),
                column(_("Service line"), "line", number=False),
                column(_("Made on"), "made_on"),
                column(_("Status"), "status", number=False),
                column(_("Since"), "status_on"),
            ],
            engagement["recommendations"],
        )


def _casework(writer: Writer, context: Context, document: ReportDocument) -> None:
    writer.heading(_("Individual support"), 1)
    writer.paragraph(
        _(
            "Case work with people, in aggregates only. A count of one to four people is shown as <5; * marks a "
            "figure withheld so that a small one cannot be worked out from the others (a total, a rate or a median)."
        ),
        italic=True,
    )
    writer.heading(_("Cases"), 2)
    writer.figures(context["cases"])
    writer.heading(_("People supported"), 2)
    writer.figures(context["people"])
    if context["vulnerabilities"]:
        writer.heading(_("By vulnerability (a person may have several)"), 3)
        writer.breakdown(context["vulnerabilities"], _("Vulnerability"))
    writer.heading(_("Needs (latest assessment of each case)"), 2)
    writer.figures(context["needs"])
    writer.heading(_("Referrals to agencies"), 2)
    writer.figures(context["referrals"])
    writer.table(
        [
            column(_("Kind of agency"), "label", number=False),
            nested(_("Sent"), "sent", "current"),
            nested(_("Completed by the agency"), "completed", "current"),
            nested(_("Completion rate"), "rate", "current"),
            nested(_("Median days"), "median", "current"),
            nested(_("Sent to date"), "sent", "to_date"),
        ],
        context["referral_kinds"],
    )
    writer.heading(_("Plans, agreements and tasks"), 2)
    writer.figures(context["follow_up"])


def _community_pages(writer: Writer, context: Context, document: ReportDocument) -> None:
    pages = context["community_pages"]
    if not pages:
        return
    writer.heading(_("The communities one by one"), 1)
    writer.paragraph(
        _(
            "One page per community: its figures, its safety assessment, its negotiators' activity (without "
            "names) and its partnership."
        )
    )
    for page in pages:
        writer.heading(page["name"], 2)
        writer.paragraph(
            f"{page['region']} · {_('population')} {page['population']} · {page['partnership']}", italic=True
        )
        writer.figures(page["figures"])
        if page.get("participant_rows"):
            writer.paragraph(_("Participants by group"), bold=True)
            writer.breakdown(page["participant_rows"], _("Group (a person may be in several)"))
        writer.heading(_("Safety assessment"), 3)
        if page["assessed"]:
            writer.paragraph(
                _("Latest assessment: %(period)s, %(respondents)s respondents.")
                % {"period": page["assessed"], "respondents": page["respondents"]}
            )
        else:
            writer.paragraph(_("Not assessed in the period."), italic=True)
        writer.scores(page["scores"])
        latest = page.get("latest_assessment")
        if latest:
            writer.paragraph(
                _(
                    "Risks and resources of the latest assessment (%(period)s, %(respondents)s respondents, survey "
                    "method: %(method)s):"
                )
                % {"period": latest["assessed"], "respondents": latest["respondents"], "method": latest["method"]}
            )
            none = _("None recorded.")
            writer.paragraph(f"{_('Identified safety risks')}: {latest['identified_risks'] or none}")
            writer.paragraph(f"{_('Safety potential and resources')}: {latest['safety_resources'] or none}")
        writer.heading(_("Safety planning"), 3)
        planning = page["planning"]
        analysis = planning["analysis"]
        if analysis:
            writer.paragraph(
                _(
                    "Latest risk and potential analysis: %(date)s, conflict potential %(potential)s of 5, "
                    "%(risks)s risks."
                )
                % {
                    "date": analysis["analysed_on"],
                    "potential": analysis["conflict_potential"],
                    "risks": analysis["risks"],
                }
            )
            writer.paragraph(
                _("Risk matrix: number of risks by likelihood (rows) and impact (columns), 1 lowest to 5 highest"),
                style="Caption",
            )
            writer.table(
                [
                    column(_("Likelihood"), "likelihood"),
                    *(Column(str(impact), _matrix_cell(index)) for index, impact in enumerate(planning["impacts"])),
                ],
                analysis["matrix"],
            )
        else:
            writer.paragraph(_("No risk and potential analysis yet."), italic=True)
        if planning["plans"]:
            writer.bullets(_plan_line(plan) for plan in planning["plans"])
        else:
            writer.paragraph(_("No strategy or plan recorded."), italic=True)
        writer.heading(_("Negotiators' activity"), 3)
        if page["negotiators"]:
            writer.bullets(_negotiator_line(negotiator) for negotiator in page["negotiators"])
        else:
            writer.paragraph(_("No negotiators in this community."), italic=True)


def _matrix_cell(index: int) -> Callable[[Row], Any]:
    return lambda row: row["cells"][index] or ""


def _plan_line(plan: Row) -> str:
    line = f"{plan['title']} ({plan['kind']}): {plan['status']}"
    if plan["adopted_on"]:
        line += ", " + _("adopted on %(date)s, decision № %(number)s") % {
            "date": plan["adopted_on"],
            "number": plan["decision_number"],
        }
    if plan["measures"]:
        line += "; " + _("measures done: %(done)s of %(total)s") % {
            "done": plan["measures_done"],
            "total": plan["measures"],
        }
    return line


def _negotiator_line(negotiator: Row) -> str:
    line = _(
        "№ %(number)s, %(cohort)s, %(status)s: events %(events)s (%(events_to_date)s to date), incidents "
        "%(incidents)s (%(incidents_to_date)s to date)"
    ) % {
        key: negotiator[key]
        for key in ("number", "cohort", "status", "events", "events_to_date", "incidents", "incidents_to_date")
    }
    return line if negotiator["active"] else f"{line} ({_('inactive')})"


def _annex(writer: Writer, context: Context, document: ReportDocument) -> None:
    """The annex as two real tables (the PDF sets it as monospaced text with numbered columns),
    from the document's community rows with the PDF's formats and the PDF legend's words."""
    writer.heading(_("Annex: tables"), 1)
    if context.get("communities_in_annex_only"):
        writer.paragraph(
            _("With %(community_count)s communities, their figures are given in these tables rather than a page each.")
            % {"community_count": context["community_count"]},
            italic=True,
        )
    rows = annex_rows(document)
    writer.heading(_("Figures by community"), 2)
    legend = context["annex"]["figures_legend"]
    writer.table(
        [
            column(_("Community"), "name", number=False),
            column(_("Region"), "region", number=False),
            *(
                column(str(capfirst(label)), f"figure_{index}")
                for index, label in enumerate(legend[: len(ANNEX_FIGURES)])
            ),
        ],
        rows,
    )
    writer.heading(_("Safety assessment scores by community"), 2)
    writer.table(
        [
            column(_("Community"), "name", number=False),
            column(_("Region"), "region", number=False),
            *(
                column(str(label), f"score_{name}")
                for name, label in zip(
                    (*ASSESSMENT_DIMENSIONS, "overall"), context["annex"]["scores_legend"], strict=False
                )
            ),
        ],
        rows,
    )


ANNEX_FIGURES: tuple[Callable[[Mapping[str, Any], Mapping[str, Any] | None], Any], ...] = (
    lambda f, s: f["events"]["current"],
    lambda f, s: f["events"]["to_date"],
    lambda f, s: f["participants"]["current"],
    lambda f, s: f["participants"]["to_date"],
    lambda f, s: f["incidents"]["current"],
    lambda f, s: f["resolved"]["current"],
    lambda f, s: f["negotiators"]["current"],
)


def annex_rows(document: ReportDocument) -> list[Row]:
    """One row per community, in the annex's order (by region, then name): the figures of the
    PDF annex's columns (1) to (9) and the safety scores."""
    score, change = FORMATS["score"]
    rows = []
    for community in document["indicators"]["community_rows"]:
        figures = community["figures"]
        assessment = community["assessment"]
        scores = assessment["scores"] if assessment and assessment["assessed"] else None
        row: Row = {"name": community["name"], "region": community["region"]}
        for index, cell in enumerate(ANNEX_FIGURES):
            row[f"figure_{index}"] = fmt_number(cell(figures, scores))
        row[f"figure_{len(ANNEX_FIGURES)}"] = score(scores["overall"]["current"]) if scores else "–"
        row[f"figure_{len(ANNEX_FIGURES) + 1}"] = change(scores["overall"]["change"]) if scores else "–"
        for name in (*ASSESSMENT_DIMENSIONS, "overall"):
            row[f"score_{name}"] = score(scores[name]["current"]) if scores and name in scores else "–"
        rows.append(row)
    return rows


METHOD = (
    "“This period” counts what happened between the period's first and last day; “Previous period” the "
    "same for the period of the same length just before; “Change” is this period minus the previous one.",
    "“Programme to date” counts everything recorded from the earliest record up to the end of this "
    "period. Figures that describe a state (e.g. active negotiators at the end of the period) are the "
    "same in both columns.",
    "Whether a negotiator was active at the end of the period is read from the portal's change history as"
    " of that day, so a past period's report does not change when someone leaves later.",
    "Support to municipalities counts the activities of the engagements dated in the period and their "
    "hours; the share of recommendations implemented is taken at the period's end, over the "
    "recommendations made by then that had not been rejected by then.",
    "Individual support counts cases and people, never names: the people supported are those with a case "
    "open at some time in the period; needs come from each case's latest assessment; a referral's "
    "completion rate is the share completed of those that ended in the period; the plan goals are those "
    "of the cases closed in the period. Small counts are hidden as the chapter explains, in every report.",
    "The resolution rate is the share of the incidents closed in the period that were resolved (rather "
    "than closed unresolved or, before referrals were followed up, closed as referred); the median days "
    "to resolution is taken over the incidents resolved in the period, from the moment they happened to "
    "their closing.",
    "An incident counts as referred to an agency in the period when a referral of it was sent in the "
    "period (the incident stays open meanwhile) or, before referrals were followed up, when it was closed"
    " as referred in the period; an incident counts once however many referrals it had.",
    "Safety assessment scores run from 1 (worst) to 5 (best). Each community counts with its latest "
    "assessment in the period; the programme's score is the mean over the communities assessed.",
    "Negotiators appear without names. The same figures are available from the portal's API for the same "
    "period and communities.",
)


def _method(writer: Writer, context: Context, document: ReportDocument) -> None:
    writer.heading(_("How the figures are computed"), 1)
    writer.bullets(_(text) for text in METHOD)


@dataclass(frozen=True)
class Chapter:
    """A chapter of the DOCX: the function that writes it and the context keys it reads (those no
    chapter reads are written generically at the end, :func:`_other_content`)."""

    write: Callable[[Writer, Context, ReportDocument], None]
    keys: tuple[str, ...] = ()
    # The chapter's id in reports.chapters.shown_chapters: left out as the PDF leaves it out.
    shown_as: str | None = None

    def writes(self, context: Context) -> bool:
        return self.shown_as is None or bool(context.get("shown", {}).get(self.shown_as, True))


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(_cover),
    Chapter(_executive_summary, ("executive_summary",)),
    Chapter(_summary, ("summary", "overall", "no_activity_text")),
    Chapter(_by_programme, ("by_programme",)),
    Chapter(_observations, ("observations",)),
    Chapter(_written, ("narrative_sections", "stories")),
    Chapter(_results, ("results",)),
    Chapter(_risks, ("risks",)),
    Chapter(_communities, ("communities", "negotiators", "negotiators_by_sex", "negotiators_certified_by_sex")),
    Chapter(_map, ("map",), "map"),
    Chapter(_training, ("training", "modules"), "training"),
    Chapter(
        _events,
        (
            "events",
            "event_kinds",
            "participant_rows",
            "event_topics",
            "has_webinars",
            "webinars",
            "webinar_roles",
            "webinar_rows",
        ),
        "events",
    ),
    Chapter(
        _incidents,
        (
            "incidents",
            "incident_categories",
            "incident_severities",
            "incident_statuses",
            "incident_referrals",
            "parties",
        ),
        "incidents",
    ),
    Chapter(_assessments, ("dimension_rows", "assessed", "respondents", "instrument_tables"), "assessments"),
    Chapter(_police, ("police", "police_scores"), "police"),
    Chapter(_planning, ("planning", "plan_statuses", "plan_kinds", "plans_adopted_by_kind"), "planning"),
    Chapter(_media, ("media", "media_rows"), "media"),
    Chapter(_support, ("engagements", "engagement_topics", "support_work", "support_lines", "support_rows"), "support"),
    Chapter(
        _casework,
        ("cases", "people", "vulnerabilities", "needs", "referrals", "referral_kinds", "follow_up"),
        "casework",
    ),
    Chapter(_community_pages, ("community_pages",), "community-pages"),
    Chapter(_data_quality, ("data_quality",)),
    Chapter(_annex, ("annex", "communities_in_annex_only"), "annex"),
    Chapter(_method),
)


# --- whatever no chapter reads ----------------------------------------------------------------------


def _plain(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _any_value(writer: Writer, title: str, value: Any) -> None:
    """Write a context value no chapter knows: rows of figures or scores as their tables, any other
    rows as a table of their plain fields, a text as a paragraph; anything else is left out."""
    rows: Any = value.get("rows") if isinstance(value, Mapping) else value
    if isinstance(value, str):
        if value.strip():
            writer.heading(title, 2)
            writer.paragraph(value)
        return
    if not isinstance(rows, list | tuple) or not rows or not all(isinstance(row, Mapping) for row in rows):
        return
    writer.heading(str(value.get("title") or title) if isinstance(value, Mapping) else title, 2)
    if all("label" in row and "current" in row for row in rows):
        if all("baseline" in row for row in rows):
            writer.scores(rows)
        else:
            writer.figures(rows)
        return
    keys = [key for key, cell in rows[0].items() if _plain(cell)]
    writer.table([column(str(capfirst(key.replace("_", " "))), key, number=False) for key in keys], rows)


def _other_content(writer: Writer, context: Context, document: ReportDocument) -> None:
    claimed = NOT_CONTENT.union(*(chapter.keys for chapter in CHAPTERS))
    others = [key for key in context if key not in claimed]
    if not others:
        return
    writer.heading(_("More figures"), 1)
    for key in others:
        _any_value(writer, str(capfirst(key.replace("_", " "))), context[key])


# --- the package ------------------------------------------------------------------------------------


def _core_properties(writer: Writer, context: Context, generated_at: datetime) -> None:
    properties = writer.document.core_properties
    properties.title = f"{context['title']} · {context['period_title']}"
    properties.subject = str(context["scope_title"]).replace(FSI, "").replace(PDI, "")
    properties.author = _("Zlagoda")
    properties.last_modified_by = _("Zlagoda")
    properties.language = WORD_LANGUAGES.get(writer.language, writer.language)
    properties.created = generated_at
    properties.modified = generated_at
    properties.last_printed = generated_at
    properties.revision = 1
    properties.keywords = ""
    properties.comments = ""


def _stable_zip(content: bytes, when: datetime) -> bytes:
    """``content`` re-packed with every entry dated ``when`` (python-docx dates them now)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, 0)
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(entry.filename))
    return output.getvalue()


def render_report_docx(document: ReportDocument, *, community_pages_limit: int | None = None) -> bytes:
    """The report as DOCX bytes in its language, from the same context as the PDF. Raises on a data
    error (a missing key), as :func:`reports.pdf.render_report_pdf` does."""
    language = document["report"]["language"]
    # Word keeps the core properties' dates in UTC.
    generated_at = datetime.fromisoformat(document["report"]["generated_at"]).astimezone(UTC)
    with translation.override(language):
        context = build_context(document, community_pages_limit=community_pages_limit)
        writer = Writer(language)
        for chapter in CHAPTERS:
            if chapter.writes(context):
                chapter.write(writer, context, document)
        _other_content(writer, context, document)
        _core_properties(writer, context, generated_at)
    buffer = io.BytesIO()
    writer.document.save(buffer)
    return _stable_zip(buffer.getvalue(), generated_at)
