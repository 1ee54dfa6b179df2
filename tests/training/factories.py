from datetime import date, timedelta

import factory

from tests.communities.factories import programme_of
from training.models import ModuleLevel, TrainingModule, TrainingSession


class TrainingModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingModule

    code = factory.Sequence(lambda n: f"M{n}")
    title = factory.Sequence(lambda n: f"Модуль {n}")
    level = ModuleLevel.BASIC
    order = factory.Sequence(lambda n: n + 1)
    hours = 16


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    module = factory.SubFactory(TrainingModuleFactory)
    starts_on = date(2024, 3, 1)
    ends_on = factory.LazyAttribute(lambda session: session.starts_on + timedelta(days=2))
    place = "Хмельницький"
    programme = factory.LazyAttribute(lambda o: programme_of(o.starts_on, getattr(o, "host_community", None)))
