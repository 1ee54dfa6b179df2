"""The results framework's rules: the tree's shape, indicators naming known figures and SDG
targets, targets not negative and within the programme, four eyes on reported values."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from programmes import figures
from programmes.models import Indicator, IndicatorSource, ReportedValue, Result, ResultLevel, Target
from programmes.sdg import sdg_goals, sdg_targets
from programmes.services import (
    indicator_save,
    reported_value_approve,
    reported_value_save,
    result_save,
    target_save,
)
from tests.communities.factories import UserFactory
from tests.programmes.factories import ProgrammeFactory, document_in, logframe_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def logframe(media_root):
    programme = ProgrammeFactory(starts_on=date(2024, 1, 1), ends_on=date(2025, 12, 31))
    return logframe_in(programme)


@pytest.fixture(autouse=True)
def english():
    """The messages and sheet names these tests read are the English ones."""
    with translation.override("en"):
        yield


def refused(call, field: str) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    return caught.value.message_dict[field][0]


def test_the_17_goals_and_their_169_targets_are_shipped():
    assert [goal["goal"] for goal in sdg_goals()] == list(range(1, 18))
    assert len(sdg_targets()) == 169
    assert {"10.2", "11.3", "16.7", "17.17", "1.a"} <= set(sdg_targets())


def test_the_figure_catalogue_is_the_indicators_figures():
    known = figures.known()
    assert {"events.count", "negotiators.certified", "media.reach", "events.by_kind.round_table.events"} <= set(known)
    assert "community_rows" not in " ".join(known)


def test_an_output_hangs_under_an_outcome_and_an_outcome_under_the_goal(logframe):
    programme = logframe["goal"].programme
    output = Result(
        programme=programme,
        level=ResultLevel.OUTPUT,
        code="X",
        statement="x",
        statement_en="x",
        parent=logframe["goal"],
    )
    refused(lambda: result_save(result=output), "parent")
    second_goal = Result(programme=programme, level=ResultLevel.GOAL, code="G2", statement="x", statement_en="x")
    with pytest.raises(ValidationError, match="one goal"):
        result_save(result=second_goal)


def test_a_computed_indicator_names_a_known_figure(logframe):
    indicator = Indicator(
        result=logframe["output"], code="I9", name="x", unit="x", source=IndicatorSource.COMPUTED, figure="events.cuont"
    )
    assert "events.cuont" in refused(lambda: indicator_save(indicator=indicator), "figure")
    indicator.figure = ""
    refused(lambda: indicator_save(indicator=indicator), "figure")


def test_an_unknown_sdg_code_or_disaggregation_is_refused(logframe):
    indicator = logframe["events"]
    indicator.sdg_targets = ["16.7", "16.99"]
    assert "16.99" in refused(lambda: indicator_save(indicator=indicator), "sdg_targets")
    indicator.sdg_targets, indicator.disaggregations = ["16.7"], ["sex", "height"]
    assert "height" in refused(lambda: indicator_save(indicator=indicator), "disaggregations")


def test_an_indicator_code_is_unique_in_the_programme(logframe):
    twin = Indicator(result=logframe["outcome"], code="I1", name="x", unit="x", source=IndicatorSource.REPORTED)
    refused(lambda: indicator_save(indicator=twin), "code")


def test_a_negative_target_is_refused(logframe):
    target = Target(indicator=logframe["events"], period="2024", value=Decimal(-1))
    refused(lambda: target_save(target=target), "value")


def test_a_target_outside_the_programmes_dates_is_refused_naming_the_period(logframe):
    target = Target(indicator=logframe["events"], period="2026-H1", value=Decimal(5))
    assert "2026-H1" in refused(lambda: target_save(target=target), "period")
    target.period = "2025-H3"
    refused(lambda: target_save(target=target), "period")


def test_a_second_target_of_the_same_period_is_refused(logframe):
    with pytest.raises(ValidationError, match="already has a target"):
        target_save(target=Target(indicator=logframe["events"], period="2025", value=Decimal(3)))


def test_a_value_is_approved_by_someone_else(logframe):
    clerk, checker = UserFactory(username="clerk"), UserFactory(username="checker")
    value = reported_value_save(
        reported_value=ReportedValue(
            indicator=logframe["handbook"], period="2025-H2", value=Decimal(6), evidence_link="https://example.org/e"
        ),
        actor=clerk,
    )
    assert value.entered_by == clerk
    with pytest.raises(ValidationError, match="someone other"):
        reported_value_approve(reported_value=value, actor=clerk)
    value.refresh_from_db()
    assert value.approved_at is None
    reported_value_approve(reported_value=value, actor=checker)
    assert value.approved_by == checker
    # A changed value must be approved again.
    value.value = Decimal(7)
    reported_value_save(reported_value=value, actor=checker)
    value.refresh_from_db()
    assert value.approved_at is None


def test_a_value_needs_evidence_of_its_own_programme(logframe):
    value = ReportedValue(indicator=logframe["handbook"], period="2025", value=Decimal(1))
    refused(lambda: reported_value_save(reported_value=value), "evidence_link")
    value.evidence_document = document_in(ProgrammeFactory())
    refused(lambda: reported_value_save(reported_value=value), "evidence_document")
    value.evidence_document = document_in(logframe["goal"].programme)
    assert reported_value_save(reported_value=value).pk is not None


def test_a_computed_indicator_takes_no_reported_value(logframe):
    value = ReportedValue(indicator=logframe["events"], period="2025", value=Decimal(1), evidence_link="https://e.org")
    refused(lambda: reported_value_save(reported_value=value), "indicator")


def test_the_at_risk_threshold_is_below_the_on_track_one(logframe):
    programme = logframe["goal"].programme
    programme.at_risk_from = 95
    refused(programme.full_clean, "at_risk_from")
