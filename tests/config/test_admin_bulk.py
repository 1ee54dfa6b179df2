"""Bulk work on the admin's lists (issue 18, item 5): moving cases through the workflow with the
refusals named, assigning a negotiator, and exporting the selection as CSV and XLSX with personal
data only for those who read it, logged."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.admin import helpers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from incidents.models import IncidentStatus
from incidents.services import incident_report, incident_transition
from privacy.models import PersonalDataView, ViewChannel
from tests.accounts.support import verified_login
from tests.communities.factories import CommunityFactory
from tests.negotiators.factories import NegotiatorFactory, OutreachEventFactory

pytestmark = pytest.mark.django_db

INCIDENTS = reverse("admin:incidents_incident_changelist")


def report(staff_user, community, title="Спір", parties=()):
    return incident_report(
        actor=staff_user,
        community=community,
        category="public_order",
        occurred_at=timezone.now() - timedelta(days=2),
        title=title,
        parties=parties,
    )


def act(client, url, action, objects, **extra):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], "index": 0, **extra}
    return client.post(url, data, follow=not action.startswith("export"), HTTP_ACCEPT_LANGUAGE="en")


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_moving_cases_refuses_invalid_transitions_per_row_and_moves_the_others(client, staff_user, community):
    fresh = report(staff_user, community, "Новий")
    resolved = report(staff_user, community, "Вирішений")
    incident_transition(incident=resolved, to_status=IncidentStatus.IN_PROGRESS, actor=staff_user)
    incident_transition(incident=resolved, to_status=IncidentStatus.RESOLVED, actor=staff_user)
    verified_login(client, staff_user)
    response = act(client, INCIDENTS, "move_to_closed_unresolved", [fresh])
    response = act(client, INCIDENTS, "move_to_resolved", [fresh, resolved])
    fresh.refresh_from_db()
    resolved.refresh_from_db()
    assert fresh.status == IncidentStatus.CLOSED_UNRESOLVED
    assert resolved.status == IncidentStatus.RESOLVED
    refusals = [text for text in messages_of(response) if text.startswith("Not moved")]
    assert len(refusals) == 1
    assert f"#{fresh.pk}" in refusals[0]
    assert f"#{resolved.pk}" in refusals[0]
    assert "cannot move to" in refusals[0]


def test_moving_cases_goes_through_the_service_and_logs_the_action(client, staff_user, community):
    incident = report(staff_user, community)
    verified_login(client, staff_user)
    act(client, INCIDENTS, "move_to_in_progress", [incident])
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.IN_PROGRESS
    last = incident.actions.last()
    assert (last.to_status, last.actor) == (IncidentStatus.IN_PROGRESS, staff_user)
    assert incident.history.first().history_user == staff_user


def test_the_bulk_moves_are_the_moves_of_the_workflow_and_referring_is_none(client, staff_user):
    verified_login(client, staff_user)
    response = client.get(INCIDENTS)
    moves = {name for name, _label in response.context["action_form"].fields["action"].choices if "move" in name}
    assert moves == {"move_to_in_progress", "move_to_resolved", "move_to_closed_unresolved"}


def test_assigning_a_negotiator_refuses_cases_of_other_communities(client, staff_user, community):
    here = report(staff_user, community, "Тут")
    elsewhere = report(staff_user, CommunityFactory(), "Деінде")
    negotiator = NegotiatorFactory(community=community)
    verified_login(client, staff_user)
    response = act(client, INCIDENTS, "assign_negotiator", [here, elsewhere], negotiator=negotiator.pk)
    here.refresh_from_db()
    elsewhere.refresh_from_db()
    assert here.negotiator == negotiator
    assert elsewhere.negotiator is None
    assert any(text.startswith("Not assigned") and f"#{elsewhere.pk}" in text for text in messages_of(response))


def test_a_manager_has_no_status_or_assign_actions(client, manager_user, staff_user):
    verified_login(client, manager_user)
    report(staff_user, CommunityFactory())  # the action bar shows only above rows
    response = client.get(INCIDENTS)
    assert "negotiator" not in response.context["action_form"].fields
    actions = [choice for choice, _label in response.context["action_form"].fields["action"].choices]
    assert "export_csv" in actions
    assert "export_xlsx" in actions
    assert not [name for name in actions if name.startswith("move_to_") or name == "assign_negotiator"]


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_has_readable_labels_and_formulas_stay_text(client, staff_user, community):
    incident = report(staff_user, community, "=HYPERLINK(1)")
    verified_login(client, staff_user)
    response = act(client, INCIDENTS, "export_csv", [incident])
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, row = csv_rows(response)
    assert header[:3] == ["ID", "Title", "Status"]
    record = dict(zip(header, row, strict=True))
    assert record["Status"] == "Reported"
    assert record["Title"] == "'=HYPERLINK(1)"


def test_xlsx_export_keeps_formulas_as_text(client, staff_user, community):
    incident = report(staff_user, community, "=1+1")
    verified_login(client, staff_user)
    response = act(client, INCIDENTS, "export_xlsx", [incident])
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Title"] == "=1+1"
    assert sheet.cell(row=2, column=rows[0].index("Title") + 1).data_type == "s"


def test_parties_are_exported_only_to_those_who_read_personal_data_and_logged(
    client, staff_user, manager_user, community
):
    incident = report(staff_user, community, parties=[{"role": "affected", "full_name": "Оксана Петренко"}])
    verified_login(client, manager_user)
    header, row = csv_rows(act(client, INCIDENTS, "export_csv", [incident]))
    assert "Parties" not in header
    assert "Оксана" not in ",".join(row)
    assert not PersonalDataView.objects.exists()

    verified_login(client, staff_user)
    header, row = csv_rows(act(client, INCIDENTS, "export_csv", [incident]))
    assert "Оксана Петренко" in dict(zip(header, row, strict=True))["Parties"]
    logged = PersonalDataView.objects.get()
    assert (logged.channel, logged.user, logged.object_id) == (
        ViewChannel.EXPORT,
        staff_user,
        str(incident.parties.get().pk),
    )


def test_the_parties_of_many_incidents_are_read_in_one_query(client, staff_user, community):
    def queries_to_export(count):
        incidents = [
            report(staff_user, community, title=f"Спір {n}", parties=[{"role": "affected", "full_name": f"Особа {n}"}])
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            _header, *rows = csv_rows(act(client, INCIDENTS, "export_csv", incidents))
        assert len(rows) == count
        return len(captured)

    verified_login(client, staff_user)
    assert queries_to_export(6) == queries_to_export(2)


def test_negotiator_export_names_them_only_for_readers_and_logs_it(client, staff_user, manager_user, community):
    negotiator = NegotiatorFactory(community=community)
    url = reverse("admin:negotiators_negotiator_changelist")
    verified_login(client, manager_user)
    header, _row = csv_rows(act(client, url, "export_csv", [negotiator]))
    assert "Full name" not in header
    verified_login(client, staff_user)
    header, row = csv_rows(act(client, url, "export_csv", [negotiator]))
    assert dict(zip(header, row, strict=True))["Full name"] == negotiator.contact.full_name
    assert PersonalDataView.objects.filter(channel=ViewChannel.EXPORT, user=staff_user).count() == 1


def test_negotiators_are_marked_inactive_in_bulk_with_history(client, staff_user, community):
    negotiators = [NegotiatorFactory(community=community) for _ in range(2)]
    verified_login(client, staff_user)
    act(client, reverse("admin:negotiators_negotiator_changelist"), "mark_inactive", negotiators)
    for negotiator in negotiators:
        negotiator.refresh_from_db()
        assert not negotiator.is_active
        assert negotiator.history.first().history_user == staff_user


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("admin:communities_community_changelist", lambda community: community),
        ("admin:negotiators_outreachevent_changelist", lambda community: OutreachEventFactory(community=community)),
    ],
)
def test_communities_and_events_export_as_xlsx(client, staff_user, community, url, make):
    record = make(community)
    verified_login(client, staff_user)
    response = act(client, reverse(url), "export_xlsx", [record])
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2


def test_the_assign_list_names_no_negotiator(client, staff_user, community):
    negotiator = NegotiatorFactory(community=community)
    report(staff_user, community)  # the action bar shows only above rows
    verified_login(client, staff_user)
    body = client.get(INCIDENTS).content.decode()
    assert f'value="{negotiator.pk}"' in body
    assert negotiator.contact.full_name not in body
