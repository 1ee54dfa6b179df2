"""The 2025 annual report of the demo programme: the indicators and the PDF (in Ukrainian and in
English) show the figures computed independently from the seeded rows."""

import pytest

from reports.indicators import Period, compute_indicators
from reports.models import MonitoringReport
from reports.pdf import render_report_pdf
from reports.selectors import scope_communities
from reports.services import report_document
from tests.reports.demo_figures import check_pdf_text, demo_figures
from tests.reports.helpers import pdf_text


@pytest.fixture
def figures(demo_programme, db):
    return demo_figures()


@pytest.fixture
def indicators(demo_programme, db):
    return compute_indicators(
        period=Period(2025), communities=scope_communities(scope="programme"), programme_wide=True
    )


def test_demo_programme_results_as_the_issue_expects(figures):
    assert figures["communities_active"] == 25
    assert figures["negotiators"] == 50
    assert figures["modules_to_date"] == 6
    # Seed 000's 202 events with 1,539 participants, and seed 002's two-part webinar of 2023
    # (121 and 94 attendees).
    assert figures["events_to_date"] == 204
    assert figures["participants_to_date"] == 1539 + 121 + 94
    assert figures["reach_to_date"] == 10_000_000


def test_indicators_agree_with_the_rows(indicators, figures):
    headline = {row["key"]: row for row in indicators["headline"]}
    assert headline["communities_active"]["current"] == figures["communities_active"]
    assert headline["negotiators"]["current"] == figures["negotiators"]
    assert headline["modules_delivered"]["to_date"] == figures["modules_to_date"]
    assert (headline["events"]["current"], headline["events"]["to_date"]) == (figures["events"], 204)
    assert (headline["participants"]["current"], headline["participants"]["to_date"]) == (
        figures["participants"],
        1539 + 121 + 94,
    )
    assert headline["participants"]["previous"] == figures["participants_2024"]
    assert headline["incidents_reported"]["to_date"] == figures["incidents_to_date"]
    assert headline["media_reach"]["to_date"] == figures["reach_to_date"]
    for category, figure in indicators["incidents"]["by_category"].items():
        assert figure["current"] == figures["categories"][2025][category], category
    trust = indicators["assessments"]["dimensions"]["trust_in_police"]
    assert (trust["current"], trust["previous"]) == (figures["trust"][2025], figures["trust"][2024])


def test_a_partner_scope_counts_only_its_communities(demo_programme, db):
    from communities.models import PartnerOrganisation

    partner = PartnerOrganisation.objects.get(short_name="ПЦГБ")
    data = compute_indicators(period=Period(2025), communities=scope_communities(scope="partner", partner=partner))
    assert data["scope"]["communities"] == 13
    assert data["communities"]["active"]["current"] == 13
    assert data["negotiators"]["registered_at_end"]["current"] == 26


@pytest.mark.parametrize("language", ["uk", "en"])
def test_the_pdf_shows_the_figures(figures, language):
    report = MonitoringReport(kind="annual", year=2025, scope="programme", language=language)
    report.pk = 1
    text = pdf_text(render_report_pdf(report_document(report)))
    assert check_pdf_text(text, figures, language) == []
