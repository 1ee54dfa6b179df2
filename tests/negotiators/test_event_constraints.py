"""An outreach event's database constraints are all rules its ``clean()`` checks first, which is
why ``full_clean()`` does not query them again (``OutreachEvent.validate_constraints``)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CheckConstraint

from negotiators.models import PARTICIPANT_GROUPS, OutreachEvent
from tests.negotiators.factories import OutreachEventFactory

pytestmark = pytest.mark.django_db

# For each constraint, the figures that break it.
BREAKING = {
    "event_women_and_men_within_total": {"participants_total": 10, "participants_women": 6, "participants_men": 5},
    **{f"event_{group}_within_total": {"participants_total": 10, group: 11} for group in PARTICIPANT_GROUPS},
    # The phone's position (privacy.location.location_errors).
    "event_latitude_in_range": {"latitude": Decimal("91"), "longitude": Decimal("30")},
    "event_longitude_in_range": {"latitude": Decimal("50"), "longitude": Decimal("181")},
    "event_location_accuracy_in_range": {
        "latitude": Decimal("50"),
        "longitude": Decimal("30"),
        "location_accuracy_m": 100_001,
    },
}


def test_every_constraint_is_a_check_with_breaking_figures_here():
    constraints = OutreachEvent._meta.constraints
    assert all(isinstance(constraint, CheckConstraint) for constraint in constraints)
    assert {constraint.name for constraint in constraints} == set(BREAKING)


@pytest.mark.parametrize("name", sorted(BREAKING))
def test_clean_refuses_what_each_constraint_refuses_and_the_database_still_does(name):
    event = OutreachEventFactory(participants_total=10)
    for field, value in BREAKING[name].items():
        setattr(event, field, value)
    with pytest.raises(ValidationError):
        event.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()
