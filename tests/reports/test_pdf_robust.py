"""A report that survives hostile input and reads right: right-to-left names, a note of the full
2,000 characters, emoji, a long unbreakable word; tagged for screen readers; changes coloured by
whether they are good news; rates rounded once, from their exact parts.

One small world and one PDF for the whole module (a build takes seconds)."""

import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import translation
from pypdf import PdfReader
from pypdf.generic import BooleanObject

from incidents.models import IncidentStatus
from reports.charts import bar_chart, visual_order
from reports.models import NOTE_MAX_LENGTH, MonitoringReport, PdfVariant, ReportScope
from reports.pdf import (
    MISSING_GLYPH,
    exact_rate,
    figure_row,
    render_report_html,
    render_report_pdf,
    replace_missing_glyphs,
)
from reports.services import report_document
from tests.communities.factories import CommunityFactory, PartnershipFactory, RegionFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.reports.helpers import pdf_text, values_after

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")
HEBREW = "קהילת שלום"
ARABIC = "مدينة السلام"
EMOJI = "Громада 😀👍"
UNBREAKABLE_NAME = "Ж" * 110
LONG_WORD = "abcdefghij" * 20  # 200 characters without a break
NOTE_START = f"{HEBREW} 2025 — {EMOJI} 中 {LONG_WORD} "
NOTE = (NOTE_START + "слово " * NOTE_MAX_LENGTH)[:NOTE_MAX_LENGTH]
# Events and participants by community, each distinct, to find each annex row's numbers.
EVENTS = {HEBREW: (3, 111), ARABIC: (5, 222), EMOJI: (7, 333), UNBREAKABLE_NAME: (2, 44)}


def at(year, month, day):
    return datetime(year, month, day, 12, tzinfo=KYIV)


