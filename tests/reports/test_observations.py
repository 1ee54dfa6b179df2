"""Computed observations (reports.observations), the half-year series (reports.trends) and the
chapters they print: the largest changes said as better or worse, the communities needing
attention in a fixed order, series equal to counts made another way, and the risks chapter."""

from collections import Counter
from datetime import date

import pytest
from django.utils import translation

from incidents.models import Incident, IncidentStatus
from negotiators.models import EventStatus, OutreachEvent
from programmes.models import Programme
from reports.demo_risks import DEMO_RISKS
from reports.indicators import Period, compute_indicators
from reports.models import MonitoringReport
from reports.observations import communities_needing_attention, largest_changes, trend_lines
from reports.pdf import figure_row, headline_labels, render_report_pdf
from reports.selectors import scope_communities
from reports.services import report_document
from reports.trends import half_year_trends, half_years_between
from tests.reports.helpers import pdf_text

PATHS = {
    "incidents_resolved": ("incidents.resolved", "count"),
    "incidents_reported": ("incidents.reported", "count"),
    "median_days_to_resolution": ("incidents.median_days_to_resolution", "days"),
    "events": ("events.count", "count"),
}


def headline_figure(key, previous, current, better):
    return {
        "key": key,
        "current": current,
        "previous": previous,
        "change": current - previous,
        "to_date": current,
        "better": better,
    }


def changes(figures, **kwargs):
    labels = headline_labels()
    shown = [
        figure_row(labels[figure["key"]], figure, PATHS[figure["key"]][1], path=PATHS[figure["key"]][0])
        for figure in figures
    ]
    return largest_changes(figures, shown, **kwargs)


def test_an_improved_and_a_worsened_figure_are_said_so_largest_change_first():
    figures = [
        headline_figure("incidents_resolved", 30, 33, "higher"),
        headline_figure("median_days_to_resolution", 4.0, 5.0, "lower"),
        headline_figure("incidents_reported", 64, 50, None),
        headline_figure("events", 0, 12, "higher"),  # nothing to compare with
    ]
    with translation.override("en"):
        observed = changes(figures)
    assert [(line["text"], line["trend"]) for line in observed] == [
        ("Median days to resolution rose from 4.0 to 5.0 (+1.0; +25.0%), a deterioration.", "worsened"),
        ("Incidents reported fell from 64 to 50 (\u221214; \u221221.9%).", "neutral"),
        ("Incidents resolved (closed in the period) rose from 30 to 33 (+3; +10.0%), an improvement.", "improved"),
    ]


def test_a_fall_of_a_figure_where_lower_is_better_is_an_improvement_in_ukrainian_too():
    figures = [headline_figure("median_days_to_resolution", 5.0, 4.1, "lower")]
    with translation.override("en"):
        english = changes(figures)[0]["text"]
    with translation.override("uk"):
        ukrainian = changes(figures)[0]
    assert english == "Median days to resolution fell from 5.0 to 4.1 (\u22120.9; \u221218.0%), an improvement."
    assert ukrainian["trend"] == "improved"
    assert "4,1" in ukrainian["text"]


def test_changes_with_the_same_relative_size_follow_their_labels_and_the_limit_holds():
    figures = [
        headline_figure("incidents_resolved", 10, 12, "higher"),
        headline_figure("events", 10, 12, "higher"),
    ]
    with translation.override("en"):
        observed = changes(figures, limit=1)
    assert [line["text"] for line in observed] == [
        "Incidents resolved (closed in the period) rose from 10 to 12 (+2; +20.0%), an improvement."
    ]


def community(pk, name, *, events=0, incidents=0, open_at_end=0, score=None, status="active"):
    previous, current = score if score else (None, None)
    return {
        "id": pk,
        "name": name,
        "region": "Область",
        "partnership": {"status": status},
        "figures": {
            "events": {"current": events},
            "incidents": {"current": incidents},
            "open_at_end": {"current": open_at_end},
        },
        "assessment": {"scores": {"overall": {"current": current, "previous": previous}}} if score else None,
    }


