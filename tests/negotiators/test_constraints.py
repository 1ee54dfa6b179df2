import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory

pytestmark = pytest.mark.django_db


def rejected(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_event_participants_are_never_negative():
    rejected(lambda: OutreachEventFactory(participants_total=-1, participants_women=0, participants_men=0))


def test_event_women_and_men_together_stay_within_the_total():
    rejected(lambda: OutreachEventFactory(participants_total=10, participants_women=6, participants_men=5))


@pytest.mark.parametrize(
    "group", ["participants_youth", "participants_idps", "participants_veterans", "participants_vulnerable"]
)
def test_event_each_group_stays_within_the_total(group):
    rejected(lambda: OutreachEventFactory(participants_total=10, **{group: 11}))


def test_event_at_the_limits_is_accepted():
    event = OutreachEventFactory(participants_total=10, participants_women=4, participants_men=6, participants_youth=10)
    assert event.pk


def test_deleting_a_community_with_negotiators_is_refused():
    negotiator = NegotiatorFactory()
    with pytest.raises(ProtectedError):
        negotiator.community.delete()
