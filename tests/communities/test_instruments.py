"""Assessment instruments that staff configure: scores on each dimension's scale, dimensions fixed
once an instrument has assessments, a new version that leaves the past alone, and the admin,
API and figures that read any instrument."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from communities.models import (
    AssessmentDimension,
    AssessmentInstrument,
    AssessmentScore,
    Direction,
    SafetyAssessment,
)
from communities.services import (
    assessment_first_instrument,
    assessment_record,
    assessment_score_save,
    instrument_new_version,
)
from reports.indicators import Period, compute_indicators
from tests.accounts.support import verified_login
from tests.communities.factories import (
    AssessmentDimensionFactory,
    AssessmentInstrumentFactory,
    CommunityFactory,
    SafetyAssessmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def broad():
    """An instrument of three dimensions: two on 1..5 (one lower-is-better), one on 0..10."""
    instrument = AssessmentInstrumentFactory(code="BROAD", name="Broad")
    AssessmentDimensionFactory(instrument=instrument, code="cctv", group="potential", position=0)
    AssessmentDimensionFactory(
        instrument=instrument, code="road_safety", group="risk", direction=Direction.LOWER_IS_BETTER, position=1
    )
    AssessmentDimensionFactory(
        instrument=instrument, code="patrols", scale_min=Decimal(0), scale_max=Decimal(10), position=2
    )
    return instrument


def record(community, instrument, year, half, **scores):
    return assessment_record(
        community=community,
        year=year,
        half=half,
        assessed_on=date(year, 6 if half == 1 else 12, 10),
        respondents=30,
        instrument=instrument,
        scores={code: Decimal(value) for code, value in scores.items()},
    )


def test_a_score_off_its_dimensions_scale_is_refused_in_the_users_language(broad, community):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        record(community, broad, 2025, 1, cctv="3", road_safety="2", patrols="11")
    assert error.value.messages == ["The score of “Dimension patrols” must be between 0 and 10."]
    assert not AssessmentScore.objects.exists()


def test_a_score_on_a_wider_scale_is_kept(broad, community):
    assessment = record(community, broad, 2025, 1, cctv="3", road_safety="2", patrols="9.5")
    assert assessment.score_values() == {"cctv": Decimal("3"), "road_safety": Decimal("2"), "patrols": Decimal("9.5")}


def test_a_score_on_another_instruments_dimension_is_refused(broad, community):
    assessment = SafetyAssessmentFactory(community=community)
    score = AssessmentScore(assessment=assessment, dimension=broad.dimensions.get(code="cctv"), value=Decimal(3))
    with translation.override("en"):  # the messages are lazy: read them in English too
        with pytest.raises(ValidationError) as error:
            score.full_clean()
        assert error.value.message_dict["dimension"] == [
            "This dimension belongs to another instrument than the assessment's."
        ]


def test_a_dimension_is_named_in_the_active_language_falling_back_to_ukrainian():
    dimension = AssessmentDimensionFactory(name_uk="Патрулювання", name_en="Patrols", name_cs="Hlídky", name_ru="")
    with translation.override("cs"):
        assert dimension.localized_name() == "Hlídky"
    with translation.override("ru"):
        assert dimension.localized_name() == "Патрулювання"
    with translation.override("en"):
        assert str(dimension) == "Patrols"


def test_an_instrument_with_assessments_keeps_its_dimensions(broad, community):
    record(community, broad, 2025, 1, cctv="3", road_safety="2", patrols="5")
    cctv = broad.dimensions.get(code="cctv")
    cctv.scale_max = Decimal(10)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            cctv.full_clean()
        assert "Make a new version of the instrument instead." in error.value.messages[0]
    with pytest.raises(ValidationError):
        cctv.save()
    with pytest.raises(ValidationError):
        AssessmentDimension(instrument=broad, code="new", name_uk="Нове", name_en="New").save()
    with pytest.raises(ValidationError):
        broad.dimensions.get(code="patrols").delete()
    # A name may still be corrected: it does not change what was measured.
    cctv.refresh_from_db()
    cctv.name_cs = "Kamerový systém"
    cctv.full_clean()
    cctv.save()
    assert broad.dimensions.count() == 3


def test_an_instrument_without_assessments_may_change(broad):
    cctv = broad.dimensions.get(code="cctv")
    cctv.scale_max = Decimal(10)
    cctv.full_clean()
    cctv.save()
    broad.dimensions.get(code="patrols").delete()
    assert broad.dimensions.count() == 2


def test_a_new_version_copies_the_dimensions_and_leaves_past_assessments_alone(broad, community):
    past = record(community, broad, 2024, 2, cctv="3", road_safety="2", patrols="5")
    copy = instrument_new_version(instrument=broad)
    assert (copy.code, copy.version) == ("BROAD", 2)
    assert list(copy.dimensions.values_list("code", "scale_min", "scale_max", "direction")) == list(
        broad.dimensions.values_list("code", "scale_min", "scale_max", "direction")
    )
    patrols = copy.dimensions.get(code="patrols")
    patrols.scale_max = Decimal(5)
    patrols.save()
    past.refresh_from_db()
    assert past.instrument == broad
    assert broad.dimensions.get(code="patrols").scale_max == Decimal(10)
    assert instrument_new_version(instrument=broad).version == 3


def test_first_instrument_is_created_with_the_seven_dimensions_once():
    first = assessment_first_instrument()
    assert assessment_first_instrument() == first
    assert (first.code, first.version, first.dimensions.count()) == ("SAFETY", 1, 7)
    with translation.override("cs"):
        assert first.dimensions.get(code="trust_in_police").localized_name() == "Důvěra v policii"


# --- figures ------------------------------------------------------------------------------------


def test_figures_take_each_instrument_on_its_own(broad):
    a, b = CommunityFactory(), CommunityFactory()
    # a: the first instrument in 2024-H2, the broad one in 2025-H1 and 2025-H2.
    SafetyAssessmentFactory(community=a, year=2024, half=2, assessed_on=date(2024, 12, 10))
    record(a, broad, 2025, 1, cctv="2", road_safety="4", patrols="6")
    record(a, broad, 2025, 2, cctv="3", road_safety="3", patrols="8")
    record(b, broad, 2025, 2, cctv="5", road_safety="1", patrols="10")
    document = compute_indicators(period=Period(2025, 2), communities=a.__class__.objects.all())
    assessments = document["assessments"]
    assert [(entry["code"], entry["version"]) for entry in assessments["instruments"]] == [("BROAD", 1), ("SAFETY", 1)]
    broad_entry, first_entry = assessments["instruments"]
    assert broad_entry["communities_assessed"] == {"current": 2, "previous": 1, "baseline": 2}
    cctv, road, patrols = broad_entry["dimensions"]
    assert (cctv["code"], cctv["group"], cctv["direction"], cctv["scale"]) == (
        "cctv",
        "potential",
        "higher",
        {"min": 1.0, "max": 5.0},
    )
    assert cctv["score"] == {
        "current": 4.0,
        "previous": 2.0,
        "change": 2.0,
        "baseline": 3.5,
        "change_since_baseline": 0.5,
    }
    assert road["direction"] == "lower"
    assert patrols["scale"] == {"min": 0.0, "max": 10.0}
    assert patrols["communities"] == {"current": 2, "previous": 1, "baseline": 2}
    # Scales differ: no overall score across them.
    assert broad_entry["overall"] is None
    # a's baseline with the first instrument is its 2024-H2 assessment, never a broad one; it has
    # none of the first instrument in 2025-H2, so its first-instrument score now is empty.
    assert first_entry["communities_assessed"] == {"current": 0, "previous": 0, "baseline": 1}
    assert assessments["dimensions"]["trust_in_police"]["baseline"] == 2.9
    assert assessments["dimensions"]["trust_in_police"]["current"] is None
    assert assessments["dimensions"]["trust_in_police"]["change_since_baseline"] is None
    # Communities assessed with any instrument.
    assert assessments["communities_assessed"]["current"] == 2


def test_overall_of_an_instrument_on_one_scale(community):
    instrument = AssessmentInstrumentFactory()
    AssessmentDimensionFactory(instrument=instrument, code="one", position=0)
    AssessmentDimensionFactory(instrument=instrument, code="two", position=1)
    record(community, instrument, 2025, 1, one="2", two="3")
    document = compute_indicators(period=Period(2025, 1), communities=community.__class__.objects.all())
    (entry,) = document["assessments"]["instruments"]
    assert entry["overall"]["current"] == 2.5


# --- the admin ----------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, staff_user):
    verified_login(client, staff_user)
    return client


def test_the_admin_offers_a_score_row_per_dimension_of_the_assessments_instrument(staff_client, broad, community):
    assessment = SafetyAssessmentFactory(community=community, instrument=broad, scores={})
    page = staff_client.get(reverse("admin:communities_safetyassessment_change", args=[assessment.pk]))
    assert page.status_code == 200
    formset = page.context["inline_admin_formsets"][0].formset
    assert [form.initial.get("dimension") for form in formset.forms] == list(
        broad.dimensions.order_by("position").values_list("pk", flat=True)
    )
    choices = [str(label) for _value, label in formset.forms[0].fields["dimension"].choices if _value]
    assert len(choices) == 3
    assert any("0–10" in label for label in choices)


def test_the_admin_refuses_a_score_off_its_scale(staff_client, broad, community):
    assessment = SafetyAssessmentFactory(community=community, instrument=broad, scores={})
    url = reverse("admin:communities_safetyassessment_change", args=[assessment.pk])
    patrols = broad.dimensions.get(code="patrols")
    data = {
        "community": community.pk,
        "programme": assessment.programme_id,
        "instrument": broad.pk,
        "year": 2025,
        "half": 1,
        "assessed_on": "2025-06-20",
        "respondents": 60,
        "identified_risks": "",
        "safety_resources": "",
        "scores-TOTAL_FORMS": "1",
        "scores-INITIAL_FORMS": "0",
        "scores-MIN_NUM_FORMS": "0",
        "scores-MAX_NUM_FORMS": "1000",
        "scores-0-dimension": patrols.pk,
        "scores-0-value": "12",
    }
    page = staff_client.post(url, data, headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "must be between 0 and 10" in page.content.decode()
    assert not AssessmentScore.objects.exists()
    data["scores-0-value"] = "7.5"
    assert staff_client.post(url, data).status_code == 302
    assert assessment.score_values() == {"patrols": Decimal("7.5")}


def test_the_new_version_action_copies_an_instrument(staff_client, broad):
    url = reverse("admin:communities_assessmentinstrument_changelist")
    page = staff_client.post(url, {"action": "make_new_version", "_selected_action": [broad.pk]})
    assert page.status_code == 302
    assert AssessmentInstrument.objects.filter(code="BROAD", version=2).exists()


def test_an_instrument_in_use_shows_its_dimensions_without_adding_or_removing(staff_client, broad, community):
    record(community, broad, 2025, 1, cctv="3")
    page = staff_client.get(reverse("admin:communities_assessmentinstrument_change", args=[broad.pk]))
    inline = page.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission
    assert not inline.has_delete_permission
    assert "scale_max" not in inline.formset.forms[0].fields


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("api_settings")
def test_the_api_gives_the_instrument_and_its_scores(api_as, broad, community):
    SafetyAssessmentFactory(community=community, year=2024, half=2, assessed_on=date(2024, 12, 10))
    record(community, broad, 2025, 1, cctv="3", patrols="9.5")
    client = api_as("partner_key")
    rows = client.get("/api/v1/assessments/", {"ordering": "assessed_on"}).json()["results"]
    first, other = rows
    assert first["instrument"] == {"code": "SAFETY", "version": 1}
    assert first["trust_in_police"] == 2.9
    assert len(first["scores"]) == 7
    assert other["instrument"] == {"code": "BROAD", "version": 1}
    assert other["trust_in_police"] is None
    scale = {"scale_min": 1.0, "scale_max": 5.0, "direction": "higher"}
    assert other["scores"] == [
        {"dimension": "cctv", "group": "potential", "value": 3.0, **scale},
        {"dimension": "patrols", "group": "other", "value": 9.5, **scale, "scale_min": 0.0, "scale_max": 10.0},
    ]
    by_code = client.get("/api/v1/assessments/", {"instrument": "BROAD", "instrument_version": 1}).json()
    assert [row["instrument"]["code"] for row in by_code["results"]] == ["BROAD"]


@pytest.mark.usefixtures("api_settings")
def test_a_changed_score_brings_its_assessment_back_into_an_incremental_sync(api_as, community):
    assessment = SafetyAssessmentFactory(community=community)
    SafetyAssessment.objects.filter(pk=assessment.pk).update(updated_at=datetime(2024, 1, 1, tzinfo=UTC))
    score = assessment.scores.get(dimension__code="cohesion")
    score.value = Decimal("4.10")
    assessment_score_save(score=score)
    rows = api_as("staff").get("/api/v1/assessments/", {"updated_since": "2024-06-01T00:00:00Z"}).json()["results"]
    assert [(row["id"], row["cohesion"]) for row in rows] == [(assessment.pk, 4.1)]
