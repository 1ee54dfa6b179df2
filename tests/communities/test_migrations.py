"""The seven score columns became the first assessment instrument: a populated database keeps
every assessment and score, and gives the same assessment figures after the migration as the
figures computed the old way (straight from the columns) before it."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Avg, Count, ExpressionWrapper, FloatField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce

from communities.models import ASSESSMENT_DIMENSIONS, FIRST_INSTRUMENT, AssessmentScore, Community, SafetyAssessment
from reports.indicators import MOMENTS, Period, _assessment_windows, _score_row, compute_indicators
from tests.api.test_migrations import latest, migrate

pytestmark = pytest.mark.migrations


def before_instruments():
    """Communities before instruments, with the programmes as they are now (their model's state
    too: an assessment needs a programme)."""
    return [("communities", "0004_programme"), *[leaf for leaf in latest() if leaf[0] == "programmes"]]


SCORES = (*ASSESSMENT_DIMENSIONS, "overall")
PERIODS = [Period(2025), Period(2025, 2), Period(2025, 1), Period(2024, 2), Period(2024), Period(2023, 1)]


def _populate(old) -> dict[tuple[str, int, int], dict[str, Decimal]]:
    """Five communities, assessed over 2023-H1..2025-H2 with gaps; scores drawn at random (seeded)."""
    region = old.get_model("communities", "Region").objects.create(name="Old region", country="UA")
    programme = old.get_model("programmes", "Programme").objects.create(
        code="OLD",
        name="Old",
        name_en="Old",
        starts_on=date(2023, 1, 1),
        ends_on=date(2026, 12, 31),
        implementing_organisation="NGO",
        countries=["UA"],
        currency="UAH",
        budget=0,
    )
    rng = random.Random(14)
    written = {}
    for number in range(5):
        community = old.get_model("communities", "Community").objects.create(name=f"Громада {number}", region=region)
        for year in (2023, 2024, 2025):
            for half in (1, 2):
                if rng.random() < 0.25:
                    continue  # not assessed that half-year
                scores = {name: Decimal(rng.randint(100, 500)) / 100 for name in ASSESSMENT_DIMENSIONS}
                old.get_model("communities", "SafetyAssessment").objects.create(
                    community=community,
                    year=year,
                    half=half,
                    assessed_on=date(year, 6 if half == 1 else 12, 10),
                    programme=programme,
                    respondents=rng.randint(20, 150),
                    **scores,
                )
                written[(community.name, year, half)] = scores
    return written


def _old_figures(old, period: Period) -> dict:
    """The assessment figures as ``reports.indicators`` computed them from the seven columns
    before instruments existed (that code, over the old models)."""
    assessments = old.get_model("communities", "SafetyAssessment").objects
    communities = old.get_model("communities", "Community").objects

    def expression(name):
        if name != "overall":
            return Cast(name, FloatField())
        total = Cast(ASSESSMENT_DIMENSIONS[0], FloatField())
        for dimension in ASSESSMENT_DIMENSIONS[1:]:
            total = total + Cast(dimension, FloatField())
        return ExpressionWrapper(total / Value(float(len(ASSESSMENT_DIMENSIONS))), output_field=FloatField())

    windows = _assessment_windows(period)
    means = {}
    annotations = {}
    for moment, (within, earliest) in windows.items():
        order = ["year", "half"] if earliest else ["-year", "-half"]
        pick = assessments.filter(within, community=OuterRef("community")).order_by(*order).values("pk")[:1]
        aggregates = assessments.filter(within, pk=Subquery(pick)).aggregate(
            assessed=Count("pk"),
            respondents=Coalesce(Sum("respondents"), 0),
            **{f"mean_{name}": Avg(expression(name)) for name in SCORES},
        )
        means[moment] = aggregates
        picked = assessments.filter(within, community=OuterRef("pk")).order_by(*order)
        for name in SCORES:
            annotations[f"{moment}__{name}"] = Subquery(
                picked.annotate(score=expression(name)).values("score")[:1], output_field=FloatField()
            )
        if moment == "current":
            annotations["year"] = Subquery(picked.values("year")[:1])
            annotations["half"] = Subquery(picked.values("half")[:1])
            annotations["respondents"] = Subquery(picked.values("respondents")[:1])
    by_community = {
        row["name"]: {
            "assessed": f"{row['year']}-H{row['half']}" if row["year"] else None,
            "respondents": row["respondents"],
            "scores": {name: _score_row({moment: row[f"{moment}__{name}"] for moment in MOMENTS}) for name in SCORES},
        }
        for row in communities.annotate(**annotations).values("name", *annotations)
    }
    return {
        "communities_assessed": {moment: means[moment]["assessed"] for moment in MOMENTS},
        "respondents": {moment: means[moment]["respondents"] for moment in MOMENTS},
        "dimensions": {
            name: _score_row({moment: means[moment][f"mean_{name}"] for moment in MOMENTS}) for name in SCORES
        },
        "by_community": by_community,
    }


def _new_figures(period: Period) -> dict:
    document = compute_indicators(period=period, communities=Community.objects.all())
    assessments = document["assessments"]
    assert document["police"]["trust_in_police"] == assessments["dimensions"]["trust_in_police"]
    assert document["police"]["police_interaction"] == assessments["dimensions"]["police_interaction"]
    return {
        "communities_assessed": assessments["communities_assessed"],
        "respondents": assessments["respondents"],
        "dimensions": assessments["dimensions"],
        "by_community": {row["name"]: row["assessment"] for row in document["community_rows"]},
    }


def _differences(new, old, path="") -> list[str]:
    """Where two documents differ, by dotted path (with both values)."""
    if isinstance(new, dict) and isinstance(old, dict):
        found = []
        for key in sorted(new.keys() | old.keys()):
            found += _differences(new.get(key), old.get(key), f"{path}.{key}")
        return found
    return [] if new == old else [f"{path}: {new!r} != {old!r}"]


@pytest.mark.django_db(transaction=True)
def test_migrated_assessments_give_the_same_figures_as_the_columns_did():
    try:
        old = migrate(before_instruments())
        written = _populate(old)
        before = {period: _old_figures(old, period) for period in PERIODS}
        assert any(figures["dimensions"]["overall"]["change_since_baseline"] for figures in before.values())

        migrate(latest())

        code, version = FIRST_INSTRUMENT
        assert set(SafetyAssessment.objects.values_list("instrument__code", "instrument__version")) == {(code, version)}
        assert AssessmentScore.objects.count() == 7 * len(written)
        migrated = {
            (name, year, half, dimension): value
            for name, year, half, dimension, value in AssessmentScore.objects.values_list(
                "assessment__community__name", "assessment__year", "assessment__half", "dimension__code", "value"
            )
        }
        assert migrated == {
            (*key, dimension): value for key, scores in written.items() for dimension, value in scores.items()
        }
        for period in PERIODS:
            assert _differences(_new_figures(period), before[period]) == [], period
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_migrating_back_restores_the_seven_columns():
    try:
        old = migrate(before_instruments())
        written = _populate(old)
        migrate(latest())

        old = migrate(before_instruments())

        restored = {
            (row["community__name"], row["year"], row["half"]): {name: row[name] for name in ASSESSMENT_DIMENSIONS}
            for row in old.get_model("communities", "SafetyAssessment").objects.values(
                "community__name", "year", "half", *ASSESSMENT_DIMENSIONS
            )
        }
        assert restored == written
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_an_assessment_of_another_instrument_stops_the_way_back():
    from tests.communities.factories import AssessmentDimensionFactory, SafetyAssessmentFactory

    try:
        dimension = AssessmentDimensionFactory(code="cctv")
        SafetyAssessmentFactory(instrument=dimension.instrument, scores={"cctv": Decimal(2)})
        with pytest.raises(RuntimeError, match="other instruments"):
            migrate(before_instruments())
        assert SafetyAssessment.objects.filter(Q(scores__value=Decimal(2))).count() == 1
    finally:
        migrate(latest())
