"""The figures a community map shows: read from the indicators' community rows, per community only."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from communities.models import ASSESSMENT_DIMENSIONS, Community
from reports.indicators import Period, compute_indicators
from reports.maps import MAP_FIGURES, community_locations, map_figure_choices, map_points, map_table, not_on_map
from tests.communities.factories import CommunityFactory, PartnershipFactory, SafetyAssessmentFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.planning.factories import AnalysisFactory


@pytest.fixture
def programme(db):
    """Three communities: Kyiv (events, incidents, an analysis, an assessment), Lviv (nothing, no
    population) and one without a location."""
    kyiv = CommunityFactory(name="Київ", latitude=Decimal("50.45000"), longitude=Decimal("30.52000"), population=4000)
    lviv = CommunityFactory(name="Львів", latitude=Decimal("49.84000"), longitude=Decimal("24.03000"), population=None)
    nowhere = CommunityFactory(name="Без координат", latitude=None, longitude=None)
    for community in (kyiv, lviv, nowhere):
        PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
    for day in (3, 4, 5):
        OutreachEventFactory(community=kyiv, date=date(2025, 3, day))
    OutreachEventFactory(community=nowhere, date=date(2025, 4, 1))
    IncidentFactory(community=kyiv, latitude=Decimal("50.11111"), longitude=Decimal("30.99999"))
    IncidentFactory(community=kyiv)
    AnalysisFactory(community=kyiv, analysed_on=date(2025, 3, 1), conflict_potential=4)
    SafetyAssessmentFactory(community=kyiv, year=2025, half=1)
    communities = Community.objects.filter(pk__in=[kyiv.pk, lviv.pk, nowhere.pk])
    document = compute_indicators(period=Period(2025), communities=communities)
    return document, communities, {"kyiv": kyiv, "lviv": lviv, "nowhere": nowhere}


def by_name(points):
    return {point.name: point for point in points}


def test_events_per_community_with_links_and_only_located_communities(programme):
    document, communities, named = programme
    with translation.override("en"):
        points = by_name(map_points(document, communities, "events", url_for=lambda pk: f"/communities/{pk}/"))
    assert sorted(points) == ["Київ", "Львів"]
    kyiv = points["Київ"]
    assert (kyiv.latitude, kyiv.longitude, kyiv.value) == (50.45, 30.52, 3)
    assert kyiv.label == "3 (Outreach events)"
    assert kyiv.url == f"/communities/{named['kyiv'].pk}/"
    assert points["Львів"].value == 0


def test_incidents_per_thousand_residents_need_a_population(programme):
    document, communities, _named = programme
    with translation.override("en"):
        points = by_name(map_points(document, communities, "incidents_per_1000"))
    assert points["Київ"].value == 0.5  # 2 incidents, 4,000 residents
    assert points["Львів"].value is None
    assert points["Львів"].label == "no data"


def test_conflict_potential_and_the_latest_scores(programme):
    document, communities, _named = programme
    points = by_name(map_points(document, communities, "conflict_potential"))
    assert points["Київ"].value == 4
    assert points["Львів"].value is None
    scores = by_name(map_points(document, communities, f"assessment.{ASSESSMENT_DIMENSIONS[0]}"))
    assert scores["Київ"].value is not None
    assert scores["Львів"].value is None


def test_no_point_is_an_incidents_place(programme):
    document, communities, _named = programme
    for key in MAP_FIGURES:
        for point in map_points(document, communities, key):
            assert (point.latitude, point.longitude) in {(50.45, 30.52), (49.84, 24.03)}


def test_the_table_lists_every_community_and_says_which_are_not_drawn(programme):
    document, communities, named = programme
    with translation.override("en"):
        rows = map_table(document, community_locations(communities), "events")
    assert {row.name: (row.text, row.on_map) for row in rows} == {
        "Київ": ("3", True),
        "Львів": ("0", True),
        "Без координат": ("1", False),
    }
    assert not_on_map(rows) == ["Без координат"]
    assert community_locations(communities) == {
        str(named["kyiv"].pk): [50.45, 30.52],
        str(named["lviv"].pk): [49.84, 24.03],
    }


def test_the_choices_name_every_figure_in_the_active_language():
    with translation.override("en"):
        choices = dict(map_figure_choices())
    assert list(choices) == list(MAP_FIGURES)
    assert choices["incidents_per_1000"] == "Incidents per 1,000 residents"
    assert choices["conflict_potential"] == "Conflict potential"
    assert len(choices) == 4 + len(ASSESSMENT_DIMENSIONS) + 1
    with pytest.raises(KeyError):
        map_points({"community_rows": []}, {}, "nothing")
