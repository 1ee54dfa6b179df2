"""A report without a programme says which programmes its totals add up (issue 17, item 1): the
demo's whole-portal 2025 report holds the Institute of Social Negotiators in Ukraine and the
municipal support in Obrnice, and says so, instead of counting Obrnice silently."""

import pytest
from django.utils import translation

from communities.models import Community
from negotiators.models import EventStatus, OutreachEvent
from programmes.models import Programme
from reports.by_programme import programme_lines
from reports.indicators import Period
from reports.models import MonitoringReport
from reports.pdf import render_report_html
from reports.selectors import scope_communities
from reports.services import report_document


@pytest.fixture
def whole_portal(demo_programme, db):
    report = MonitoringReport(kind="annual", year=2025, scope="programme", language="en")
    report.pk = 1
    return report_document(report)


def test_the_lines_add_up_to_the_totals(whole_portal):
    lines = whole_portal["by_programme"]
    headline = {row["key"]: row["current"] for row in whole_portal["indicators"]["headline"]}
    assert sum(line["events"] for line in lines) == headline["events"]
    assert sum(line["participants"] for line in lines) == headline["participants"]
    assert sum(line["incidents"] for line in lines) == headline["incidents_reported"]
    assert [line["code"] for line in lines] == sorted(line["code"] for line in lines)


def test_each_line_counts_its_programme_only(whole_portal):
    for line in whole_portal["by_programme"]:
        held = OutreachEvent.objects.filter(
            programme__code=line["code"], status=EventStatus.HELD, date__year=2025
        ).count()
        assert line["events"] == held, line["code"]
    countries = {line["code"]: line["countries"] for line in whole_portal["by_programme"]}
    assert "CZ" in countries["OPV-CZ"]
    assert all(countries[code] == ["UA"] for code in countries if code.startswith("ISN"))


def test_a_programme_report_is_not_broken_down(demo_programme, db):
    # A programme's own report counts that programme alone: nothing to break down, and no Obrnice.
    report = MonitoringReport(
        kind="annual", year=2025, scope="programme", language="en", programme=Programme.objects.get(code="ISN-2023")
    )
    report.pk = 1
    document = report_document(report)
    assert "by_programme" not in document
    names = {row["name"] for row in document["indicators"]["community_rows"]}
    assert "Obrnice" not in names
    assert len(names) == 25


def test_the_cover_and_the_summary_name_the_programmes(whole_portal):
    with translation.override("en"):
        html = render_report_html(whole_portal)
    assert "Whole portal: every programme" in html
    assert "Programmes included" in html
    assert "By programme" in html
    for line in whole_portal["by_programme"]:
        assert line["code"] in html


def test_a_region_report_names_only_its_programmes(demo_programme, db):
    obrnice = Community.objects.get(name="Obrnice")
    czech = scope_communities(scope="region", region=obrnice.region)
    codes = [line["code"] for line in programme_lines(czech, Period(2025))]
    assert "OPV-CZ" in codes
    assert not any(code.startswith("ISN") for code in codes)
    assert Programme.objects.filter(code__in=codes).count() == len(codes)
