from collections import Counter

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation
from simple_history.models import registered_models
from simple_history.utils import get_history_model_for_model

from access.roles import Role
from incidents.models import Incident, IncidentAction, IncidentParty
from negotiators.models import NegotiatorContact, OutreachEvent
from privacy.anonymous import REDACTED, person_label
from privacy.erasure import person_anonymise, record_redact
from privacy.models import ErasureRecord, ErasureSource, Redaction
from reports.indicators import Period, compute_indicators
from tests.accounts.support import verified_login
from tests.communities.factories import UserFactory
from tests.privacy.conftest import EMAIL, NAME, OLD_NAME, PARTY_NAME, PARTY_PHONE, PHONE

pytestmark = pytest.mark.django_db


def history_tables() -> list[str]:
    """Every change-history table, from simple_history's registry."""
    return [get_history_model_for_model(model)._meta.db_table for model in registered_models.values()]


def text_everywhere(tables: list[str]) -> str:
    """Every value of every column of ``tables``, read with plain SQL (whatever the column type)."""
    found = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            found += [str(value) for row in cursor.fetchall() for value in row]
    return "\n".join(found)


def text_through_the_models() -> str:
    """Every value of every change-history row as the portal reads it (encrypted columns decrypted)."""
    found = []
    for model in registered_models.values():
        for row in get_history_model_for_model(model)._default_manager.all():
            found += [str(field.value_from_object(row)) for field in row._meta.concrete_fields]
    return "\n".join(found)


def test_history_tables_are_walked():
    tables = history_tables()
    assert {"negotiators_historicalnegotiatorcontact", "incidents_historicalincident"} <= set(tables)


def test_anonymised_contact_leaves_no_trace_in_any_history_table(contact, staff_user):
    record, incident = contact
    before = text_through_the_models()
    assert NAME in before
    assert PHONE in before
    assert EMAIL in before
    assert OLD_NAME in before
    # The case's history names the contact in clear text (a description is not encrypted).
    assert NAME in text_everywhere(history_tables())

    erasure = person_anonymise(kind="contact", pk=record.pk, actor=staff_user, reason="Прохання особи")

    # Neither in the stored columns nor once decrypted.
    for after in (text_everywhere([*history_tables(), LogEntry._meta.db_table]), text_through_the_models()):
        for value in (NAME, OLD_NAME, PHONE, EMAIL):
            assert value not in after
    assert f"anon:{erasure.token}" in text_through_the_models()
    record.refresh_from_db()
    assert (record.full_name, record.phone, record.email, record.notes) == (f"anon:{erasure.token}", "", "", "")
    assert record.gender == "female"
    # Live free text that named them: the case they worked and the event they organised.
    incident.refresh_from_db()
    assert NAME not in incident.description
    assert PHONE not in incident.description
    assert f"[anon:{erasure.token}]" in incident.description
    assert not OutreachEvent.objects.filter(internal_notes__contains=NAME).exists()


def test_erasure_record_says_who_when_why_and_never_the_values(contact, staff_user):
    record, _incident = contact
    erasure = person_anonymise(kind="contact", pk=record.pk, actor=staff_user, reason="Прохання особи")

    stored = ErasureRecord.objects.get(pk=erasure.pk)
    assert (stored.kind, stored.object_id, stored.actor, stored.source) == ("contact", record.pk, staff_user, "admin")
    assert stored.history_rows >= 3
    assert NAME not in text_everywhere([ErasureRecord._meta.db_table])


def test_anonymised_party_is_gone_from_the_case_its_log_and_its_history(party, staff_user):
    record, incident = party

    erasure = person_anonymise(kind="party", pk=record.pk, actor=staff_user, reason="Строк")

    record.refresh_from_db()
    incident.refresh_from_db()
    assert (record.full_name, record.phone, record.notes) == (f"anon:{erasure.token}", "", "")
    assert record.role == "complainant"
    assert str(record) == f"Знеособлена особа №{erasure.token} (Заявник)"
    for text in (
        incident.description,
        incident.internal_notes,
        *incident.actions.values_list("description", flat=True),
    ):
        assert PARTY_NAME not in text
        assert PARTY_PHONE not in text
    after = text_everywhere(history_tables())
    assert PARTY_NAME not in after
    assert PARTY_PHONE not in after
    # The other party is somebody else: untouched.
    assert "Гнатюк Оксана" in [other.full_name for other in incident.parties.all()]


def test_statistics_stay_the_same(contact, party, staff_user, community):
    from communities.models import Community

    def figures():
        return (
            compute_indicators(
                period=Period.parse(str(party[1].occurred_at.year)), communities=Community.objects.all()
            ),
            Counter(IncidentParty.objects.values_list("role", "is_minor")),
            Counter(NegotiatorContact.objects.values_list("gender", flat=True)),
            Incident.objects.count(),
            IncidentAction.objects.count(),
        )

    before = figures()
    person_anonymise(kind="contact", pk=contact[0].pk, actor=staff_user)
    person_anonymise(kind="party", pk=party[0].pk, actor=staff_user)

    assert figures() == before


