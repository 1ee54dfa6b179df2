"""Results against targets: the computed actual is the indicators/ figure of the same scope and
period; percentages and statuses, for more- and less-is-better; the results/ API."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from communities.models import Community
from programmes.models import Direction, Indicator, IndicatorSource, Target
from programmes.services import indicator_save, target_save
from reports.indicators import Period, compute_indicators
from reports.results import (
    check_period,
    percent_achieved,
    programme_periods,
    programme_results,
    status_of,
)
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import UserFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.programmes.factories import logframe_in, programme_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def programme(community, partner):
    return programme_in(community, partner=partner, starts_on=date(2024, 1, 1), ends_on=date(2025, 12, 31))


@pytest.fixture
def logframe(programme, staff_user):
    return logframe_in(programme, entered_by=staff_user, approved_by=UserFactory(username="approver", is_staff=True))


def by_code(rows):
    return {row.indicator.code: row for row in rows}


def test_a_computed_actual_is_the_indicators_figure_of_the_same_scope_and_period(
    programme, logframe, community, api_as
):
    for day in (date(2025, 2, 1), date(2025, 5, 1), date(2025, 9, 1)):
        OutreachEventFactory(community=community, date=day, programme=programme)
    other = programme_in(community, code="OTHER-1", starts_on=date(2024, 1, 1), ends_on=date(2026, 12, 31))
    OutreachEventFactory(community=community, date=date(2025, 5, 2), programme=other)  # not counted
    for period in (Period(2025), Period(2025, 1)):
        document = compute_indicators(
            period=period, communities=Community.objects.all(), programme_wide=True, programme=programme
        )
        row = by_code(programme_results(programme, period))["I1"]
        assert row.actual == document["events"]["count"]["current"]
        assert row.cumulative == document["events"]["count"]["to_date"]
    # And the API's indicators/ of the same scope (the programme) agrees.
    staff = api_as("staff")
    figures = staff.get("/api/v1/indicators/", {"period": "2025", "programme": programme.pk}).json()
    results = staff.get("/api/v1/results/", {"programme": programme.pk, "period": "2025"}).json()
    assert [row["actual"] for row in results if row["code"] == "I1"] == [figures["events"]["count"]["current"]] == [3]


def test_a_target_for_the_total_to_date_is_met_by_the_cumulative_figure(programme, logframe, community):
    """An end-of-programme target ("25 certified") compares with everything achieved so far."""
    from programmes.models import Measure

    OutreachEventFactory(community=community, date=date(2024, 6, 1), programme=programme)
    OutreachEventFactory(community=community, date=date(2025, 6, 1), programme=programme)
    indicator = logframe["events"]
    before = by_code(programme_results(programme, Period(2025)))[indicator.code]
    indicator.measure = Measure.TO_DATE
    indicator.save()
    after = by_code(programme_results(programme, Period(2025)))[indicator.code]
    assert (before.actual, before.cumulative) == (after.actual, after.cumulative) == (1, 2)
    assert after.percent_achieved == 2 / after.target * 100 != before.percent_achieved
    assert after.as_row()["measure"] == "to_date"


def test_a_year_sums_its_half_year_targets_and_approved_values(programme, logframe):
    row = by_code(programme_results(programme, Period(2025)))["I2"]
    assert (row.target, row.actual, row.cumulative) == (10.0, 3.0, 3.0)
    assert row.percent_achieved == 30.0
    assert row.status == "off_track"
    half = by_code(programme_results(programme, Period(2025, 1)))["I2"]
    assert (half.target, half.actual, half.percent_achieved, half.status) == (4.0, 3.0, 75.0, "at_risk")


def test_an_unapproved_value_does_not_count(programme, logframe):
    logframe["value"].approved_at = None
    logframe["value"].approved_by = None
    logframe["value"].save()
    row = by_code(programme_results(programme, Period(2025, 1)))["I2"]
    assert (row.actual, row.percent_achieved, row.status) == (None, None, None)


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "actual", "percent"),
    [
        (Direction.MORE, None, 10, 9, 90.0),
        (Direction.MORE, None, 0, 3, None),
        (Direction.MORE, None, None, 3, None),
        (Direction.LESS, 20, 10, 15, 50.0),  # halfway from 20 down to 10
        (Direction.LESS, 20, 10, 8, 120.0),
        (Direction.LESS, 20, 10, 25, -50.0),
        (Direction.LESS, None, 10, 20, 50.0),
        (Direction.LESS, None, 10, 0, 100.0),
    ],
)
def test_percent_achieved(direction, baseline, target, actual, percent):
    assert percent_achieved(direction=direction, baseline=baseline, target=target, actual=actual) == percent


def test_statuses_follow_the_programmes_thresholds(programme):
    assert [status_of(programme, value) for value in (95, 90, 89.9, 60, 59.9, None)] == [
        "on_track",
        "on_track",
        "at_risk",
        "at_risk",
        "off_track",
        None,
    ]
    programme.on_track_from, programme.at_risk_from = 100, 80
    assert [status_of(programme, value) for value in (99, 80, 79)] == ["at_risk", "at_risk", "off_track"]


def test_a_less_is_better_indicator_against_its_baseline(programme, logframe, community):
    fewer = indicator_save(
        indicator=Indicator(
            result=logframe["output"],
            code="I3",
            name="Incidents",
            unit="incidents",
            direction=Direction.LESS,
            source=IndicatorSource.COMPUTED,
            figure="events.count",
            baseline_value=Decimal(5),
            baseline_date=date(2024, 1, 1),
        )
    )
    target_save(target=Target(indicator=fewer, period="2025", value=Decimal(1)))
    OutreachEventFactory(community=community, date=date(2025, 3, 1))
    OutreachEventFactory(community=community, date=date(2025, 4, 1))
    row = by_code(programme_results(programme, Period(2025)))["I3"]
    assert (row.baseline, row.target, row.actual, row.percent_achieved, row.status) == (5.0, 1.0, 2.0, 75.0, "at_risk")


def test_a_period_outside_the_programme_is_refused_naming_it(programme):
    with pytest.raises(ValidationError) as caught:
        check_period(programme, Period(2027, 1))
    assert "2027-H1" in caught.value.message_dict["period"][0]


def test_the_periods_of_a_programme_are_its_years_and_half_years(programme):
    programme.starts_on = date(2024, 9, 1)
    assert [period.code for period in programme_periods(programme)] == ["2024", "2024-H2", "2025", "2025-H1", "2025-H2"]


# --- the API ----------------------------------------------------------------------------------------

ROW_FIELDS = {
    "indicator",
    "code",
    "name",
    "unit",
    "baseline",
    "target",
    "actual",
    "percent_achieved",
    "status",
    "sdg_targets",
    "result",
    "result_level",
    "direction",
    "measure",
    "source",
    "figure",
    "cumulative",
    "period",
}


def test_the_api_answers_one_row_per_indicator(programme, logframe, partner):
    client = key_client(issue_key(partner))
    response = client.get("/api/v1/results/", {"programme": programme.pk, "period": "2025-h1"})
    assert response.status_code == 200
    rows = response.json()
    assert [row["code"] for row in rows] == ["I1", "I2"]
    assert set(rows[0]) == ROW_FIELDS
    assert rows[0]["sdg_targets"] == ["16.7"]
    assert rows[1] | {"indicator": 0} == {
        "indicator": 0,
        "code": "I2",
        "name": "Handbooks printed",
        "unit": "copies",
        "result": "OP1.1",
        "result_level": "output",
        "direction": "more",
        "measure": "period",
        "source": "reported",
        "figure": "",
        "period": "2025-H1",
        "baseline": None,
        "target": 4.0,
        "actual": 3.0,
        "cumulative": 3.0,
        "percent_achieved": 75.0,
        "status": "at_risk",
        "sdg_targets": [],
    }
    one = client.get(f"/api/v1/results/{logframe['handbook'].pk}/", {"period": "2025-H1"})
    assert one.json() == rows[1]


def test_the_api_gives_the_rows_as_csv_and_xlsx(programme, logframe, api_as):
    client = api_as("staff")
    query = {"programme": programme.pk, "period": "2025"}
    csv = client.get("/api/v1/results/", {**query, "format": "csv"})
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    header, *lines = csv.content.decode("utf-8-sig").splitlines()
    assert header.split(",")[:4] == ["indicator", "code", "name", "unit"]
    assert len(lines) == 2
    xlsx = client.get("/api/v1/results/", {**query, "format": "xlsx"})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("indicator", "code")
    assert [row[1] for row in rows[1:]] == ["I1", "I2"]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({}, {"programme", "period"}),
        ({"period": "2025"}, {"programme"}),
        ({"programme": "PROGRAMME"}, {"period"}),
        ({"programme": 999999, "period": "2025"}, {"programme"}),
        ({"programme": "PROGRAMME", "period": "2025-H3"}, {"period"}),
        ({"programme": "PROGRAMME", "period": "2023"}, {"period"}),
    ],
)
def test_the_api_refuses_a_bad_query_naming_the_parameter(programme, logframe, api_as, query, fields):
    query = {name: programme.pk if value == "PROGRAMME" else value for name, value in query.items()}
    response = api_as("staff").get("/api/v1/results/", query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], set(error["fields"])) == ("invalid", fields)
    if query.get("period") == "2023":
        assert "2023" in error["fields"]["period"][0]


def test_a_programme_the_caller_cannot_see_is_an_unknown_one(logframe, other_community, programme):
    from tests.communities.api_support import other_partner

    stranger = key_client(issue_key(other_partner(other_community)))
    hidden = stranger.get("/api/v1/results/", {"programme": programme.pk, "period": "2025"})
    assert hidden.status_code == 400
    assert set(hidden.json()["error"]["fields"]) == {"programme"}
    assert stranger.get(f"/api/v1/results/{logframe['events'].pk}/", {"period": "2025"}).status_code == 404
