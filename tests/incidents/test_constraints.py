from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def rejected(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.parametrize("severity", [0, 5])
def test_severity_is_between_1_and_4(severity):
    rejected(lambda: IncidentFactory(severity=severity))


def test_a_case_is_not_closed_before_it_happened():
    incident = IncidentFactory.build()
    rejected(
        lambda: IncidentFactory(
            status="resolved", occurred_at=incident.occurred_at, closed_at=incident.occurred_at - timedelta(hours=1)
        )
    )


def test_a_closed_case_carries_its_closing_time():
    rejected(lambda: IncidentFactory(status="resolved", closed_at=None))


def test_an_open_case_has_no_closing_time():
    incident = IncidentFactory.build()
    rejected(lambda: IncidentFactory(status="in_progress", closed_at=incident.occurred_at + timedelta(days=1)))


def test_a_referral_names_the_agency():
    incident = IncidentFactory.build()
    rejected(
        lambda: IncidentFactory(status="referred", referred_to="", closed_at=incident.occurred_at + timedelta(days=1))
    )
