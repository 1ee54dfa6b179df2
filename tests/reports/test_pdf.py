"""The pure renderer: a document in, a PDF out, in the report's language, with its own fonts and
everything users typed printed as text."""

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from communities.models import Direction, SafetyAssessment
from reports import charts
from reports.models import MonitoringReport, ReportScope
from reports.pdf import render_report_html, render_report_pdf
from reports.services import report_document
from tests.communities.factories import (
    AssessmentDimensionFactory,
    AssessmentInstrumentFactory,
    CommunityFactory,
    PartnershipFactory,
    RegionFactory,
    SafetyAssessmentFactory,
)
from tests.negotiators.factories import OutreachEventFactory
from tests.reports.helpers import grouped, pdf_text

ROOT = Path(__file__).resolve().parents[2]
NOTE = "<b>Для донора</b> & <script>alert('x')</script> — příliš žluťoučký kůň"


@pytest.fixture
def document(db):
    region = RegionFactory(name="Ústecký kraj")
    community = CommunityFactory(name="Obrnice <i>obec</i>", region=region)
    PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
    OutreachEventFactory(community=community, date=date(2025, 3, 14), participants_total=1234, participants_women=700,
                         participants_men=534, title="<img src=x onerror=alert(1)>")  # fmt: skip
    SafetyAssessmentFactory(community=community, year=2025, half=1)

    def build(language="uk", **fields):
        report = MonitoringReport(kind="annual", year=2025, scope=ReportScope.PROGRAMME, language=language, note=NOTE)
        for name, value in fields.items():
            setattr(report, name, value)
        report.pk = 1
        return report_document(report)

    return build


def test_the_pdf_is_in_the_reports_language(document):
    uk = pdf_text(render_report_pdf(document("uk")))
    en = pdf_text(render_report_pdf(document("en")))
    assert "Аналітична довідка" in uk
    assert "Річна довідка за 2025 рік" in uk
    assert "Monitoring report" in en
    assert "Annual report 2025" in en
    assert grouped(1234, "uk") in uk
    assert grouped(1234, "en") in en


def test_what_users_typed_prints_as_text(document):
    html = render_report_html(document("en"))
    assert "<script>" not in html
    assert "<b>Для донора</b>" not in html
    assert "&lt;b&gt;Для донора&lt;/b&gt;" in html
    assert "<i>obec</i>" not in html
    text = pdf_text(render_report_pdf(document("en")))
    assert "<b>Для донора</b> & <script>alert('x')</script>" in text
    assert "Obrnice <i>obec</i>" in text


def test_charts_escape_their_labels():
    svg = charts.bar_chart([("<script>", 3)], title="A & B")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "A &amp; B" in svg


def test_pdf_has_page_numbers_running_header_and_contents(document):
    content = render_report_pdf(document("en"))
    reader = PdfReader(BytesIO(content))
    pages = len(reader.pages)
    last = reader.pages[-1].extract_text()
    assert f"Page {pages} of {pages}" in last
    assert "Monitoring report · Annual report 2025" in reader.pages[2].extract_text()
    contents = reader.pages[1].extract_text()
    assert "Contents" in contents
    assert "Annex: tables" in contents
    assert [item.title for item in reader.outline if not isinstance(item, list)][:3] == [
        "Contents",
        "Summary",
        "Key observations",
    ]


def test_pdf_draws_the_charts_as_vectors(document):
    html = render_report_html(document("en"))
    assert html.count("<svg") >= 3
    assert "Events and participants by community" in html


def test_every_community_gets_a_page_until_the_limit(document):
    with_pages = render_report_html(document("en"), community_pages_limit=10)
    in_annex = render_report_html(document("en"), community_pages_limit=0)
    assert 'id="community-' in with_pages
    assert 'id="community-' not in in_annex
    assert '<pre class="annex">' in in_annex
    assert "Obrnice &lt;i&gt;obec&lt;/i&gt;" in in_annex
    text = pdf_text(render_report_pdf(document("en"), community_pages_limit=0))
    assert "— Ústecký kraj —" in text


def test_fonts_are_shipped_not_taken_from_the_system(document, tmp_path):
    """Render in a process whose fontconfig knows no fonts at all: the text must still come out,
    in the DejaVu fonts shipped in static/ (the @font-face family "Zlagoda Sans")."""
    data = tmp_path / "document.json"
    data.write_text(json.dumps(document("uk")))
    output = tmp_path / "report.pdf"
    (tmp_path / "fonts.conf").write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    script = (
        "import json, sys, django; django.setup(); from reports.pdf import render_report_pdf; "
        "open(sys.argv[2], 'wb').write(render_report_pdf(json.load(open(sys.argv[1]))))"
    )
    env = os.environ | {"FONTCONFIG_FILE": str(tmp_path / "fonts.conf"), "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run([sys.executable, "-c", script, str(data), str(output)], cwd=ROOT, env=env, check=True, timeout=300)
    content = output.read_bytes()
    fonts = set()
    for page in PdfReader(BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts
    # WeasyPrint names the embedded fonts after their @font-face family: no system font was used.
    assert all(name.startswith(("Zlagoda-Sans", "Zlagoda-Mono")) for name in fonts), fonts
    text = pdf_text(content)
    assert "Аналітична довідка" in text
    assert "příliš žluťoučký kůň" in text


@pytest.mark.parametrize(
    ("language", "rate", "score", "change", "expected"),
    [
        ("en", 0.6667, 3.185, -0.015, ("66.7%", "3.19", "−0.02")),
        ("uk", 0.6667, 3.185, -0.015, ("66,7 %", "3,19", "−0,02")),
    ],
)
def test_figures_are_rounded_as_the_api_gives_them_not_cut(language, rate, score, change, expected):
    from django.utils import translation

    from reports.pdf import fmt_number, fmt_percent, fmt_signed

    with translation.override(language):
        assert (fmt_percent(rate), fmt_number(score, 2), fmt_signed(change, 2)) == expected


def test_group_names_keep_their_capitals(document):
    html = render_report_html(document("en"))
    assert "IDPs" in html
    assert "Idps" not in html


def test_the_assessment_chapter_has_a_table_per_other_instrument(document):
    obrnice = SafetyAssessment.objects.get().community
    instrument = AssessmentInstrumentFactory(code="RP-BROAD", name="Broad safety")
    AssessmentDimensionFactory(instrument=instrument, code="cctv", name_en="CCTV coverage", position=0)
    AssessmentDimensionFactory(
        instrument=instrument, code="fire", name_en="Fire risks", direction=Direction.LOWER_IS_BETTER, position=1
    )
    for year, fire in ((2024, "4.00"), (2025, "3.00")):
        SafetyAssessmentFactory(
            community=obrnice,
            year=year,
            half=2,
            assessed_on=date(year, 12, 10),
            instrument=instrument,
            scores={"cctv": Decimal("2.50"), "fire": Decimal(fire)},
        )
    html = render_report_html(document("en"))
    chapter = html[html.index('id="assessments"') : html.index('id="police"')]
    assert "Broad safety (RP-BROAD, v1)" in chapter
    assert "CCTV coverage" in chapter
    # Fire risks fell by one: a change for the better, coloured as one.
    fire_row = chapter[chapter.index("Fire risks") :]
    fire_row = fire_row[: fire_row.index("</tr>")]
    assert "change improved" in fire_row
    assert "Lower is better" in fire_row