def test_communities_needing_attention_come_by_reason_largest_first_ties_by_name():
    rows = [
        community(1, "Яблунівська", events=3, score=(3.5, 3.4)),
        community(2, "Борівська", events=1, open_at_end=2, score=(4.0, 3.5)),
        community(3, "Альтанська", events=1, open_at_end=2, score=(3.0, 3.1)),
        community(4, "Вербівська", open_at_end=5),  # also no event and no incident
        community(5, "Гайова"),
        community(6, "Дубова", status="left"),  # not a partner any more: not "without activity"
        community(7, "Андріївська", events=2, score=(4.0, 3.5)),
    ]
    with translation.override("en"):
        attention = communities_needing_attention(rows, limit=3)
    assert [(row["reason"], row["name"]) for row in attention] == [
        ("score_drop", "Андріївська"),
        ("score_drop", "Борівська"),
        ("score_drop", "Яблунівська"),
        ("open_incidents", "Вербівська"),
        ("open_incidents", "Альтанська"),
        ("open_incidents", "Борівська"),
        ("no_activity", "Вербівська"),
        ("no_activity", "Гайова"),
    ]
    assert attention[0]["text"] == "The overall safety score fell from 4.00 to 3.50 (\u22120.50)."
    assert attention[3]["text"] == "5 incidents still open at the end of the period."


def test_a_trend_line_names_its_first_last_lowest_and_highest_half_years():
    trends = {"periods": ["2024-H1", "2024-H2", "2025-H1"], "series": {"events": [4, 9, 2]}}
    with translation.override("en"):
        (line,) = trend_lines(trends, {"events": "Outreach events"})
    assert (line["first"], line["last"], line["lowest"], line["highest"]) == (
        "4 in January–June 2024",
        "2 in January–June 2025",
        "2 in January–June 2025",
        "9 in July–December 2024",
    )


def test_the_half_years_run_from_the_first_records_to_the_periods_end():
    assert [half.code for half in half_years_between(date(2023, 8, 1), Period(2025, 1))] == [
        "2023-H2",
        "2024-H1",
        "2024-H2",
        "2025-H1",
    ]


# --- on the demo programme ------------------------------------------------------------------------


@pytest.fixture
def isn(demo_programme, db):
    return Programme.objects.get(code="ISN-2023")


def test_the_series_equal_counts_made_another_way(isn):
    communities = scope_communities(scope="programme")
    trends = half_year_trends(communities=communities, period=Period(2025), first=date(2023, 3, 1), programme=isn)
    assert trends["periods"] == ["2023-H1", "2023-H2", "2024-H1", "2024-H2", "2025-H1", "2025-H2"]

    def half(day):
        return f"{day.year}-H{1 if day.month <= 6 else 2}"

    events, participants = Counter(), Counter()
    for day, total in OutreachEvent.objects.filter(
        status=EventStatus.HELD, programme=isn, community__participations__programme=isn
    ).values_list("date", "participants_total"):
        events[half(day)] += 1
        participants[half(day)] += total
    assert trends["series"]["events"] == [events[code] for code in trends["periods"]]
    assert trends["series"]["participants"] == [participants[code] for code in trends["periods"]]
    figures = compute_indicators(period=Period(2025, 1), communities=communities, programme=isn)
    open_by_community = [row["figures"]["open_at_end"]["current"] for row in figures["community_rows"]]
    assert sum(open_by_community) == figures["incidents"]["open_at_end"]["current"] > 0
    index = trends["periods"].index("2025-H1")
    assert [trends["series"][key][index] for key in ("events", "incidents_reported", "incidents_resolved")] == [
        figures["events"]["count"]["current"],
        figures["incidents"]["reported"]["current"],
        figures["incidents"]["resolved"]["current"],
    ]
    assert (
        sum(trends["series"]["incidents_reported"])
        == Incident.objects.filter(programme=isn, occurred_at__year__lte=2025).count()
    )
    assert (
        sum(trends["series"]["incidents_resolved"])
        == Incident.objects.filter(
            programme=isn, status=IncidentStatus.RESOLVED, closed_at__isnull=False, closed_at__year__lte=2025
        ).count()
    )


def test_the_programme_report_prints_its_observations_and_its_risks(isn):
    report = MonitoringReport(kind="annual", year=2025, scope="programme", language="en", programme=isn)
    report.pk = 1
    document = report_document(report)
    assert [risk["title"] for risk in document["risks"][0]["risks"]] == [risk.title for risk in DEMO_RISKS]
    text = pdf_text(render_report_pdf(document))
    observations = text[text.index("Key observations", text.index("Contents") + 200) :]
    assert "Communities needing attention" in observations
    assert "Events held jointly with the police rose from 27 to 51 (+24; +88.9%), an improvement." in observations
    assert "4 incidents still open at the end of the period." in observations
    assert "Trends across every half-year" in observations
    chapter = text[text.index("Risks and mitigation", text.index("Contents") + 200) :]
    for risk in DEMO_RISKS:
        assert risk.title in chapter
    assert "likelihood medium × impact high" in chapter
    assert "30 September 2025 (Occurred): Після зміни керівництва Сатанівської" in chapter
    assert "In the period: no review this period" in chapter
