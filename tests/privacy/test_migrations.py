"""Encrypting the columns keeps every party, contact and contact history row, readable and
searchable, and leaves no value in clear."""

import json
from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection

from incidents.models import IncidentParty
from negotiators.models import NegotiatorContact
from privacy.search import blind_index_q
from tests.api.test_migrations import latest, migrate, old_community

pytestmark = pytest.mark.migrations

BEFORE = [("incidents", "0002_action_updated_at"), ("negotiators", "0004_idempotency_key_moves_to_api")]


def raw_values(table, *columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")
        return [value for row in cursor.fetchall() for value in row]


@pytest.mark.django_db(transaction=True)
def test_existing_parties_and_contacts_are_encrypted_and_indexed_and_keep_every_row():
    try:
        old = migrate(BEFORE)
        _user, community = old_community(old)
        incident = old.get_model("incidents", "Incident").objects.create(
            community=community, category="youth", occurred_at=datetime(2025, 1, 2, tzinfo=UTC), title="Old case"
        )
        parties = old.get_model("incidents", "IncidentParty").objects
        parties.create(
            incident=incident,
            role="complainant",
            full_name="Петренко Іван",
            phone="+380671234567",
            notes="Вул. Миру, 3",
        )
        parties.create(incident=incident, role="witness", full_name="Коваль Ганна")
        negotiator = old.get_model("negotiators", "Negotiator").objects.create(
            community=community, cohort="new", joined_on=datetime(2024, 2, 1).date()
        )
        old.get_model("negotiators", "NegotiatorContact").objects.create(
            negotiator=negotiator, full_name="Мельник Тарас", phone="0501112233", email="t@example.org"
        )
        old.get_model("negotiators", "HistoricalNegotiatorContact").objects.create(
            negotiator_id=negotiator.pk,
            full_name="Мельник Тарас Старий",
            phone="0509999999",
            email="old@example.org",
            history_date=datetime(2025, 1, 1, tzinfo=UTC),
            history_type="+",
        )

        migrate(latest())

        assert sorted((p.full_name, p.phone, p.notes) for p in IncidentParty.objects.all()) == [
            ("Коваль Ганна", "", ""),
            ("Петренко Іван", "+380671234567", "Вул. Миру, 3"),
        ]
        contact = NegotiatorContact.objects.get()
        assert (contact.full_name, contact.phone, contact.email) == ("Мельник Тарас", "0501112233", "t@example.org")
        history = contact.history.model.objects.get()
        assert (history.full_name, history.phone) == ("Мельник Тарас Старий", "0509999999")
        stored = [
            *raw_values("incidents_incidentparty", "full_name", "phone", "notes"),
            *raw_values("negotiators_negotiatorcontact", "full_name", "phone", "email"),
            *raw_values(history._meta.db_table, "full_name", "phone", "email"),
        ]
        assert not any(
            clear in value for value in stored for clear in ("Петренко", "Коваль", "Мельник", "067", "050", "@")
        )
        assert IncidentParty.objects.filter(blind_index_q("search_index", "петр")).get().full_name == "Петренко Іван"
        assert NegotiatorContact.objects.filter(blind_index_q("search_index", "t@example.org")).exists()
        assert contact.history.model.objects.filter(blind_index_q("search_index", "Стар")).exists()

        migrate(BEFORE)  # and back: the values are in clear again
        assert sorted(raw_values("incidents_incidentparty", "full_name")) == ["Коваль Ганна", "Петренко Іван"]
        assert raw_values("negotiators_negotiatorcontact", "email") == ["t@example.org"]
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_the_admins_log_written_before_keeps_its_entries_without_names():
    try:
        old = migrate([("privacy", "0001_initial"), ("admin", "0003_logentry_add_action_flag_choices")])
        user = old.get_model("auth", "User").objects.create(username="old-staff")
        content_types = old.get_model("contenttypes", "ContentType").objects
        contact_type = content_types.get_or_create(app_label="negotiators", model="negotiatorcontact")[0]
        incident_type = content_types.get_or_create(app_label="incidents", model="incident")[0]
        entries = old.get_model("admin", "LogEntry").objects
        entries.create(user=user, content_type=contact_type, object_id="7", object_repr="Мельник Тарас", action_flag=2)
        change = [
            {"added": {"name": "party", "object": "Петренко Іван (complainant)"}},
            {"changed": {"fields": ["Title"]}},
        ]
        entries.create(
            user=user,
            content_type=incident_type,
            object_id="3",
            object_repr="#3 Конфлікт",
            action_flag=2,
            change_message=json.dumps(change),
        )

        migrate(latest())

        rows = list(LogEntry.objects.order_by("id").values_list("object_repr", "change_message"))
        assert rows == [
            ("#7", ""),
            ("#3 Конфлікт", json.dumps([{"added": {"name": "party"}}, {"changed": {"fields": ["Title"]}}])),
        ]
    finally:
        migrate(latest())
