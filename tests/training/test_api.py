"""The School over the API: the catalogue and the sessions with their attendance figures; who
trained is internal."""

import pytest

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
