"""The DOCX version of a report: built from the PDF's own context, opened with python-docx, the same
bytes for the same document, stored and served beside the PDF to exactly those who get the PDF."""

import io
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from reports import docx as report_docx
from reports.docx import direction_runs, render_report_docx
from reports.models import DOCX_CONTENT_TYPE, MonitoringReport, ReportScope, ReportStatus
from reports.pdf import build_context
from reports.services import report_build, report_document, report_fail
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import CommunityFactory, PartnershipFactory, RegionFactory, SafetyAssessmentFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.reports.factories import DOCX, MonitoringReportFactory, done_report
from tests.reports.helpers import docx_text

pytestmark = pytest.mark.django_db

RTL_NAME = "שלום 7"  # Hebrew, with a digit of its own
NOTE = "Для донора — pro dárce"


@pytest.fixture
def document(db):
    region = RegionFactory(name="Ústecký kraj")
    community = CommunityFactory(name=RTL_NAME, region=region)
    PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
    OutreachEventFactory(community=community, date=date(2025, 3, 14), participants_total=1234, participants_women=700,
                         participants_men=534)  # fmt: skip
    OutreachEventFactory(community=community, date=date(2024, 5, 2), participants_total=40)
    SafetyAssessmentFactory(community=community, year=2025, half=1)

    def build(language="en"):
        report = MonitoringReport(kind="annual", year=2025, scope=ReportScope.PROGRAMME, language=language, note=NOTE)
        report.pk = 1
        return report_document(report)

    return build


def opened(content: bytes):
    return Document(io.BytesIO(content))


def headings(content: bytes, level: int) -> list[str]:
    return [p.text for p in opened(content).paragraphs if p.style.name == f"Heading {level}"]


def table_after(content: bytes, header: str):
    """The first table whose first cell is ``header``."""
    return next(table for table in opened(content).tables if table.rows[0].cells[0].text == header)


def test_the_docx_opens_with_its_chapters_as_word_headings_in_order(document):
    content = render_report_docx(document("en"))
    # The chapters of the PDF, in its order: those with nothing ever recorded (no School, no
    # incidents in this small world) are left out of both (reports.chapters).
    assert headings(content, 1) == [
        "Summary",
        "Key observations",
        "Communities and negotiators",
        "Map of the communities",
        "Outreach events",
        "Safety assessments",
        "Police–community interaction",
        "The communities one by one",
        "Data quality",
        "Annex: tables",
        "How the figures are computed",
    ]
    assert RTL_NAME in headings(content, 2)  # the community's own page
    text = docx_text(content)
    assert "Monitoring report" in text
    assert "Annual report 2025" in text
    assert NOTE in text


def test_the_headline_table_has_the_pdfs_figures(document):
    data = document("en")
    with translation.override("en"):
        summary = build_context(data)["summary"]
    table = table_after(render_report_docx(data), "Indicator")
    assert [cell.text for cell in table.rows[0].cells] == [
        "Indicator",
        "This period",
        "Previous period",
        "Change",
        "Programme to date",
        "Better or worse",
    ]
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    expected = [
        [row["label"], row["current"], row["previous"], row["change"], row["to_date"], report_docx.verdict(row)]
        for row in summary
    ]
    assert rows == expected
    participants = data["indicators"]["events"]["participants"]
    assert next(row[:5] for row in rows if row[0] == "Residents reached by outreach events") == [
        "Residents reached by outreach events",
        "1,234",
        "40",
        "+1,194",
        "1,274",
    ]
    assert (participants["current"], participants["previous"]) == (1234, 40)


