"""The demo's reports: a new manager finds the 2025 annual report of seed 000's programme in draft,
half written, and the first half of 2025 final with its number."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reports.models import MonitoringReport, ReportKind, ReportStage
from tests.accounts.support import verified_login

pytestmark = pytest.mark.django_db


def test_the_demo_manager_finds_a_draft_annual_report_and_a_final_one(demo_programme, client):
    annual = MonitoringReport.objects.get(programme__code="ISN-2023", kind=ReportKind.ANNUAL, year=2025)
    assert (annual.stage, annual.number) == (ReportStage.DRAFT, "")
    assert annual.executive_summary
    stories = list(annual.stories.order_by("position"))
    assert len(stories) == 2
    assert stories[0].photo is not None
    assert stories[0].photo.content_type == "image/png"
    assert all(story.quote and story.quote_attribution for story in stories)
    first_half = MonitoringReport.objects.get(programme__code="ISN-2023", kind=ReportKind.H1, year=2025)
    assert first_half.stage == ReportStage.FINAL
    assert first_half.number.startswith("ZR-2025-")
    assert first_half.frozen_document["narrative"]["number"] == first_half.number

    verified_login(client, get_user_model().objects.get(username="manager"))
    listing = client.get(reverse("reports:list")).content.decode()
    assert reverse("reports:detail", args=[annual.pk]) in listing
    assert first_half.number in listing
    page = client.get(reverse("reports:detail", args=[annual.pk])).content.decode()
    assert stories[1].title in page
    assert 'name="executive_summary"' in page
