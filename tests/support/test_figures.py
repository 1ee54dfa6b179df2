"""The support figures of ``compute_indicators`` against hand counts."""

from datetime import date
from decimal import Decimal

import pytest

from communities.models import Community, EngagementMode
from reports.indicators import Period, compute_indicators
from tests.communities.factories import CommunityFactory, EngagementFactory
from tests.support.factories import ActivityFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    community = CommunityFactory()
    acute = EngagementFactory(
        community=community, mode=EngagementMode.ACUTE, starts_on=date(2024, 11, 1), ends_on=date(2025, 1, 31)
    )
    systematic = EngagementFactory(
        community=community, mode=EngagementMode.SYSTEMATIC, starts_on=date(2025, 2, 1), ends_on=date(2025, 12, 31)
    )
    # 2024: one mediation session of 2 hours. 2025: two sessions (3 + 1.5 h) and a seminar (4 h)
    # in the acute engagement's last month and the systematic one, a process map (6 h).
    ActivityFactory(engagement=acute, date=date(2024, 12, 5), hours=Decimal("2"))
    ActivityFactory(engagement=acute, date=date(2025, 1, 10), hours=Decimal("3"))
    ActivityFactory(engagement=systematic, date=date(2025, 3, 1), hours=Decimal("1.5"))
    ActivityFactory(
        engagement=systematic, line="communication", step="seminar", date=date(2025, 4, 1), hours=Decimal("4")
    )
    ActivityFactory(
        engagement=systematic, line="process_mapping", step="process_map", date=date(2025, 5, 1), hours=Decimal("6")
    )
    # Made in 2024: one, implemented in 2025. Made in 2025: four: one implemented, one rejected,
    # one in progress, one proposed.
    RecommendationFactory(
        engagement=acute,
        made_on=date(2024, 12, 5),
        status="implemented",
        status_on=date(2025, 2, 1),
        evidence="Usnesení",
    )
    RecommendationFactory(
        engagement=systematic,
        made_on=date(2025, 5, 1),
        status="implemented",
        status_on=date(2025, 9, 1),
        evidence="Směrnice",
    )
    RecommendationFactory(
        engagement=systematic, made_on=date(2025, 5, 1), status="rejected", status_on=date(2025, 6, 1)
    )
    RecommendationFactory(
        engagement=systematic, made_on=date(2025, 5, 1), status="in_progress", status_on=date(2025, 6, 1)
    )
    RecommendationFactory(engagement=systematic, made_on=date(2025, 5, 1))
    # In another community, outside the scope.
    ActivityFactory(engagement=EngagementFactory())
    return compute_indicators(period=Period(2025), communities=Community.objects.filter(pk=community.pk))


def test_activities_and_hours(document):
    engagements = document["engagements"]
    assert engagements["activities"] == {"current": 4, "previous": 1, "change": 3, "to_date": 5}
    assert (engagements["hours"]["current"], engagements["hours"]["to_date"]) == (14.5, 16.5)
    assert engagements["mediation_sessions"]["current"] == 2
    assert engagements["activities_by_step"]["seminar"]["current"] == 1


def test_activities_by_line_and_by_mode(document):
    by_line, by_mode = document["engagements"]["activities_by_line"], document["engagements"]["activities_by_mode"]
    assert by_line["mediation"]["activities"]["current"] == 2
    assert by_line["mediation"]["hours"]["current"] == 4.5
    assert by_line["process_mapping"]["hours"]["current"] == 6.0
    assert by_line["participation"]["activities"]["to_date"] == 0
    assert (by_mode["acute"]["activities"]["current"], by_mode["acute"]["hours"]["to_date"]) == (1, 5.0)
    assert by_mode["systematic"]["activities"]["current"] == 3


def test_recommendations_and_the_implementation_rate(document):
    engagements = document["engagements"]
    assert engagements["recommendations_made"] == {"current": 4, "previous": 1, "change": 3, "to_date": 5}
    assert engagements["recommendations_implemented"]["current"] == 2
    assert engagements["recommendations_rejected"]["current"] == 1
    # At the end of 2025: 2 implemented of 5 made less 1 rejected; at the end of 2024: 0 of 1.
    assert engagements["implementation_rate"]["current"] == 0.5
    assert engagements["implementation_rate"]["previous"] == 0.0


def test_engagement_rows_list_the_period_s_steps_and_recommendations(document):
    rows = document["engagement_rows"]
    assert [row["mode"] for row in rows] == ["acute", "systematic"]
    assert [activity["date"] for activity in rows[0]["activities"]] == ["2025-01-10"]
    assert len(rows[1]["recommendations"]) == 4
    assert {"mediators", "hours", "step"} <= set(rows[1]["activities"][0])


def test_the_figures_are_rows_in_the_spreadsheet(document):
    from reports.indicators import figure_rows

    paths = {row["indicator"] for row in figure_rows(document)}
    assert {
        "engagements.hours",
        "engagements.activities_by_line.mediation.hours",
        "engagements.implementation_rate",
    } <= paths
