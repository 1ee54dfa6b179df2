from datetime import date
from decimal import Decimal

import factory

from events.models import Person
from support.models import Activity, Mediator, Recommendation, RecommendationStatus, ServiceLine, Step
from tests.communities.factories import EngagementFactory


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Mediátorka {n}")
    organisation = "Inkluzivní obec, z. s."
    email = factory.Sequence(lambda n: f"mediator.{n}@example.org")
    phone = "+420 777 123 456"


class MediatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mediator

    person = factory.SubFactory(PersonFactory)
    training = "Výcvik v mediaci, 100 hodin"
    certified_on = date(2020, 6, 1)
    certification_body = "Ministerstvo spravedlnosti ČR"
    languages = "čeština, romština"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    engagement = factory.SubFactory(EngagementFactory)
    line = ServiceLine.MEDIATION
    step = Step.MEDIATION_SESSION
    date = factory.LazyAttribute(lambda o: o.engagement.starts_on)
    hours = Decimal("2.0")


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    engagement = factory.SubFactory(EngagementFactory)
    line = ServiceLine.PROCESS_MAPPING
    text = "Zjednodušit formulář žádosti o obecní byt."
    made_on = factory.LazyAttribute(lambda o: o.engagement.starts_on)
    status = RecommendationStatus.PROPOSED
    status_on = factory.LazyAttribute(lambda o: o.made_on)
