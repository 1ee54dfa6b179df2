from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from negotiators.services import event_log
from tests.negotiators.factories import NegotiatorFactory

pytestmark = pytest.mark.django_db


def log(actor, community, **overrides):
    fields = {
        "actor": actor,
        "community": community,
        "kind": "information_session",
        "title": "Інформаційна зустріч",
        "date": timezone.localdate(),
        "topic": "feeling_of_safety",
        "participants_total": 12,
        "participants_women": 7,
        "participants_men": 5,
    }
    return event_log(**(fields | overrides))


def test_negotiator_logs_an_event_in_own_community_as_its_organiser(negotiator_user, community):
    event = log(negotiator_user, community)
    assert event.created_by == negotiator_user
    assert list(event.organisers.all()) == [negotiator_user.negotiator]


def test_negotiator_cannot_log_in_another_community(negotiator_user, other_community):
    with pytest.raises(PermissionDenied):
        log(negotiator_user, other_community)


def test_breakdown_beyond_the_total_is_refused_with_field_errors(staff_user, community):
    with pytest.raises(ValidationError) as error:
        log(staff_user, community, participants_total=5, participants_women=4, participants_men=4, participants_idps=6)
    assert set(error.value.message_dict) == {"participants_men", "participants_idps"}


def test_event_in_the_future_is_refused(staff_user, community):
    with pytest.raises(ValidationError) as error:
        log(staff_user, community, date=timezone.localdate() + timedelta(days=1))
    assert "date" in error.value.message_dict


def test_organisers_come_from_the_events_community(staff_user, community, other_community):
    stranger = NegotiatorFactory(community=other_community)
    with pytest.raises(ValidationError) as error:
        log(staff_user, community, organisers=[stranger])
    assert "organisers" in error.value.message_dict
