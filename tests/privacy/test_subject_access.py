import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from access.roles import Role
from privacy.erasure import person_anonymise
from privacy.subject_access import person_export, render_export_json, render_export_pdf
from tests.accounts.support import verified_login
from tests.communities.factories import UserFactory
from tests.privacy.conftest import EMAIL, NAME, OLD_NAME, PARTY_NAME, PARTY_PHONE, PHONE

pytestmark = pytest.mark.django_db


def test_the_json_holds_the_record_its_history_and_what_it_is_linked_to(contact, staff_user):
    record, incident = contact

    document = json.loads(render_export_json(person_export(kind="contact", pk=record.pk, actor=staff_user)))

    assert document["kind"] == "contact"
    assert document["exported_by"] == staff_user.username
    assert (document["record"]["full_name"], document["record"]["phone"], document["record"]["email"]) == (
        NAME,
        PHONE,
        EMAIL,
    )
    assert [row["fields"]["full_name"] for row in document["history"]] == [OLD_NAME, NAME]
    assert document["history"][1]["reason"].endswith(NAME)
    linked = document["linked"]
    assert linked["negotiator"]["id"] == record.negotiator_id
    assert len(linked["events_organised"]) == 1
    assert [case["id"] for case in linked["incidents_in_charge"]] == [incident.pk]
    # What the case says about other people stays out: its description is not exported.
    assert "description" not in linked["incidents_in_charge"][0]
    assert document["erasures"] == []
    assert document["view_log"] == []  # nobody viewed it through the portal yet


def test_a_party_export_leaves_out_the_other_parties(party, staff_user):
    record, incident = party

    text = render_export_json(person_export(kind="party", pk=record.pk, actor=staff_user)).decode()

    assert PARTY_NAME in text
    assert PARTY_PHONE in text
    assert "Гнатюк Оксана" not in text
    assert json.loads(text)["linked"]["incident"]["id"] == incident.pk


def test_an_export_after_erasure_shows_the_erasure_and_no_name(contact, staff_user):
    record, _incident = contact
    erasure = person_anonymise(kind="contact", pk=record.pk, actor=staff_user, reason="Запит")

    text = render_export_json(person_export(kind="contact", pk=record.pk, actor=staff_user)).decode()

    assert NAME not in text
    assert json.loads(text)["erasures"][0]["anonymous_id"] == erasure.token


def test_the_pdf_is_a_real_pdf_with_the_name(contact, staff_user):
    record, _incident = contact

    pdf = render_export_pdf(person_export(kind="contact", pk=record.pk, actor=staff_user))

    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert NAME in text
    assert PHONE in text


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_staff_download_the_export(client, staff_user, contact, fmt):
    verified_login(client, staff_user)

    response = client.get(reverse("privacy:export", args=["contact", contact[0].pk, fmt]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF" if fmt == "pdf" else b"{")


@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.NEGOTIATOR, Role.PARTNER, None])
def test_nobody_else_reaches_the_export(client, contact, role):
    if role is not None:
        verified_login(client, UserFactory(role=role))

    response = client.get(reverse("privacy:export", args=["contact", contact[0].pk, "json"]))

    assert response.status_code == 404
    assert NAME.encode() not in response.content


def test_a_missing_person_or_kind_is_not_found(client, staff_user):
    verified_login(client, staff_user)
    assert client.get(reverse("privacy:export", args=["contact", 999999, "json"])).status_code == 404
    assert client.get(reverse("privacy:export", args=["nobody", 1, "json"])).status_code == 404
    assert client.get(reverse("privacy:export", args=["contact", 1, "xml"])).status_code == 404


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_the_command_writes_the_file(tmp_path, party, fmt):
    output = tmp_path / f"export.{fmt}"

    call_command("export_person", "--kind", "party", "--id", str(party[0].pk), "--format", fmt, "--output", output)

    data = output.read_bytes()
    if fmt == "json":
        assert json.loads(data)["record"]["full_name"] == PARTY_NAME
    else:
        assert PARTY_NAME in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_the_export_action_takes_exactly_one_person(client, staff_user, party):
    record, incident = party
    verified_login(client, staff_user)
    changelist = reverse("admin:incidents_incidentparty_changelist")

    one = client.post(changelist, {"action": "export_person_pdf", "_selected_action": [record.pk]})
    both = client.post(
        changelist,
        {"action": "export_person_pdf", "_selected_action": list(incident.parties.values_list("pk", flat=True))},
    )

    assert one["Location"] == reverse("privacy:export", args=["party", record.pk, "pdf"])
    assert both["Location"].endswith(changelist)


def test_the_negotiator_page_offers_the_contact_export_to_staff_only(client, staff_user, manager_user, contact):
    record, _incident = contact
    url = reverse("admin:negotiators_negotiator_change", args=[record.negotiator_id])
    export = reverse("privacy:export", args=["contact", record.pk, "json"])
    verified_login(client, staff_user)
    assert export in client.get(url).content.decode()
    verified_login(client, manager_user)
    page = client.get(url)
    assert page.status_code == 200
    assert export not in page.content.decode()
    actions = client.get(reverse("admin:negotiators_negotiatorcontact_changelist")).content.decode()
    assert "anonymise_people" not in actions