def _world():
    region = RegionFactory(name="Південь")
    communities = {}
    for name, (events, participants) in EVENTS.items():
        community = CommunityFactory(name=name, region=region)
        PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
        for number in range(events):
            total = participants // events + (participants % events if number == 0 else 0)
            OutreachEventFactory(
                community=community,
                date=date(2025, 3, 1) + timedelta(days=number),
                participants_total=total,
                participants_women=total,
                participants_men=0,
            )
        communities[name] = community
    hebrew = communities[HEBREW]
    # 2025: 49 incidents closed, 33 resolved (67.35 %: 67.3 % once rounded), resolved in 2 days.
    for number in range(49):
        status = IncidentStatus.RESOLVED if number < 33 else IncidentStatus.CLOSED_UNRESOLVED
        IncidentFactory(community=hebrew, occurred_at=at(2025, 4, 1), status=status, closed_at=at(2025, 4, 3))
    # 2024: 10 closed, 5 resolved in 10 days; 2 still open at the end of 2024, 6 at the end of 2025.
    for number in range(10):
        status = IncidentStatus.RESOLVED if number < 5 else IncidentStatus.CLOSED_UNRESOLVED
        IncidentFactory(community=hebrew, occurred_at=at(2024, 4, 1), status=status, closed_at=at(2024, 4, 11))
    for _number in range(2):
        IncidentFactory(community=hebrew, occurred_at=at(2024, 11, 1))
    for _number in range(4):
        IncidentFactory(community=hebrew, occurred_at=at(2025, 11, 1))


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The world, its report document and its PDF in English, all made once; the data is rolled
    back at once (the document and the PDF are plain data)."""
    with django_db_blocker.unblock(), transaction.atomic():
        _world()
        report = MonitoringReport(kind="annual", year=2025, scope=ReportScope.PROGRAMME, language="en", note=NOTE)
        report.pk = 1
        document = report_document(report)
        transaction.set_rollback(True)
    html = render_report_html(document, community_pages_limit=10)
    pdf = render_report_pdf(document, community_pages_limit=10)
    return {"document": document, "html": html, "pdf": pdf, "text": pdf_text(pdf)}


def lines_of(pdf: bytes) -> list[str]:
    return [line.strip() for page in PdfReader(BytesIO(pdf)).pages for line in (page.extract_text() or "").splitlines()]


# --- hostile input --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [HEBREW, ARABIC, EMOJI])
def test_each_annex_row_keeps_its_numbers_after_its_name_in_order(built, name):
    """Without isolation, the bidirectional algorithm would show a right-to-left name's row as
    "… 111 3 3 קהילת שלום": its numbers before it, in reverse order."""
    events, participants = EVENTS[name]
    # (1) events, (2) to date, (3) participants, (4) to date: after the name, in this order.
    expected = [str(events), str(events), str(participants), str(participants)]
    rows = [line for line in lines_of(built["pdf"]) if line.startswith(name)]
    assert any(line[len(name) :].split()[:4] == expected for line in rows), rows


def test_the_whole_note_is_printed_with_its_long_word_broken_onto_lines(built):
    lines = lines_of(built["pdf"])
    assert not any(LONG_WORD in line for line in lines)
    pieces = [line for line in lines if re.fullmatch(r"[a-j]{10,}", line)]
    assert len(pieces) >= 2
    assert max(len(piece) for piece in pieces) < 120
    text = built["text"]
    assert re.sub(r"\s", "", LONG_WORD) in re.sub(r"\s", "", text)
    assert NOTE[-40:].strip() in text


def test_a_long_unbreakable_name_is_wrapped_in_the_annex_never_cut(built):
    # The first 32 characters with the row's figures, the rest on the lines below.
    flat = re.sub(r"\s", "", built["text"])
    assert "Ж" * 32 + "224444000––" + "Ж" * 78 in flat


def test_emoji_are_drawn_with_the_shipped_fallback_font(built):
    assert "😀👍" in built["text"]
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in PdfReader(BytesIO(built["pdf"])).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert "Zlagoda-Emoji" in fonts


def test_a_character_no_shipped_font_has_is_replaced_visibly(built):
    assert "中" not in built["text"]
    assert f"{EMOJI} {MISSING_GLYPH}" in built["text"]
    assert replace_missing_glyphs("a\u2068ž\u2069 ❤️ 中 😀\n") == f"a\u2068ž\u2069 ❤️ {MISSING_GLYPH} 😀\n"


# --- accessible: tagged, with text alternatives, in reading order --------------------------------


def _struct_elements(node, found):
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _struct_elements(child, found)
    elif hasattr(node, "get") and node.get("/S"):
        found.append(node)
        if "/K" in node:
            _struct_elements(node["/K"], found)


def test_the_pdf_is_tagged_in_its_language_with_a_text_alternative_for_every_chart(built):
    reader = PdfReader(BytesIO(built["pdf"]))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert str(catalog["/Lang"]) == "en"
    elements = []
    _struct_elements(catalog["/StructTreeRoot"]["/K"], elements)
    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert figures
    alternatives = [str(figure.get("/Alt", "")) for figure in figures]
    assert all(alternatives), alternatives
    assert any("Events and participants by community" in alt and HEBREW in alt for alt in alternatives)


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) is not installed")
def test_pdfinfo_says_tagged(built, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(built["pdf"])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)


def test_the_cover_reads_title_first_not_the_running_header(built):
    cover = PdfReader(BytesIO(built["pdf"])).pages[0].extract_text().split()
    assert cover[:3] == ["Zlagoda", "Monitoring", "report"]
    assert cover.index("Period") < cover.index("Compared")


def test_incident_status_bars_are_labelled_not_only_coloured(built):
    chapter = built["html"][built["html"].index('id="incidents"') :]
    chart = chapter[chapter.index("<svg") : chapter.index("</svg>")]
    assert "<pattern" in chart
    assert 'fill="url(#' in chart


# --- colours that mean what they say, and rates rounded once --------------------------------------


def _row_html(html: str, label: str) -> str:
    row = html[html.index(f'<td class="label">{label}</td>') :]
    return row[: row.index("</tr>")]


def test_a_change_is_coloured_and_worded_by_whether_it_is_good_news(built):
    summary = built["html"][built["html"].index('id="summary"') :]
    faster = _row_html(summary, "Median days to resolution")  # 10 -> 2 days: down, and better
    assert "change improved" in faster
    assert "better" in faster
    incidents = built["html"][built["html"].index('id="incidents"') :]
    more_open = _row_html(incidents, "Open at the end of the period")  # 2 -> 6: up, and worse
    assert "change worsened" in more_open
    assert "worse" in more_open
    reported = _row_html(summary, "Incidents reported")  # more reported: neither
    assert "change neutral" in reported
    assert "better" not in reported
    assert "worse" not in reported
    text = built["text"]
    assert values_after(text, "Median days to resolution", ["2.0", "10.0", "−8.0", "2.0", "▼ better"])
    assert values_after(text, "Open at the end of the period", ["6", "2", "+4", "6", "▲ worse"])


def test_the_resolution_rate_is_rounded_once_from_its_exact_parts(built):
    rate = built["document"]["indicators"]["incidents"]["resolution_rate"]
    assert rate["current"] == 0.6735  # the API's ratio, rounded to four places
    assert rate["numerator"] == {"current": 33, "previous": 5, "to_date": 38}
    assert rate["denominator"] == {"current": 49, "previous": 10, "to_date": 59}
    assert values_after(built["text"], "Resolution rate of closed incidents", ["67.3%", "50.0%", "+17.3 pp", "64.4%"])


def test_the_headline_says_which_way_is_better(built):
    headline = {row["key"]: row for row in built["document"]["indicators"]["headline"]}
    assert headline["median_days_to_resolution"]["better"] == "lower"
    assert headline["resolution_rate"]["better"] == "higher"
    assert headline["incidents_reported"]["better"] is None
    assert headline["resolution_rate"]["denominator"]["current"] == 49


def test_33_of_49_prints_67_3_not_67_4():
    figure = {
        "current": 0.6735,
        "previous": 0.5,
        "change": 0.1735,
        "to_date": 0.6735,
        "numerator": {"current": 33, "previous": 1, "to_date": 34},
        "denominator": {"current": 49, "previous": 2, "to_date": 51},
    }
    with translation.override("en"):
        row = figure_row("Resolution rate", figure, "rate", path="incidents.resolution_rate")
    assert (row["current"], row["change"], row["trend"], row["verdict"]) == ("67.3%", "+17.3 pp", "improved", "better")
    assert exact_rate(figure)["to_date"] * 51 == 34


# --- archivable ------------------------------------------------------------------------------------


def test_the_archival_variant_is_pdf_a_tagged_and_the_same_bytes_twice(built):
    small = {**built["document"], "indicators": {**built["document"]["indicators"]}}
    first = render_report_pdf(small, community_pages_limit=0, variant=PdfVariant.ARCHIVAL)
    again = render_report_pdf(small, community_pages_limit=0, variant=PdfVariant.ARCHIVAL)
    assert first == again
    reader = PdfReader(BytesIO(first))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in metadata or b"<pdfaid:part>3</pdfaid:part>" in metadata
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_chart_labels_are_stored_in_the_order_they_are_drawn():
    """WeasyPrint draws SVG text letter by letter without the bidirectional algorithm: the charts
    store a right-to-left name reversed, so that it reads right."""
    assert visual_order(f"{HEBREW} 12") == "םולש תליהק 12"
    assert visual_order("Obrnice 2") == "Obrnice 2"
    svg = bar_chart([(HEBREW, 3)], title="t")
    assert "םולש תליהק" in svg
    assert f"t: {HEBREW} 3" in svg  # the text alternative keeps the name as typed
