from datetime import UTC, date, datetime

import pytest

from negotiators.models import NegotiatorStatus
from tests.negotiators.factories import NegotiatorFactory
from tests.training.factories import TrainingModuleFactory, TrainingSessionFactory
from training.models import TrainingSession
from training.services import attendance_record, session_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    basic = [TrainingModuleFactory(level="basic", order=n) for n in (1, 2)]
    advanced = [TrainingModuleFactory(level="advanced", order=1)]
    sessions = {
        module.pk: TrainingSessionFactory(module=module, starts_on=date(2024, n + 1, 1))
        for n, module in enumerate(basic + advanced)
    }
    return basic, advanced, sessions


def complete(negotiator, modules, sessions):
    for module in modules:
        attendance_record(session=sessions[module.pk], negotiator=negotiator, present=True, completed=True)


def test_new_negotiator_is_a_candidate():
    assert NegotiatorFactory().status == NegotiatorStatus.CANDIDATE


def test_one_completed_module_makes_a_negotiator_trained(school):
    basic, _advanced, sessions = school
    negotiator = NegotiatorFactory()
    complete(negotiator, basic[:1], sessions)
    assert negotiator.status == NegotiatorStatus.TRAINED
    assert negotiator.certified_on is None


def test_all_basic_modules_certify_on_the_last_sessions_end(school):
    basic, _advanced, sessions = school
    negotiator = NegotiatorFactory()
    complete(negotiator, basic, sessions)
    negotiator.refresh_from_db()
    assert negotiator.status == NegotiatorStatus.CERTIFIED
    assert negotiator.certified_on == sessions[basic[-1].pk].ends_on


def test_presence_without_completion_does_not_count(school):
    basic, _advanced, sessions = school
    negotiator = NegotiatorFactory()
    for module in basic:
        attendance_record(session=sessions[module.pk], negotiator=negotiator, present=True, completed=False)
    assert negotiator.status == NegotiatorStatus.CANDIDATE


def test_advanced_modules_after_certification_make_an_advanced_negotiator(school):
    basic, advanced, sessions = school
    negotiator = NegotiatorFactory()
    complete(negotiator, basic + advanced, sessions)
    negotiator.refresh_from_db()
    assert negotiator.status == NegotiatorStatus.ADVANCED


def test_pilot_graduate_certified_earlier_becomes_advanced_with_advanced_modules_only(school):
    _basic, advanced, sessions = school
    negotiator = NegotiatorFactory(cohort="pilot", certified_on=date(2023, 6, 30))
    complete(negotiator, advanced, sessions)
    negotiator.refresh_from_db()
    assert negotiator.status == NegotiatorStatus.ADVANCED
    assert negotiator.certified_on == date(2023, 6, 30)


def test_inactive_module_does_not_block_certification(school):
    basic, _advanced, sessions = school
    extra = TrainingModuleFactory(level="basic", order=3, is_active=False)
    negotiator = NegotiatorFactory()
    complete(negotiator, basic, sessions)
    negotiator.refresh_from_db()
    assert not extra.is_active
    assert negotiator.status == NegotiatorStatus.CERTIFIED


def test_deleting_a_session_withdraws_the_certification_it_earned(school, staff_user):
    basic, _advanced, sessions = school
    negotiator = NegotiatorFactory()
    complete(negotiator, basic, sessions)
    session_delete(sessions=TrainingSession.objects.filter(pk=sessions[basic[-1].pk].pk), actor=staff_user)
    negotiator.refresh_from_db()
    assert (negotiator.status, negotiator.certified_on) == (NegotiatorStatus.TRAINED, None)


def test_deleting_a_session_leaves_a_pilot_graduates_earlier_certification(school, staff_user):
    _basic, advanced, sessions = school
    negotiator = NegotiatorFactory(cohort="pilot", certified_on=date(2023, 6, 30))
    complete(negotiator, advanced, sessions)
    session_delete(sessions=TrainingSession.objects.filter(pk=sessions[advanced[0].pk].pk), actor=staff_user)
    negotiator.refresh_from_db()
    assert (negotiator.status, negotiator.certified_on) == (NegotiatorStatus.CERTIFIED, date(2023, 6, 30))


def test_a_completion_corrected_to_not_completed_withdraws_the_certification(school):
    basic, _advanced, sessions = school
    negotiator = NegotiatorFactory()
    complete(negotiator, basic, sessions)
    attendance_record(session=sessions[basic[0].pk], negotiator=negotiator, present=True, completed=False)
    negotiator.refresh_from_db()
    assert (negotiator.status, negotiator.certified_on) == (NegotiatorStatus.TRAINED, None)


def test_recording_attendance_counts_as_a_change_of_the_session(school):
    basic, _advanced, sessions = school
    session = sessions[basic[0].pk]
    long_ago = datetime(2024, 1, 1, tzinfo=UTC)
    TrainingSession.objects.filter(pk=session.pk).update(updated_at=long_ago)
    attendance_record(session=session, negotiator=NegotiatorFactory(), present=True, completed=True)
    session.refresh_from_db()
    assert session.updated_at > long_ago
