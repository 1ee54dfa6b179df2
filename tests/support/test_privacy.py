"""A mediator is a person of the speakers' directory: their roster entry and activities join their
subject-access export, and erasing anyone replaces their name in the activities' notes."""

import pytest

from events.privacy import SPEAKER
from privacy.erasure import person_anonymise
from privacy.subject_access import person_export
from tests.support.factories import ActivityFactory, MediatorFactory

pytestmark = pytest.mark.django_db


def test_a_mediators_export_holds_the_roster_entry_and_the_activities():
    mediator = MediatorFactory(person__full_name="Mgr. Lucie Nováková", languages="čeština, slovenština")
    activity = ActivityFactory()
    activity.mediators.add(mediator)
    exported = person_export(kind=SPEAKER, pk=mediator.person.pk, actor=None)
    linked = exported["linked"]["mediator"]
    assert linked["languages"] == "čeština, slovenština"
    assert [(row["step"], row["hours"]) for row in linked["activities"]] == [("mediation_session", 2.0)]


def test_erasing_a_mediator_removes_their_name_from_the_notes():
    mediator = MediatorFactory(person__full_name="Mgr. Lucie Nováková")
    activity = ActivityFactory(notes="Sezení vedla Mgr. Lucie Nováková se stranami sporu.")
    person_anonymise(kind=SPEAKER, pk=mediator.person.pk, actor=None, reason="Na žádost")
    activity.refresh_from_db()
    assert "Nováková" not in activity.notes
    assert not activity.history.filter(notes__contains="Nováková").exists()
    mediator.refresh_from_db()
    assert "Nováková" not in str(mediator)
