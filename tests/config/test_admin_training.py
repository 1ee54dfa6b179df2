"""The School in the staff admin: whatever staff delete or change there, the negotiators' status
and the sessions' sync date follow."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from negotiators.models import NegotiatorStatus
from tests.accounts.support import verified_login
from tests.negotiators.factories import NegotiatorFactory
from tests.training.factories import TrainingModuleFactory, TrainingSessionFactory
from training.models import Attendance, TrainingSession
from training.services import attendance_record

pytestmark = pytest.mark.django_db

LONG_AGO = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def certified(db):
    """A negotiator certified by the two basic sessions they completed."""
    negotiator = NegotiatorFactory()
    sessions = [TrainingSessionFactory(module=TrainingModuleFactory(level="basic", order=n)) for n in (1, 2)]
    for session in sessions:
        attendance_record(session=session, negotiator=negotiator, completed=True)
    negotiator.refresh_from_db()
    assert negotiator.status == NegotiatorStatus.CERTIFIED
    return negotiator, sessions


@pytest.fixture
def staff_client(client, staff_user):
    verified_login(client, staff_user)
    return client


def status_of(negotiator):
    negotiator.refresh_from_db()
    return negotiator.status, negotiator.certified_on


def test_deleting_a_session_withdraws_the_certification_it_earned(staff_client, certified):
    negotiator, sessions = certified
    response = staff_client.post(
        reverse("admin:training_trainingsession_delete", args=[sessions[0].pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert status_of(negotiator) == (NegotiatorStatus.TRAINED, None)


def test_bulk_deleting_sessions_withdraws_the_certification_they_earned(staff_client, certified):
    negotiator, sessions = certified
    response = staff_client.post(
        reverse("admin:training_trainingsession_changelist"),
        {"action": "delete_selected", "_selected_action": [session.pk for session in sessions], "post": "yes"},
    )
    assert response.status_code == 302
    assert not TrainingSession.objects.exists()
    assert status_of(negotiator) == (NegotiatorStatus.CANDIDATE, None)


def test_deleting_an_attendance_row_withdraws_the_certification_it_earned(staff_client, certified):
    negotiator, sessions = certified
    attendance = Attendance.objects.get(session=sessions[1], negotiator=negotiator)
    response = staff_client.post(reverse("admin:training_attendance_delete", args=[attendance.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert status_of(negotiator) == (NegotiatorStatus.TRAINED, None)


def test_bulk_deleting_attendance_withdraws_the_certification_it_earned(staff_client, certified):
    negotiator, _sessions = certified
    response = staff_client.post(
        reverse("admin:training_attendance_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(Attendance.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert status_of(negotiator) == (NegotiatorStatus.CANDIDATE, None)


def test_attendance_added_in_the_admin_counts_as_a_change_of_its_session(staff_client):
    session = TrainingSessionFactory()
    TrainingSession.objects.filter(pk=session.pk).update(updated_at=LONG_AGO)
    response = staff_client.post(
        reverse("admin:training_attendance_add"),
        {"session": session.pk, "negotiator": NegotiatorFactory().pk, "present": "on"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.updated_at > LONG_AGO


def session_form(session, **changes):
    """The session's change form as staff would post it, its attendance inline untouched."""
    attendances = list(session.attendances.order_by("pk"))
    data = {
        "module": session.module_id,
        "starts_on": session.starts_on.isoformat(),
        "ends_on": session.ends_on.isoformat(),
        "place": session.place,
        "attendances-TOTAL_FORMS": len(attendances),
        "attendances-INITIAL_FORMS": len(attendances),
        "attendances-MIN_NUM_FORMS": 0,
        "attendances-MAX_NUM_FORMS": 1000,
    }
    for n, attendance in enumerate(attendances):
        data |= {
            f"attendances-{n}-id": attendance.pk,
            f"attendances-{n}-session": session.pk,
            f"attendances-{n}-negotiator": attendance.negotiator_id,
            f"attendances-{n}-present": "on" if attendance.present else "",
            f"attendances-{n}-completed": "on" if attendance.completed else "",
        }
    return data | changes


def test_moving_the_last_basic_sessions_dates_moves_the_certification_date(staff_client, certified):
    negotiator, sessions = certified
    last = max(sessions, key=lambda session: session.ends_on)
    response = staff_client.post(
        reverse("admin:training_trainingsession_change", args=[last.pk]),
        session_form(last, starts_on="2024-05-06", ends_on="2024-05-08"),
    )
    assert response.status_code == 302
    assert status_of(negotiator) == (NegotiatorStatus.CERTIFIED, date(2024, 5, 8))


