"""The map page of every PDF report: the communities on their regions, a caption, the values as a
table, the communities the map cannot place, and never an incident's place."""

import re
from datetime import date
from decimal import Decimal

import pytest

from communities.models import Country
from reports.models import MonitoringReport, ReportScope
from reports.pdf import render_report_html, render_report_pdf
from reports.services import report_document
from tests.communities.factories import CommunityFactory, PartnershipFactory, RegionFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.reports.helpers import pdf_text

INCIDENT_PLACE = ("50.12345", "30.98765")


@pytest.fixture
def document(db):
    kyiv = CommunityFactory(name="Київ <b>", latitude=Decimal("50.45000"), longitude=Decimal("30.52000"))
    irpin = CommunityFactory(name="Ірпінь", latitude=Decimal("50.52000"), longitude=Decimal("30.25000"))
    nowhere = CommunityFactory(name="Громада без координат", latitude=None, longitude=None)
    obrnice = CommunityFactory(
        name="Obrnice",
        region=RegionFactory(name="Ústecký kraj", country=Country.CZECHIA),
        latitude=Decimal("50.50500"),
        longitude=Decimal("13.69500"),
    )
    for community in (kyiv, irpin, nowhere, obrnice):
        PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
    OutreachEventFactory(community=kyiv, date=date(2025, 3, 14))
    OutreachEventFactory(community=kyiv, date=date(2025, 5, 14))
    IncidentFactory(community=irpin, latitude=Decimal(INCIDENT_PLACE[0]), longitude=Decimal(INCIDENT_PLACE[1]))
    report = MonitoringReport(kind="annual", year=2025, scope=ReportScope.PROGRAMME, language="en")
    report.pk = 1
    return report_document(report)


def map_svgs(html):
    """The SVG of each map (each ends after its legend, the last text of the outer svg)."""
    found = []
    for start in [
        match.start() for match in re.finditer(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]*class="atlas"', html)
    ]:
        inner_end = html.index("</svg>", html.index('class="atlas-map"', start)) + 6
        found.append(html[start : html.index("</svg>", inner_end) + 6])
    return found


def map_svg(html):
    return "".join(map_svgs(html))


def test_the_pdf_has_a_map_page_with_its_caption_and_table(document):
    text = pdf_text(render_report_pdf(document))
    assert "Map of the communities" in text
    assert "coloured and sized by one figure: Outreach events in the period" in text
    assert "3 of 4 communities are on the map." in text
    assert "Not on the map (no location recorded): Громада без координат" in text
    assert "Outreach events by community" in text


def test_the_map_draws_each_located_community_once_and_escapes_names(document):
    html = render_report_html(document)
    svg = map_svg(html)
    keys = re.findall(r'data-key="(\d+)"', svg)
    assert sorted(keys) == sorted(document["locations"])
    assert "Київ &lt;b&gt;: 2 (Outreach events)" in svg
    ukraine, czechia = map_svgs(html)
    assert 'data-countries="UA"' in ukraine
    assert 'data-countries="CZ"' in czechia
    assert "Obrnice" in czechia
    assert "Obrnice" not in ukraine


def test_the_map_holds_no_incident_coordinates(document):
    html = render_report_html(document)
    svg = map_svg(html)
    for coordinate in INCIDENT_PLACE:
        assert coordinate not in html
        assert coordinate[:5] not in svg
    assert all(value not in str(document["locations"]) for value in INCIDENT_PLACE)


def test_the_map_page_is_the_same_for_the_same_document(document):
    assert map_svg(render_report_html(document)) == map_svg(render_report_html(document))
