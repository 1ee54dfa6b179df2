"""The report's data-quality page (issue 17): respondents per community in the period's
assessments, the small samples below ``REPORT_MIN_RESPONDENTS``, the survey methods and what was
not recorded, in the indicators document and in the PDF (before the annex)."""

from datetime import date

import pytest

from communities.models import Community, SurveyMethod
from reports.indicators import Period, compute_indicators
from reports.models import MonitoringReport, ReportScope
from reports.selectors import scope_communities
from tests.communities.factories import (
    CommunityFactory,
    PartnershipFactory,
    RegionFactory,
    SafetyAssessmentFactory,
)
from tests.negotiators.factories import OutreachEventFactory
from tests.reports.helpers import pdf_text, values_after

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def world(db):
    region = RegionFactory()
    big = CommunityFactory(name="Велика громада", region=region)
    small = CommunityFactory(name="Мала громада", region=region, latitude=None, longitude=None)
    unknown = CommunityFactory(name="Невідома громада", region=region, population=None)
    for community in (big, small, unknown):
        PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
    SafetyAssessmentFactory(community=big, year=2025, half=1, respondents=80, method=SurveyMethod.FACE_TO_FACE)
    SafetyAssessmentFactory(community=small, year=2025, half=1, respondents=12, method=SurveyMethod.ONLINE)
    SafetyAssessmentFactory(community=unknown, year=2025, half=1, respondents=45)  # method not recorded
    # Another period's assessment stays out.
    SafetyAssessmentFactory(community=big, year=2024, half=2, assessed_on=date(2024, 12, 1), respondents=5)
    OutreachEventFactory(community=big, date=date(2025, 3, 1), participants_total=30, participants_women=10)
    OutreachEventFactory(
        community=small, date=date(2025, 3, 2), participants_total=7, participants_women=0, participants_men=0
    )
    return big, small, unknown


def quality(settings, threshold=30):
    settings.REPORT_MIN_RESPONDENTS = threshold
    document = compute_indicators(period=Period(2025, 1), communities=scope_communities(scope=ReportScope.PROGRAMME))
    return document["data_quality"]


def test_the_periods_assessments_are_listed_with_respondents_and_method(world, settings):
    found = quality(settings)
    assert [(row["name"], row["respondents"], row["method"], row["small_sample"]) for row in found["assessments"]] == [
        ("Велика громада", 80, "face_to_face", False),
        ("Мала громада", 12, "online", True),
        ("Невідома громада", 45, "", False),
    ]
    assert found["respondents"] == 137
    assert found["small_samples"] == 1
    assert found["methods"] == {"face_to_face": 1, "online": 1, "not_recorded": 1}


def test_the_threshold_is_a_setting(world, settings):
    assert quality(settings, threshold=50)["small_samples"] == 2
    assert quality(settings, threshold=50)["min_respondents"] == 50


def test_what_was_not_recorded_matches_the_records(world, settings):
    missing = quality(settings)["not_recorded"]
    communities = Community.objects.all()
    assert missing["communities"] == communities.count() == 3
    assert missing["communities_without_location"] == communities.filter(latitude__isnull=True).count() == 1
    assert missing["communities_without_population"] == communities.filter(population__isnull=True).count() == 1
    # 37 participants: 10 women and the factory's 4 men on the first event, none on the second.
    assert missing["participants"] == 37
    assert missing["participants_without_sex"] == 37 - 10 - 4
    assert (missing["events"], missing["events_without_breakdown"]) == (2, 1)
    assert (missing["people_involved"], missing["people_involved_without_sex"]) == (0, 0)


def test_the_pdf_has_a_data_quality_page_before_the_annex(world, settings):
    from reports.pdf import render_report_pdf
    from reports.services import report_document

    settings.REPORT_MIN_RESPONDENTS = 30
    report = MonitoringReport(kind="h1", year=2025, scope=ReportScope.PROGRAMME, language="en")
    report.pk = 1
    text = pdf_text(render_report_pdf(report_document(report)))
    start, annex = text.find("The period's safety assessments asked"), text.find("Figures by community")
    assert 0 < start < annex
    page = text[start:annex]
    assert "fewer than 30 respondents is a small sample" in page
    assert "12 (small sample)" in page
    assert "Online questionnaire" in page
    assert "Face-to-face interviews" in page
    assert values_after(page, "Participants of outreach events whose sex was not recorded", ["23 (62.2%)", "37"])
    assert values_after(page, "Communities without a location", ["1 (33.3%)", "3"])
    assert values_after(page, "Outreach events without any breakdown", ["1 (50.0%)", "2"])