def test_redaction_replaces_the_text_in_the_case_and_its_history(party, staff_user):
    _record, incident = party
    assert incident.history.count() >= 2

    redaction = record_redact(
        kind="incident",
        pk=incident.pk,
        fields=["description", "location", "actions"],
        reason="Прохання",
        actor=staff_user,
    )

    incident.refresh_from_db()
    assert incident.description == REDACTED
    assert incident.location == REDACTED
    assert incident.latitude is None
    assert incident.internal_notes.startswith("Перетелефонувати")  # not chosen
    assert set(incident.actions.exclude(description="").values_list("description", flat=True)) == {REDACTED}
    for row in incident.history.all():
        assert row.description in (REDACTED, "")
        assert row.location in (REDACTED, "")
    history = text_everywhere(["incidents_historicalincident"])
    assert "Заявник" not in history
    assert "Шевченка" not in history
    stored = Redaction.objects.get(pk=redaction.pk)
    assert (stored.fields, stored.reason, stored.actor) == (
        ["description", "location", "actions"],
        "Прохання",
        staff_user,
    )


def test_redaction_needs_a_reason_and_known_fields(party, staff_user):
    with pytest.raises(ValueError, match="reason"):
        record_redact(kind="incident", pk=party[1].pk, fields=["description"], reason=" ", actor=staff_user)
    with pytest.raises(ValueError, match="cannot redact"):
        record_redact(kind="incident", pk=party[1].pk, fields=["title"], reason="x", actor=staff_user)


@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.NEGOTIATOR, Role.PARTNER])
def test_other_roles_cannot_anonymise_nor_redact(role, contact, party):
    user = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        person_anonymise(kind="contact", pk=contact[0].pk, actor=user)
    with pytest.raises(PermissionDenied):
        record_redact(kind="incident", pk=party[1].pk, fields=["description"], reason="x", actor=user)
    assert not ErasureRecord.objects.exists()


@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.NEGOTIATOR, Role.PARTNER])
def test_other_roles_get_not_found_on_the_pages(role, client, contact, party):
    verified_login(client, UserFactory(role=role))
    pk = contact[0].pk
    anonymise = reverse("privacy:anonymise", args=["contact"]) + f"?ids={pk}"
    assert client.get(anonymise).status_code == 404
    assert client.post(anonymise, {"reason": "x"}).status_code == 404
    redact = reverse("privacy:redact", args=["incident", party[1].pk])
    assert client.post(redact, {"reason": "x", "fields_to_redact": ["description"]}).status_code == 404
    assert NegotiatorContact.objects.get(pk=pk).full_name == NAME


def test_staff_anonymise_from_the_admin(client, staff_user, contact):
    record, _incident = contact
    verified_login(client, staff_user)
    changelist = reverse("admin:negotiators_negotiatorcontact_changelist")
    response = client.post(changelist, {"action": "anonymise_people", "_selected_action": [record.pk]})
    assert response.status_code == 302
    confirm = client.get(response["Location"])
    assert confirm.status_code == 200
    assert NAME in confirm.content.decode()

    done = client.post(response["Location"], {"reason": "Прохання особи"})

    assert done.status_code == 302
    record.refresh_from_db()
    assert record.full_name.startswith("anon:")
    assert ErasureRecord.objects.get().reason == "Прохання особи"


def test_staff_see_the_tools_on_the_case_and_managers_do_not(client, staff_user, manager_user, party):
    record, incident = party
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    verified_login(client, staff_user)
    page = client.get(url).content.decode()
    assert reverse("privacy:redact", args=["incident", incident.pk]) in page
    assert reverse("privacy:export", args=["party", record.pk, "pdf"]) in page
    verified_login(client, manager_user)
    page = client.get(url).content.decode()
    assert "/privacy/" not in page


def test_staff_redact_from_the_page(client, staff_user, party):
    _record, incident = party
    verified_login(client, staff_user)
    url = reverse("privacy:redact", args=["incident", incident.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"reason": "Прохання", "fields_to_redact": ["internal_notes"]})

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.internal_notes == REDACTED


def test_the_command_anonymises_and_refuses_a_missing_person(contact):
    record, _incident = contact
    call_command("anonymise_person", "--kind", "contact", "--id", str(record.pk), "--reason", "Запит")
    erasure = ErasureRecord.objects.get()
    assert (erasure.source, erasure.actor, erasure.reason) == (ErasureSource.COMMAND, None, "Запит")
    assert NAME not in text_everywhere(history_tables())
    with pytest.raises(CommandError):
        call_command("anonymise_person", "--kind", "party", "--id", "999999")


def test_an_anonymised_name_is_shown_in_the_active_language():
    with translation.override("en"):
        assert person_label("anon:1a2b3c4d") == "Anonymised person #1a2b3c4d"
    assert person_label(NAME) == NAME


def test_the_demo_shows_an_anonymised_complainant(demo_programme):
    erasure = ErasureRecord.objects.get(kind="party")
    party = IncidentParty.objects.get(pk=erasure.object_id)
    assert party.full_name == f"anon:{erasure.token}"
    assert party.role == "complainant"
    assert erasure.actor.username == "staff"
