"""The same period a year before (issue 17, item 2): the headline carries it beside the previous
period, computed for the headline's sections only; the PDF summary shows it, with legends and
labels in words and the School's modules in the report's language."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation

from incidents.models import Incident
from negotiators.models import EventStatus, OutreachEvent
from reports.indicators import Period, compute_indicators
from reports.models import MonitoringReport
from reports.pdf import render_report_html, render_report_pdf
from reports.selectors import scope_communities
from reports.services import report_document
from reports.wording import period_words
from tests.reports.helpers import pdf_text


@pytest.fixture
def h1_2025(demo_programme, db):
    document = compute_indicators(
        period=Period.parse("2025-H1"), communities=scope_communities(scope="programme"), programme_wide=True
    )
    return document, {row["key"]: row for row in document["headline"]}


def _events(start, end):
    return [
        event
        for event in OutreachEvent.objects.filter(status=EventStatus.HELD)
        if start <= event.date <= end and event.community_id is not None
    ]


def _incidents_reported(start, end):
    zone = ZoneInfo(settings.TIME_ZONE)
    return sum(1 for incident in Incident.objects.all() if start <= incident.occurred_at.astimezone(zone).date() <= end)


def test_the_headline_carries_the_same_half_year_a_year_before(h1_2025):
    document, headline = h1_2025
    assert document["year_before_period"] == {"code": "2024-H1", "start": "2024-01-01", "end": "2024-06-30"}
    assert document["previous_period"]["code"] == "2024-H2"
    events = _events(date(2024, 1, 1), date(2024, 6, 30))
    assert headline["events"]["year_before"] == len(events) > 0
    assert headline["participants"]["year_before"] == sum(event.participants_total for event in events)
    assert headline["incidents_reported"]["year_before"] == _incidents_reported(date(2024, 1, 1), date(2024, 6, 30))
    for row in headline.values():
        expected = None if row["current"] is None or row["year_before"] is None else row["current"] - row["year_before"]
        assert row["change_year_before"] == pytest.approx(expected)
    # The previous period (2024-H2) is another window: the two differ for a seasonal programme.
    assert headline["events"]["previous"] == len(_events(date(2024, 7, 1), date(2024, 12, 31)))
    rate = headline["resolution_rate"]
    assert rate["numerator"]["year_before"] == headline["incidents_resolved"]["year_before"]
    assert rate["year_before"] == round(rate["numerator"]["year_before"] / rate["denominator"]["year_before"], 4)


def test_a_years_year_before_is_its_previous_period(demo_programme, db):
    document = compute_indicators(
        period=Period(2025), communities=scope_communities(scope="programme"), programme_wide=True
    )
    assert document["year_before_period"] == document["previous_period"]
    assert all(row["year_before"] == row["previous"] for row in document["headline"])


def test_period_words():
    with translation.override("en"):
        assert [period_words(code) for code in ("2024-H2", "2025-H1", "2024")] == [
            "July–December 2024",
            "January–June 2025",
            "2024",
        ]


def test_the_english_summary_compares_with_a_year_before_in_words(demo_programme, db):
    report = MonitoringReport(kind="h1", year=2025, scope="programme", language="en")
    text = " ".join(pdf_text(render_report_pdf(report_document(report))).split())
    assert "Same period a year before 1 January 2024 – 30 June 2024" in text
    assert "Incidents resolved (closed in the period)" in text
    # The assessment chart's legend says the periods in words, never their codes.
    assert "July–December 2024" in text
    assert "January–June 2025" in text
    assert "2024-H2" not in text
    assert "2025-H1" not in text
    # The School's modules by their English titles.
    assert "Foundations of social negotiation" in text
    assert "Основи соціальних перемовин" not in text


def test_module_titles_in_czech_and_the_ukrainian_fallback(demo_programme, db):
    from training.models import TrainingModule

    report = MonitoringReport(kind="annual", year=2025, scope="programme", language="cs")
    assert "Základy sociálního vyjednávání" in render_report_html(report_document(report))
    with transaction.atomic():  # the demo is shared by the tests that follow: undone below
        TrainingModule.objects.filter(code="Б1").update(title_cs="")
        html = render_report_html(report_document(report))
        transaction.set_rollback(True)
    assert "Základy sociálního vyjednávání" not in html
    assert "Основи соціальних перемовин" in html