def test_moving_a_session_to_another_module_withdraws_the_certification_it_earned(staff_client, certified):
    negotiator, sessions = certified
    advanced = TrainingModuleFactory(level="advanced", order=1)
    response = staff_client.post(
        reverse("admin:training_trainingsession_change", args=[sessions[0].pk]),
        session_form(sessions[0], module=advanced.pk),
    )
    assert response.status_code == 302
    assert status_of(negotiator) == (NegotiatorStatus.TRAINED, None)


def test_editing_a_session_keeps_a_pilot_graduates_earlier_certification(staff_client, certified):
    negotiator, sessions = certified
    negotiator.certified_on = date(2019, 6, 1)
    negotiator.save()
    response = staff_client.post(
        reverse("admin:training_trainingsession_change", args=[sessions[0].pk]),
        session_form(sessions[0], starts_on="2024-05-06", ends_on="2024-05-08"),
    )
    assert response.status_code == 302
    assert status_of(negotiator) == (NegotiatorStatus.CERTIFIED, date(2019, 6, 1))


def test_a_session_added_with_its_attendance_certifies_who_completed_it(staff_client):
    negotiator = NegotiatorFactory()
    first, second = (TrainingModuleFactory(level="basic", order=n) for n in (1, 2))
    attendance_record(session=TrainingSessionFactory(module=first), negotiator=negotiator, completed=True)
    response = staff_client.post(
        reverse("admin:training_trainingsession_add"),
        {
            "module": second.pk,
            "starts_on": "2024-09-02",
            "ends_on": "2024-09-03",
            "place": "Хмельницький",
            "attendances-TOTAL_FORMS": 1,
            "attendances-INITIAL_FORMS": 0,
            "attendances-MIN_NUM_FORMS": 0,
            "attendances-MAX_NUM_FORMS": 1000,
            "attendances-0-negotiator": negotiator.pk,
            "attendances-0-present": "on",
            "attendances-0-completed": "on",
        },
    )
    assert response.status_code == 302
    assert status_of(negotiator) == (NegotiatorStatus.CERTIFIED, date(2024, 9, 3))


def module_form(module, **changes):
    return {
        "code": module.code,
        "title": module.title,
        "level": module.level,
        "order": module.order,
        "hours": module.hours,
        "is_active": "on" if module.is_active else "",
    } | changes


def test_deactivating_the_basic_module_a_negotiator_lacks_certifies_them(staff_client):
    negotiator = NegotiatorFactory()
    first, second = (TrainingModuleFactory(level="basic", order=n) for n in (1, 2))
    attendance_record(
        session=TrainingSessionFactory(module=first, starts_on=date(2024, 4, 1)), negotiator=negotiator, completed=True
    )
    assert status_of(negotiator) == (NegotiatorStatus.TRAINED, None)
    response = staff_client.post(
        reverse("admin:training_trainingmodule_change", args=[second.pk]), module_form(second, is_active="")
    )
    assert response.status_code == 302
    assert status_of(negotiator) == (NegotiatorStatus.CERTIFIED, date(2024, 4, 3))


def test_a_new_advanced_module_keeps_certifications_and_asks_advanced_negotiators_for_it(staff_client, certified):
    negotiator, _sessions = certified
    advanced = TrainingModuleFactory(level="advanced", order=1)
    attendance_record(session=TrainingSessionFactory(module=advanced), negotiator=negotiator, completed=True)
    certified_on = negotiator.certified_on
    assert status_of(negotiator) == (NegotiatorStatus.ADVANCED, certified_on)
    response = staff_client.post(
        reverse("admin:training_trainingmodule_add"),
        module_form(TrainingModuleFactory.build(level="advanced", order=2)),
    )
    assert response.status_code == 302
    assert status_of(negotiator) == (NegotiatorStatus.CERTIFIED, certified_on)


def test_a_new_basic_module_keeps_the_certifications_already_given(staff_client, certified):
    negotiator, _sessions = certified
    certified_on = negotiator.certified_on
    response = staff_client.post(
        reverse("admin:training_trainingmodule_add"), module_form(TrainingModuleFactory.build(level="basic", order=3))
    )
    assert response.status_code == 302
    assert status_of(negotiator) == (NegotiatorStatus.CERTIFIED, certified_on)


def test_deleting_the_basic_module_a_negotiator_lacks_certifies_them(staff_client):
    negotiator = NegotiatorFactory()
    first, second = (TrainingModuleFactory(level="basic", order=n) for n in (1, 2))
    attendance_record(session=TrainingSessionFactory(module=first), negotiator=negotiator, completed=True)
    response = staff_client.post(reverse("admin:training_trainingmodule_delete", args=[second.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert status_of(negotiator)[0] == NegotiatorStatus.CERTIFIED
