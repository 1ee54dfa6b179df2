from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from access.capabilities import Capability, role_can
from access.roles import Role
from access.viewer import Viewer
from communities.models import (
    ASSESSMENT_DIMENSIONS,
    FIRST_INSTRUMENT,
    AssessmentDimension,
    AssessmentInstrument,
    AssessmentScore,
    Community,
    Country,
    Engagement,
    EngagementMode,
    PartnerOrganisation,
    Partnership,
    Region,
    SafetyAssessment,
    Topic,
)
from communities.services import assessment_first_instrument


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "secret-password")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if extracted:
            user.groups.add(Group.objects.get_or_create(name=Role(extracted).value)[0])
            user.is_staff = role_can(Role(extracted), Capability.USES_ADMIN)
        user.save()


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["country", "name"]

    name = factory.Sequence(lambda n: f"Область {n}")
    country = Country.UKRAINE


# Every activity record belongs to a programme its community takes part in on its date. So that
# tests need not say so, each community a factory makes takes part in one shared programme over
# all the dates the portal accepts (tests/programmes turn this off: they count programmes).
TEST_PROGRAMME_CODE = "TEST"
JOIN_TEST_PROGRAMME = True


def test_programme():
    """The shared programme of the tests, 2000-01-01..2100-12-31."""
    from programmes.models import Programme

    programme, _ = Programme.objects.get_or_create(
        code=TEST_PROGRAMME_CODE,
        defaults={
            "name": "Тестова програма",
            "name_en": "Test programme",
            "implementing_organisation": "ГО «Інститут миру і порозуміння»",
            "starts_on": date(2000, 1, 1),
            "ends_on": date(2100, 12, 31),
            "countries": ["UA"],
            "currency": "UAH",
            "budget": Decimal("0"),
            "status": "active",
        },
    )
    return programme


def join_test_programme(community) -> None:
    from programmes.models import Participation

    Participation.objects.get_or_create(
        programme=test_programme(), community=community, defaults={"joined_on": date(2000, 1, 1)}
    )


def programme_of(on, community):
    """The programme an activity factory gives ``record``: the one its community takes part in on
    the record's date (the shared test programme unless the test set up another)."""
    from programmes.attribution import current_programme

    if community is not None and community.pk is None:  # built, not saved
        return test_programme()
    if community is not None:
        join_test_programme(community)
    return current_programme(community, on) or test_programme()


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Громада {n}")
    region = factory.SubFactory(RegionFactory)
    population = 12_000
    latitude = Decimal("49.40000")
    longitude = Decimal("27.00000")

    @factory.post_generation
    def takes_part(community, create, extracted, **kwargs):
        if create and (extracted if extracted is not None else JOIN_TEST_PROGRAMME):
            join_test_programme(community)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    community = factory.SubFactory(CommunityFactory)
    joined_on = date(2024, 1, 1)


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"ГО «Партнер {n}»")
    country = Country.UKRAINE

    @factory.post_generation
    def communities(partner, create, extracted, **kwargs):
        if extracted:
            partner.communities.add(*extracted)


class SafetyAssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment with the first instrument's seven scores (pass them by code), or, with
    ``instrument`` and ``scores`` (by code), another instrument's."""

    class Meta:
        model = SafetyAssessment

    community = factory.SubFactory(CommunityFactory)
    year = 2025
    half = 1
    assessed_on = date(2025, 6, 20)
    programme = factory.LazyAttribute(lambda o: programme_of(o.assessed_on, o.community))
    instrument = factory.LazyFunction(assessment_first_instrument)
    respondents = 60
    perceived_safety = Decimal("3.20")
    trust_in_police = Decimal("2.90")
    police_interaction = Decimal("3.00")
    cohesion = Decimal("3.40")
    stakeholder_communication = Decimal("3.10")
    inclusion = Decimal("2.80")
    infrastructure_safety = Decimal("3.30")
    scores = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        first = {code: kwargs.pop(code) for code in ASSESSMENT_DIMENSIONS}
        scores = kwargs.pop("scores")
        assessment = super()._create(model_class, *args, **kwargs)
        if scores is None:
            scores = first if (assessment.instrument.code, assessment.instrument.version) == FIRST_INSTRUMENT else {}
        dimensions = {dimension.code: dimension for dimension in assessment.instrument.dimensions.all()}
        AssessmentScore.objects.bulk_create(
            AssessmentScore(assessment=assessment, dimension=dimensions[code], value=value)
            for code, value in scores.items()
        )
        return assessment


class AssessmentInstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentInstrument

    code = factory.Sequence(lambda n: f"TOOL-{n}")
    version = 1
    name = factory.Sequence(lambda n: f"Instrument {n}")


class AssessmentDimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentDimension

    instrument = factory.SubFactory(AssessmentInstrumentFactory)
    code = factory.Sequence(lambda n: f"dimension-{n}")
    name_uk = factory.LazyAttribute(lambda o: f"Вимір {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Dimension {o.code}")
    scale_min = Decimal(1)
    scale_max = Decimal(5)


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    community = factory.SubFactory(CommunityFactory)
    mode = EngagementMode.ACUTE
    topic = Topic.HOUSING
    starts_on = date(2025, 3, 1)
    ends_on = date(2025, 5, 1)
    programme = factory.LazyAttribute(lambda o: programme_of(o.starts_on, o.community))


def viewer_of(who) -> Viewer:
    """The viewer a selector is given for a user, or for a partner organisation's API key."""
    if isinstance(who, PartnerOrganisation):
        return Viewer.for_partner(who)
    return Viewer.for_user(who)
