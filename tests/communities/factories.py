from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from access.capabilities import Capability, role_can
from access.roles import Role
from access.viewer import Viewer
from communities.models import (
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


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Громада {n}")
    region = factory.SubFactory(RegionFactory)
    population = 12_000
    latitude = Decimal("49.40000")
    longitude = Decimal("27.00000")


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
    class Meta:
        model = SafetyAssessment

    community = factory.SubFactory(CommunityFactory)
    year = 2025
    half = 1
    assessed_on = date(2025, 6, 20)
    respondents = 60
    perceived_safety = Decimal("3.20")
    trust_in_police = Decimal("2.90")
    police_interaction = Decimal("3.00")
    cohesion = Decimal("3.40")
    stakeholder_communication = Decimal("3.10")
    inclusion = Decimal("2.80")
    infrastructure_safety = Decimal("3.30")


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    community = factory.SubFactory(CommunityFactory)
    mode = EngagementMode.ACUTE
    topic = Topic.HOUSING
    starts_on = date(2025, 3, 1)
    ends_on = date(2025, 5, 1)


def viewer_of(who) -> Viewer:
    """The viewer a selector is given for a user, or for a partner organisation's API key."""
    if isinstance(who, PartnerOrganisation):
        return Viewer.for_partner(who)
    return Viewer.for_user(who)
