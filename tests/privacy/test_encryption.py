"""Parties' and negotiators' names, phones, e-mails and notes are encrypted at rest; the blind
index still finds them; an old key stays readable until the rotation command rewrites everything."""

from datetime import timedelta
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from incidents.models import IncidentParty
from incidents.services import incident_report
from negotiators.models import NegotiatorContact
from privacy.crypto import DecryptionError, blind_index, normalise_text
from privacy.search import blind_index_q
from tests.accounts.support import verified_login
from tests.negotiators.factories import NegotiatorFactory

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def raw_row(table, pk_column, pk, *columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {pk_column} = %s", [pk])
        return cursor.fetchone()


@pytest.fixture
def incident(staff_user, community):
    return incident_report(
        actor=staff_user,
        community=community,
        category="public_order",
        occurred_at=timezone.now() - timedelta(days=1),
        title="Конфлікт біля школи",
        parties=[
            {"role": "complainant", "full_name": "Петренко Іван", "phone": "+380 67 123 45 67", "is_minor": False},
            {"role": "respondent", "full_name": "Кам’янська Ольга", "phone": "", "is_minor": False},
        ],
    )


def party_named(incident, name):
    return next(party for party in incident.parties.all() if party.full_name == name)


def test_party_values_are_not_stored_in_clear_and_read_back_decrypted(incident):
    party = party_named(incident, "Петренко Іван")
    party.notes = "Живе на вул. Шевченка, 5"
    party.save()

    stored = raw_row("incidents_incidentparty", "id", party.pk, "full_name", "phone", "notes", "search_index")
    assert not any("Петренко" in value or "123" in value or "Шевченка" in value for value in stored)
    assert stored[0].startswith("gAAAAA")  # a Fernet token
    assert "Петренко" not in stored[3]
    assert stored[3].strip()
    party = IncidentParty.objects.get(pk=party.pk)
    assert (party.full_name, party.phone, party.notes) == (
        "Петренко Іван",
        "+380 67 123 45 67",
        "Живе на вул. Шевченка, 5",
    )


def test_blank_values_stay_blank(incident):
    party = party_named(incident, "Кам’янська Ольга")
    assert raw_row("incidents_incidentparty", "id", party.pk, "phone")[0] == ""


def test_negotiator_contacts_and_their_history_rows_are_encrypted(community):
    negotiator = NegotiatorFactory(
        community=community, contact__full_name="Мельник Тарас", contact__email="t@example.org"
    )
    contact = negotiator.contact
    contact.phone = "0501112233"
    contact.save()

    live = raw_row("negotiators_negotiatorcontact", "negotiator_id", contact.pk, "full_name", "phone", "email")
    history = contact.history.model
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT full_name, phone, email FROM {history._meta.db_table} WHERE negotiator_id = %s", [contact.pk]
        )
        history_rows = cursor.fetchall()
    assert len(history_rows) == 2
    for value in [*live, *(value for row in history_rows for value in row)]:
        assert "Мельник" not in value
        assert "0501112233" not in value
        assert "example.org" not in value
    assert [row.phone for row in contact.history.order_by("history_id")][-1] == "0501112233"
    assert NegotiatorContact.objects.get(pk=contact.pk).email == "t@example.org"


def test_the_index_normalises_case_apostrophes_and_spaces():
    assert normalise_text("  Кам’янська\tОЛЬГА ") == "кам'янська ольга"
    assert (
        blind_index({"name": ["Кам’янська"]})
        == blind_index({"name": ["кам'янська"]})
        == blind_index({"name": ["КАМʼЯНСЬКА"]})
    )


@pytest.mark.parametrize(
    ("term", "finds"),
    [
        ("Петр", {"Петренко Іван"}),
        ("петренко іван", {"Петренко Іван"}),
        ("Іван", {"Петренко Іван"}),
        ("Пе", set()),  # shorter than a prefix is indexed, and not a whole word
        ("Кам'ян", {"Кам’янська Ольга"}),
        ("0671234567", {"Петренко Іван"}),
        ("+380-67-123-45-67", {"Петренко Іван"}),
        ("67 123", set()),  # too few digits for a phone, and not words of a name
        ("Шевченко", set()),
    ],
)
def test_the_blind_index_finds_by_name_prefix_and_by_phone(incident, term, finds):
    condition = blind_index_q("search_index", term)
    found = {party.full_name for party in IncidentParty.objects.filter(condition)} if condition else set()
    assert found == finds


def test_an_encrypted_field_refuses_a_lookup_that_would_silently_match_nothing(incident):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(IncidentParty.objects.filter(full_name__icontains="Петр"))


def test_the_admin_searches_parties_and_negotiators_through_the_index(client, staff_user, incident, community):
    NegotiatorFactory(community=community, contact__full_name="Петрук Ганна", contact__phone="+380 50 765 43 21")
    verified_login(client, staff_user)

    parties = client.get(reverse("admin:incidents_incidentparty_changelist"), {"q": "петр"})
    assert [party.full_name for party in parties.context["cl"].result_list] == ["Петренко Іван"]
    negotiators = client.get(reverse("admin:negotiators_negotiator_changelist"), {"q": "Петр"})
    assert [str(n) for n in negotiators.context["cl"].result_list] == ["Петрук Ганна"]
    by_phone = client.get(reverse("admin:negotiators_negotiatorcontact_changelist"), {"q": "0507654321"})
    assert [contact.full_name for contact in by_phone.context["cl"].result_list] == ["Петрук Ганна"]
    by_community = client.get(reverse("admin:negotiators_negotiatorcontact_changelist"), {"q": community.name})
    assert by_community.context["cl"].result_count == 1


def test_an_old_key_stays_readable_and_rotation_lets_it_be_dropped(settings, incident):
    parties = list(incident.parties.all())
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    for party in parties:
        party.save()  # now under the old key
    party = party_named(incident, "Петренко Іван")
    old_token = raw_row("incidents_incidentparty", "id", party.pk, "full_name")[0]

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert IncidentParty.objects.get(pk=party.pk).full_name == "Петренко Іван"
    out = StringIO()
    call_command("rotate_encryption_key", stdout=out)
    assert "incidents.IncidentParty: 2 rows re-encrypted" in out.getvalue()
    assert raw_row("incidents_incidentparty", "id", party.pk, "full_name")[0] != old_token

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert IncidentParty.objects.get(pk=party.pk).full_name == "Петренко Іван"
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    with pytest.raises(DecryptionError):
        IncidentParty.objects.get(pk=party.pk)


def test_rotation_recomputes_the_index_under_a_new_index_key(settings, incident):
    settings.FIELD_INDEX_KEY = "a-new-index-key"
    assert not IncidentParty.objects.filter(blind_index_q("search_index", "Петр")).exists()
    call_command("rotate_encryption_key", stdout=StringIO())
    assert IncidentParty.objects.filter(blind_index_q("search_index", "Петр")).count() == 1
