"""Incident actions got ``updated_at``: a populated database keeps every entry, stamped with the
time it was recorded."""

from datetime import UTC, datetime

import pytest

from incidents.models import IncidentAction, IncidentParty
from tests.api.test_migrations import latest, migrate, old_community
from tests.communities.factories import test_programme as a_programme

pytestmark = pytest.mark.migrations

BEFORE = [("incidents", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_existing_actions_keep_their_rows_and_are_stamped_when_recorded():
    try:
        old = migrate(BEFORE)
        user, community = old_community(old)
        incident = old.get_model("incidents", "Incident").objects.create(
            community=community, category="youth", occurred_at=datetime(2025, 1, 2, tzinfo=UTC), title="Old case"
        )
        actions = old.get_model("incidents", "IncidentAction").objects
        for day in (3, 4):
            actions.create(incident=incident, kind="note", performed_at=datetime(2025, 1, day, tzinfo=UTC), actor=user)
        recorded = datetime(2025, 1, 5, 9, 30, tzinfo=UTC)
        actions.update(created_at=recorded)

        migrate(latest())

        rows = list(IncidentAction.objects.order_by("performed_at").values_list("kind", "created_at", "updated_at"))
        assert rows == [("note", recorded, recorded), ("note", recorded, recorded)]
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_parties_keep_their_rows_and_a_minor_is_under_18_the_others_not_recorded():
    try:
        old = migrate([("incidents", "0004_programme")])
        _user, community = old_community(old)
        # Today's programme table (programmes is not migrated back with incidents).
        programme = a_programme()
        incident = old.get_model("incidents", "Incident").objects.create(
            community=community,
            programme_id=programme.pk,
            category="youth",
            occurred_at=datetime(2025, 1, 2, tzinfo=UTC),
            title="Old case",
        )
        parties = old.get_model("incidents", "IncidentParty").objects
        for name, minor in (("A", True), ("B", False), ("C", False)):
            parties.create(incident=incident, role="affected", full_name=name, is_minor=minor)

        migrate(latest())

        rows = list(
            IncidentParty.objects.order_by("pk").values_list("is_minor", "sex", "age_group", "vulnerable_group")
        )
        assert rows == [(True, "", "0-17", ""), (False, "", "", ""), (False, "", "", "")]
        assert sorted(party.full_name for party in IncidentParty.objects.all()) == ["A", "B", "C"]
    finally:
        migrate(latest())