def test_header_rows_repeat_and_numbers_are_right_aligned(document):
    table = table_after(render_report_docx(document("en")), "Indicator")
    header = table.rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    first = table.rows[1].cells
    assert first[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert first[0].paragraphs[0].alignment != WD_ALIGN_PARAGRAPH.RIGHT


def test_the_same_document_gives_the_same_bytes(document, monkeypatch):
    data = document("en")
    first = render_report_docx(data)
    # A later clock changes nothing: every date comes from the document.
    monkeypatch.setattr("time.time", lambda: 4_000_000_000.0)
    assert render_report_docx(data) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        stamps = {entry.date_time for entry in archive.infolist()}
    properties = opened(first).core_properties
    assert properties.created == properties.modified
    assert len(stamps) == 1
    assert stamps.pop()[:3] == properties.created.timetuple()[:3]


@pytest.mark.parametrize(
    ("language", "word_language", "title", "heading"),
    [
        ("uk", "uk-UA", "Аналітична довідка", "Оцінки безпеки"),
        ("en", "en-GB", "Monitoring report", "Safety assessments"),
    ],
)
def test_the_docx_is_in_the_reports_language(document, language, word_language, title, heading):
    content = render_report_docx(document(language))
    assert title in docx_text(content)
    assert heading in headings(content, 1)
    styles = opened(content).styles
    for name in ("Normal", "Heading 1"):
        lang = styles[name].element.rPr.find(qn("w:lang"))
        assert lang.get(qn("w:val")) == word_language
    assert opened(content).core_properties.language == word_language


def test_a_right_to_left_name_keeps_its_rows_numbers_in_their_columns(document):
    content = render_report_docx(document("en"))
    table = table_after(content, "Community")  # the summary's chart as a table
    assert [cell.text for cell in table.rows[1].cells] == [RTL_NAME, "1", "1,234"]
    annex = next(t for t in opened(content).tables if t.rows[0].cells[1].text == "Region")
    row = [cell.text for cell in annex.rows[1].cells]
    assert row[:6] == [RTL_NAME, "Ústecký kraj", "1", "2", "1,234", "1,274"]
    # The Hebrew is a right-to-left run of its own; its digit stays with it, nothing else does.
    runs = annex.rows[1].cells[0].paragraphs[0].runs
    assert [(run.text, run._r.rPr is not None and run._r.rPr.find(qn("w:rtl")) is not None) for run in runs] == [
        ("שלום", True),
        (" 7", False),
    ]


def test_direction_runs_cut_only_around_right_to_left_letters():
    assert direction_runs("Kyiv 12") == [("Kyiv 12", False)]
    assert direction_runs("\u2068مدينة النور\u2069: 5 events") == [("مدينة النور", True), (": 5 events", False)]
    assert direction_runs("a שלום b") == [("a ", False), ("שלום", True), (" b", False)]


def test_a_chart_is_given_as_its_text_alternative_and_its_data(document):
    content = render_report_docx(document("en"))
    captions = [p.text for p in opened(content).paragraphs if p.style.name == "Caption"]
    assert any(text.startswith("Events and participants by community:") and RTL_NAME in text for text in captions)
    assert any(text.startswith("Participants by group:") for text in captions)


def test_a_chapter_the_docx_does_not_know_still_appears(document, monkeypatch):
    """A chapter added to the PDF's context later is written generically until it gets a function."""
    original = build_context

    def with_new_chapter(data, **kwargs):
        context = original(data, **kwargs)
        context["risk_register"] = [
            {"label": "Tension before the elections", "current": "3", "previous": "1", "change": "+2", "to_date": "4"}
        ]
        context["survey_notes"] = {"rows": [{"community": RTL_NAME, "respondents": 60, "below_threshold": False}]}
        return context

    monkeypatch.setattr(report_docx, "build_context", with_new_chapter)
    content = render_report_docx(document("en"))
    assert headings(content, 1)[-1] == "More figures"
    assert headings(content, 2)[-2:] == ["Risk register", "Survey notes"]
    text = docx_text(content)
    assert "Tension before the elections | 3 | 1 | +2 | 4 |" in text
    assert f"{RTL_NAME} | 60" in text


# --- stored and served --------------------------------------------------------------------------------


@pytest.fixture
def reports(media_root, partner):
    from tests.communities.factories import PartnerOrganisationFactory

    return {
        "programme": done_report(),
        "own": done_report(scope=ReportScope.PARTNER, partner=partner),
        "other": done_report(scope=ReportScope.PARTNER, partner=PartnerOrganisationFactory()),
        "old": done_report(docx=False),
    }


def test_the_docx_download_is_an_attachment_named_like_the_pdf(client, manager_user, reports):
    verified_login(client, manager_user)
    response = client.get(reverse("reports:download_docx", args=[reports["programme"].pk]))
    assert response.content == DOCX
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="zlagoda-report-2025-programme-uk.docx"'
    assert "no-store" in response["Cache-Control"]
    assert reverse("reports:download_docx", args=[reports["programme"].pk]).endswith("/download.docx")


@pytest.mark.parametrize(
    ("who", "report", "status"),
    [
        ("manager_user", "programme", 200),
        ("manager_user", "old", 404),  # built before DOCX versions: none to offer
        ("partner_user", "own", 200),
        ("partner_user", "other", 404),
        ("partner_user", "programme", 404),
        ("negotiator_user", "programme", 404),
    ],
)
def test_the_docx_goes_to_whoever_gets_the_pdf(client, request, reports, who, report, status):
    verified_login(client, request.getfixturevalue(who))
    pdf = client.get(reverse("reports:download", args=[reports[report].pk])).status_code
    docx = client.get(reverse("reports:download_docx", args=[reports[report].pk])).status_code
    assert docx == status
    if report != "old":
        assert docx == pdf


def test_the_list_links_the_docx_only_where_there_is_one(client, manager_user, reports):
    verified_login(client, manager_user)
    page = client.get(reverse("reports:list")).content.decode()
    assert reverse("reports:download_docx", args=[reports["programme"].pk]) in page
    assert reverse("reports:download_docx", args=[reports["old"].pk]) not in page
    assert reverse("reports:download", args=[reports["old"].pk]) in page


def test_the_api_links_and_serves_the_docx(api_settings, api_as, partner, reports):
    client = key_client(issue_key(partner))
    rows = {row["id"]: row for row in client.get("/api/v1/reports/").json()["results"]}
    own = rows[reports["own"].pk]
    assert own["docx"].endswith(f"/api/v1/reports/{reports['own'].pk}/docx/")
    assert own["docx_checksum"] == reports["own"].docx_checksum
    response = client.get(own["docx"])
    assert (response.status_code, response["Content-Type"], response.content) == (200, DOCX_CONTENT_TYPE, DOCX)
    assert client.get(f"/api/v1/reports/{reports['other'].pk}/docx/").status_code == 404
    staff = api_as("staff")
    old = staff.get(f"/api/v1/reports/{reports['old'].pk}/").json()
    assert old["pdf"] is not None
    assert old["docx"] is None
    assert staff.get(f"/api/v1/reports/{reports['old'].pk}/docx/").status_code == 404


def test_the_build_stores_the_docx_beside_the_pdf_and_verify_checks_it(document, media_root, capsys):
    """End to end: one build writes both files with their checksums; verify_reports checks both;
    a failure removes both."""
    document("en")  # the records
    report = MonitoringReportFactory(language="en")
    built = report_build(report_id=report.pk)
    assert built.status == ReportStatus.DONE
    content = built.docx_file.open("rb").read()
    built.docx_file.close()
    assert (built.docx_size, built.docx_checksum) == (len(content), report_docx_checksum(content))
    assert built.docx_file.name.endswith(".docx")
    assert built.file.name.endswith(".pdf")
    assert "Safety assessments" in headings(content, 1)
    call_command("verify_reports")
    assert "missing or damaged: 0" in capsys.readouterr().out
    with built.docx_file.open("wb") as handle:
        handle.write(content[:100])
    with pytest.raises(Exception, match="missing or damaged"):
        call_command("verify_reports")
    report_fail(report_id=built.pk, message="broken")
    built.refresh_from_db()
    assert (built.docx_file.name, built.docx_size, built.docx_checksum) == ("", None, "")


def report_docx_checksum(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()


def test_the_demo_programmes_reports_write_every_chapter(demo_programme, db):
    """The demo's 2025 reports, whole portal and one programme: every chapter with real data (the
    engagements' steps, other instruments, community pages, results against targets), and the
    headline table equal to the indicators as the PDF prints them."""
    from programmes.models import Programme

    programme = Programme.objects.order_by("pk").first()
    for fields in ({}, {"programme": programme}):
        report = MonitoringReport(kind="annual", year=2025, scope=ReportScope.PROGRAMME, language="uk", **fields)
        report.pk = 10**6  # not a stored report: no stories of the demo's own reports
        data = report_document(report)
        content = render_report_docx(data)
        chapters = headings(content, 1)
        assert chapters[0] == "Резюме"
        assert "More figures" not in chapters
        assert "Інші показники" not in chapters
        assert chapters[1] == "Ключові спостереження"
        if data.get("results") and (data["results"]["rows"] or data["results"]["programmes"]):
            assert chapters[2] == "Результати порівняно з цілями"
        # The programme's risk register (the whole portal's: each programme's).
        assert "Ризики та їх пом'якшення" in chapters
        with translation.override("uk"):
            summary = build_context(data)["summary"]
        table = next(t for t in opened(content).tables if t.rows[0].cells[0].text == "Показник")
        assert [[cell.text for cell in row.cells][:5] for row in table.rows[1:]] == [
            [row["label"], row["current"], row["previous"], row["change"], row["to_date"]] for row in summary
        ]
