"""The School in the staff admin: whatever staff delete or change there, the negotiators' status
and the sessions' sync date follow."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from negotiators.models import NegotiatorStatus
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
    client.force_login(staff_user)
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
