from datetime import date

import pytest
from django.db import IntegrityError, transaction

from tests.negotiators.factories import NegotiatorFactory
from tests.training.factories import TrainingModuleFactory, TrainingSessionFactory
from training.models import Attendance, TrainingModule

pytestmark = pytest.mark.django_db


def rejected(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_module_code_is_unique():
    module = TrainingModuleFactory()
    rejected(lambda: TrainingModuleFactory(code=module.code))


def test_module_order_is_unique_within_a_level():
    module = TrainingModuleFactory()
    rejected(lambda: TrainingModuleFactory(level=module.level, order=module.order))


def test_module_has_hours():
    rejected(lambda: TrainingModule.objects.create(code="X", title="X", level="basic", order=99, hours=0))


def test_session_cannot_end_before_it_starts():
    rejected(lambda: TrainingSessionFactory(starts_on=date(2024, 3, 2), ends_on=date(2024, 3, 1)))


def test_negotiator_attends_a_session_once():
    session, negotiator = TrainingSessionFactory(), NegotiatorFactory()
    Attendance.objects.create(session=session, negotiator=negotiator)
    rejected(lambda: Attendance.objects.create(session=session, negotiator=negotiator))


def test_only_someone_present_completes_the_module():
    session, negotiator = TrainingSessionFactory(), NegotiatorFactory()
    rejected(lambda: Attendance.objects.create(session=session, negotiator=negotiator, present=False, completed=True))
