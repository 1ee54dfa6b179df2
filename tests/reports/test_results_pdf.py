"""The PDF's "Results against targets" chapter, right after the summary: a line per programme in
a whole-portal report, the programme's indicators in a programme-scoped one."""

from datetime import date

import pytest

from reports.indicators import Period
from reports.models import MonitoringReport, ReportScope
from reports.pdf import render_report_html, render_report_pdf
from reports.results import programme_results_chapter
from reports.services import report_document
from tests.communities.factories import UserFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.programmes.factories import logframe_in, programme_in
from tests.reports.helpers import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(community, staff_user):
    programme = programme_in(community, code="RES-1", starts_on=date(2024, 1, 1), ends_on=date(2025, 12, 31))
    logframe_in(programme, entered_by=staff_user, approved_by=UserFactory(username="approver"))
    for month in range(1, 10):
        OutreachEventFactory(community=community, date=date(2025, month, 2))
    return programme


def whole_portal(language: str = "en", scope: str = ReportScope.PROGRAMME):
    report = MonitoringReport(kind="annual", year=2025, scope=scope, language=language)
    report.pk = 1
    return report_document(report)


def test_a_whole_portal_report_has_a_line_per_programme_after_the_summary(programme):
    document = whole_portal()
    assert document["results"]["programmes"] == [
        {"code": "RES-1", "name": programme.name, "on_track": 1, "at_risk": 0, "off_track": 1, "none": 0}
    ]
    html = render_report_html(document)
    assert html.index('id="summary"') < html.index('id="results"') < html.index('id="communities"')
    text = pdf_text(render_report_pdf(document))
    assert "Results against targets" in text
    assert "RES-1" in text


def test_without_a_results_framework_the_chapter_is_left_out(community):
    html = render_report_html(whole_portal())
    assert 'id="results"' not in html


def test_the_programme_chapter_shows_each_indicator_against_its_target(programme):
    document = whole_portal("uk")
    document["results"] = programme_results_chapter(programme, Period(2025))
    html = render_report_html(document)
    section = html[html.index('id="results"') : html.index('id="communities"')]
    assert "RES-1" in section
    assert "Outreach events" in section
    assert "Handbooks printed" in section
    assert "90,0 %" in section  # 9 events of 10
    assert "status-on_track" in section
    assert "16.7" in section
