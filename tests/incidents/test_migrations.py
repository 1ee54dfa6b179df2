"""Incident actions got ``updated_at``, parties their sex and age group, incidents automatic titles:
a populated database keeps every row."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from incidents.models import Incident, IncidentAction, IncidentParty
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


@pytest.mark.django_db(transaction=True)
def test_titles_that_are_a_category_in_any_language_become_automatic_and_typed_ones_stay():
    # (category, title) -> automatic afterwards?
    incidents = [
        (("neighbour_dispute", "Neighbour dispute"), True),
        (("neighbour_dispute", "Соседский спор"), True),
        (("youth", "Молодь"), True),
        (("neighbour_dispute", "Спір через межу ділянки"), False),
        # Another category's label is a title someone typed.
        (("youth", "Sousedský spor"), False),
    ]
    try:
        old = migrate([("incidents", "0005_party_sex_age_vulnerable_group")])
        _user, community = old_community(old)
        programme = a_programme()
        rows = old.get_model("incidents", "Incident").objects
        for (category, title), _automatic in incidents:
            rows.create(
                community=community,
                programme_id=programme.pk,
                category=category,
                occurred_at=datetime(2025, 1, 2, tzinfo=UTC),
                title=title,
            )

        migrate(latest())

        after = list(Incident.objects.order_by("pk").values_list("title", "title_is_automatic"))
        assert after == [(title, automatic) for (_category, title), automatic in incidents]
        with translation.override("cs"):
            assert Incident.objects.order_by("pk").first().display_title == "Sousedský spor"
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_incidents_keep_their_coordinates_and_have_no_precision_after_the_accuracy_migration():
    try:
        old = migrate([("incidents", "0007_mark_automatic_titles")])
        _user, community = old_community(old)
        programme = a_programme()
        old.get_model("incidents", "Incident").objects.create(
            community=community,
            programme_id=programme.pk,
            category="youth",
            occurred_at=datetime(2025, 1, 2, tzinfo=UTC),
            title="Old case",
            latitude="49.42298",
            longitude="26.98713",
        )

        migrate(latest())

        rows = list(Incident.objects.values_list("title", "latitude", "longitude", "location_accuracy_m"))
        assert [(t, str(la), str(lo), a) for t, la, lo, a in rows] == [("Old case", "49.42298", "26.98713", None)]
    finally:
        migrate(latest())
