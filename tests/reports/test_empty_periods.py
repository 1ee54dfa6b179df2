"""No empty books (issue 17, item 4): a period before the scope's first record is refused in every
path that asks for a report; a period without activity gives a short report that says so; a
chapter with nothing recorded (the School of a scope that never had it) is left out."""

from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from communities.models import Region
from reports import services
from reports.models import MonitoringReport
from reports.pdf import fmt_date, render_report_html, render_report_pdf
from tests.accounts.support import verified_login
from tests.communities.factories import PartnershipFactory
from tests.negotiators.factories import NegotiatorFactory
from tests.reports.helpers import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings", "media_root")]

REFUSAL = "Nothing was recorded in this scope before 1 January 2024, the date of its first record"


@pytest.fixture
def partner_since_2024(db):
    """One partner community since 1 January 2024 with a negotiator, and nothing else recorded."""
    partnership = PartnershipFactory(joined_on=date(2024, 1, 1))
    NegotiatorFactory(community=partnership.community, joined_on=date(2024, 2, 1))
    return partnership.community


def test_the_service_refuses_a_period_before_the_first_record(partner_since_2024):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.report_request(actor=None, kind="annual", year=2023, enqueue=False)
    assert refused.value.message_dict["year"][0].startswith(REFUSAL)
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        services.report_request(actor=None, kind="semiannual", half=2, year=2023, enqueue=False)
    assert "1 січня 2024" in refused.value.message_dict["year"][0]
    assert not MonitoringReport.objects.exists()
    # The period that holds the first record is accepted.
    assert services.report_request(actor=None, kind="semiannual", half=1, year=2024, enqueue=False).pk


def test_a_region_is_judged_by_its_own_first_record(partner_since_2024):
    elsewhere = PartnershipFactory(joined_on=date(2020, 3, 1)).community
    assert services.report_request(actor=None, kind="annual", year=2021, enqueue=False).pk  # the whole programme
    with translation.override("en"), pytest.raises(ValidationError, match="before 1 January 2024"):
        services.report_request(
            actor=None, kind="annual", year=2021, scope="region", region=partner_since_2024.region, enqueue=False
        )
    assert services.report_request(
        actor=None, kind="annual", year=2021, scope="region", region=elsewhere.region, enqueue=False
    ).pk


def test_the_command_refuses_a_period_before_the_first_record(partner_since_2024, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(CommandError, match="before 1 January 2024"):
        call_command("generate_report", "--kind", "annual", "--year", "2023")
    assert not MonitoringReport.objects.exists()


def test_the_api_refuses_a_period_before_the_first_record(partner_since_2024, api_as):
    response = api_as("manager").post(
        "/api/v1/reports/", {"kind": "annual", "year": 2023}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert REFUSAL in str(response.json()["error"]["fields"]["year"])
    assert not MonitoringReport.objects.exists()


def test_the_form_refuses_a_period_before_the_first_record(partner_since_2024, client, manager_user):
    verified_login(client, manager_user)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("reports:list"), {"kind": "annual", "year": "2023", "scope": "programme", "language": "en"}
    )
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not MonitoringReport.objects.exists()


def test_the_schedule_skips_a_period_before_the_first_record(partner_since_2024):
    assert services.reports_schedule_due(today=date(2023, 1, 10)) == []
    assert services.reports_schedule_due(today=date(2025, 1, 10))  # 2024-H2 and 2024 are due
    assert not MonitoringReport.objects.filter(year__lt=2024).exists()


def test_a_period_without_activity_gives_a_short_report_that_says_so(partner_since_2024):
    report = MonitoringReport(kind="h1", year=2025, scope="programme", language="en")
    content = render_report_pdf(services.report_document(report))
    text = " ".join(pdf_text(content).split())

    pages = len(PdfReader(BytesIO(content)).pages)
    assert pages <= 5, pages
    assert "No activity was recorded in this scope in January–June 2025." in text
    # The figures that exist: the partnership and the negotiator.
    assert "Communities in partnership during the period" in text
    assert "Active negotiators at the end of the period" in text
    assert "Programme to date 1 January 2024 – 30 June 2025" in text
    for chapter in ("The School: training", "Safety incidents", "Annex: tables", "Map of the communities"):
        assert chapter not in text


def test_to_date_never_starts_after_its_end(partner_since_2024):
    # Built directly (the request would be refused): the span before the first record is not printed.
    report = MonitoringReport(kind="annual", year=2020, scope="programme", language="en")
    html = render_report_html(services.report_document(report))
    assert "Programme to date</dt>" not in html
    assert "1 January 2024 – 31 December 2020" not in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("uk", "1 січня 2025"), ("cs", "1. ledna 2025"), ("ru", "1 января 2025"), ("en", "1 January 2025")],
)
def test_a_day_in_each_languages_own_form(language, expected):
    with translation.override(language):
        assert fmt_date("2025-01-01") == expected
        assert fmt_date(date(2025, 1, 1)) == expected


def test_a_region_without_the_school_has_no_school_chapter(demo_programme):
    czech = Region.objects.get(name="Ústecký kraj")
    report = MonitoringReport(kind="annual", year=2025, scope="region", region=czech, language="cs")
    html = render_report_html(services.report_document(report))
    assert 'id="training"' not in html
    assert "Základy sociálního vyjednávání" not in html  # no list of the School's modules at 0
    assert "Основи соціальних перемовин" not in html
    assert 'id="events"' in html  # its own outreach events are there
