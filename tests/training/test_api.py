"""The School over the API: the catalogue and the sessions with their attendance figures; who
trained is internal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.negotiators.factories import NegotiatorFactory
from tests.training.factories import TrainingModuleFactory, TrainingSessionFactory
from training.models import Attendance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


@pytest.fixture
def session(community):
    session = TrainingSessionFactory(
        module=TrainingModuleFactory(code="Б1", level="basic"),
        host_community=community,
        trainers="Тренерка Яремчук",
        notes="Двоє запізнилися",
    )
    for present, completed in ((True, True), (True, False), (False, False)):
        Attendance.objects.create(
            session=session, negotiator=NegotiatorFactory(community=community), present=present, completed=completed
        )
    return session


def test_sessions_show_how_many_attended_and_completed(api_as, session):
    row = api_as("partner_key").get(f"/api/v1/training/sessions/{session.pk}/").json()
    assert (row["module_code"], row["attendees"], row["completions"]) == ("Б1", 2, 1)
    assert "trainers" not in row
    assert "notes" not in row


def test_staff_see_the_trainers(api_as, session):
    row = api_as("staff").get(f"/api/v1/training/sessions/{session.pk}/").json()
    assert (row["trainers"], row["notes"]) == ("Тренерка Яремчук", "Двоє запізнилися")


def test_modules_filter_by_level_and_sort_by_order(api_as):
    TrainingModuleFactory(code="П1", level="advanced", order=1)
    TrainingModuleFactory(code="Б2", level="basic", order=2)
    TrainingModuleFactory(code="Б1", level="basic", order=1)
    client = api_as("negotiator")
    rows = client.get("/api/v1/training/modules/", {"level": "basic", "ordering": "order"}).json()["results"]
    assert [row["code"] for row in rows] == ["Б1", "Б2"]


def test_sessions_filter_by_module_and_period(api_as, session):
    other = TrainingSessionFactory(starts_on=session.starts_on.replace(year=2026))
    client = api_as("manager")
    by_module = client.get("/api/v1/training/sessions/", {"module": session.module_id}).json()["results"]
    assert [row["id"] for row in by_module] == [session.pk]
    in_2026 = client.get("/api/v1/training/sessions/", {"date_after": "2026-01-01"}).json()["results"]
    assert [row["id"] for row in in_2026] == [other.pk]


@pytest.fixture
def held_elsewhere(other_community):
    return TrainingSessionFactory(host_community=other_community, place="Кам'янець-Подільський")


def test_a_partner_does_not_find_another_communitys_session(api_as, held_elsewhere):
    client = api_as("partner_session")
    assert client.get(f"/api/v1/training/sessions/{held_elsewhere.pk}/").status_code == 404
    assert client.get("/api/v1/training/sessions/").json()["count"] == 0


def test_a_partner_sees_a_session_held_elsewhere_that_its_negotiators_attended(api_as, community, held_elsewhere):
    Attendance.objects.create(session=held_elsewhere, negotiator=NegotiatorFactory(community=community))
    rows = api_as("partner_key").get("/api/v1/training/sessions/").json()["results"]
    assert [(row["id"], row["attendees"]) for row in rows] == [(held_elsewhere.pk, 1)]


def test_a_negotiator_sees_the_schedule_ahead_but_not_another_communitys_past_sessions(
    api_as, other_community, held_elsewhere
):
    ahead = TrainingSessionFactory(host_community=other_community, starts_on=timezone.localdate() + timedelta(days=7))
    rows = api_as("negotiator").get("/api/v1/training/sessions/").json()["results"]
    assert [row["id"] for row in rows] == [ahead.pk]


def test_managers_see_sessions_in_every_community(api_as, held_elsewhere):
    rows = api_as("manager").get("/api/v1/training/sessions/").json()["results"]
    assert [row["id"] for row in rows] == [held_elsewhere.pk]
