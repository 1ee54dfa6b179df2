from datetime import date

import factory

from negotiators.models import Cohort, EventKind, MediaMention, Medium, Negotiator, NegotiatorContact, OutreachEvent
from tests.communities.factories import CommunityFactory, programme_of


class NegotiatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Negotiator
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    cohort = Cohort.NEW
    joined_on = date(2024, 2, 1)
    contact = factory.RelatedFactory(
        "tests.negotiators.factories.NegotiatorContactFactory", factory_related_name="negotiator"
    )


class NegotiatorContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NegotiatorContact

    negotiator = factory.SubFactory(NegotiatorFactory, contact=None)
    full_name = factory.Sequence(lambda n: f"Ковальчук Олена {n}")
    phone = factory.Sequence(lambda n: f"+380 67 {n:07d}")
    email = factory.Sequence(lambda n: f"negotiator{n}@example.org")


class OutreachEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutreachEvent

    community = factory.SubFactory(CommunityFactory)
    kind = EventKind.INFORMATION_SESSION
    title = factory.Sequence(lambda n: f"Інформаційна зустріч {n}")
    date = date(2025, 3, 14)
    topic = "feeling_of_safety"
    participants_total = 10
    participants_women = 6
    participants_men = 4
    programme = factory.LazyAttribute(lambda o: programme_of(o.date, o.community))


class MediaMentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaMention

    outlet = "Суспільне Хмельницький"
    medium = Medium.TV
    published_on = date(2025, 3, 15)
    title = factory.Sequence(lambda n: f"Сюжет {n}")
    reach = 50_000
    programme = factory.LazyAttribute(lambda o: programme_of(o.published_on, getattr(o, "community", None)))
