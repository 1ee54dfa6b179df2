from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from incidents.models import ActionKind, IncidentAction, IncidentStatus
from incidents.services import incident_action_add, incident_referral_log, incident_report, incident_transition
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def report(actor, community, **overrides):
    fields = {
        "actor": actor,
        "community": community,
        "category": "neighbour_dispute",
        "occurred_at": timezone.now() - timedelta(days=2),
        "title": "Спір через межу ділянки",
    }
    return incident_report(**(fields | overrides))


def test_reporting_opens_a_case_with_its_first_log_entry(negotiator_user, community):
    incident = report(negotiator_user, community, parties=[{"role": "complainant", "full_name": "Іваненко Петро"}])
    assert incident.status == IncidentStatus.REPORTED
    assert incident.negotiator == negotiator_user.negotiator
    assert incident.parties.get().full_name == "Іваненко Петро"
    assert list(incident.actions.values_list("kind", "actor", "to_status")) == [
        (ActionKind.REPORTED, negotiator_user.pk, IncidentStatus.REPORTED)
    ]


def test_negotiator_cannot_report_in_another_community(negotiator_user, other_community):
    with pytest.raises(PermissionDenied):
        report(negotiator_user, other_community)


def test_incident_in_the_future_is_refused(staff_user, community):
    with pytest.raises(ValidationError) as error:
        report(staff_user, community, occurred_at=timezone.now() + timedelta(days=1))
    assert "occurred_at" in error.value.message_dict


def test_case_moves_through_the_workflow_and_logs_each_step(negotiator_user, community):
    incident = report(negotiator_user, community)
    incident_transition(incident=incident, to_status="in_progress", actor=negotiator_user, response_mode="mediation")
    incident_transition(incident=incident, to_status="resolved", actor=negotiator_user, note="Сторони домовилися")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.response_mode == "mediation"
    assert incident.closed_at is not None
    steps = list(incident.actions.values_list("from_status", "to_status"))
    assert steps == [("", "reported"), ("reported", "in_progress"), ("in_progress", "resolved")]
    assert incident.actions.last().description == "Сторони домовилися"


def test_workflow_refuses_a_jump_it_does_not_allow(staff_user, community):
    incident = report(staff_user, community)
    with pytest.raises(ValidationError) as error:
        incident_transition(incident=incident, to_status="resolved", actor=staff_user)
    assert "to_status" in error.value.message_dict
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.REPORTED
    assert incident.actions.count() == 1


def test_referring_is_no_longer_a_move_and_the_case_stays_open(staff_user, community):
    incident = report(staff_user, community)
    incident_transition(incident=incident, to_status="in_progress", actor=staff_user)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        incident_transition(incident=incident, to_status="referred", actor=staff_user)
    assert "no longer closes it" in error.value.message_dict["to_status"][0]
    incident.refresh_from_db()
    assert (incident.status, incident.closed_at) == ("in_progress", None)
    assert "referred" not in incident.allowed_transitions()


def test_a_case_closed_as_referred_before_may_still_be_reopened(staff_user, community):
    closed_at = timezone.now() - timedelta(days=3)
    incident = IncidentFactory(
        community=community,
        occurred_at=closed_at - timedelta(days=5),
        status="referred",
        referred_to="police",
        closed_at=closed_at,
    )
    incident_transition(incident=incident, to_status="in_progress", actor=staff_user)
    incident.refresh_from_db()
    assert (incident.status, incident.closed_at, incident.referred_to) == ("in_progress", None, "police")


def test_the_log_of_a_referral_says_the_agency_and_keeps_the_status(staff_user, community):
    incident = report(staff_user, community)
    entry = incident_referral_log(
        incident=incident, actor=staff_user, agency="Центр правничої допомоги", sent_on=timezone.localdate()
    )
    incident.refresh_from_db()
    assert incident.status == "reported"
    assert (entry.kind, entry.actor) == (ActionKind.REFERRAL, staff_user)
    assert "Центр правничої допомоги" in entry.description


def test_reopening_a_closed_case_clears_its_closing_time(staff_user, community):
    incident = report(staff_user, community)
    incident_transition(incident=incident, to_status="closed_unresolved", actor=staff_user)
    incident_transition(incident=incident, to_status="in_progress", actor=staff_user, note="Нові обставини")
    incident.refresh_from_db()
    assert incident.status == "in_progress"
    assert incident.closed_at is None


def test_action_without_status_change_is_logged_and_touches_the_case(negotiator_user, community):
    incident = report(negotiator_user, community)
    before = incident.updated_at
    action = incident_action_add(
        incident=incident, kind="mediation_meeting", actor=negotiator_user, description="Зустріч сторін"
    )
    assert action.actor == negotiator_user
    incident.refresh_from_db()
    assert incident.updated_at > before
    assert IncidentAction.objects.filter(incident=incident).count() == 2


def test_an_action_dated_before_the_incident_happened_is_refused(staff_user, community):
    incident = report(staff_user, community)
    with pytest.raises(ValidationError) as refused:
        incident_action_add(
            incident=incident, kind="note", actor=staff_user, performed_at=incident.occurred_at - timedelta(days=1)
        )
    assert set(refused.value.message_dict) == {"performed_at"}
    assert IncidentAction.objects.filter(incident=incident).count() == 1


def test_a_change_of_status_dated_before_the_incident_happened_is_refused(staff_user, community):
    incident = report(staff_user, community)
    with pytest.raises(ValidationError) as refused:
        incident_transition(
            incident=incident,
            to_status="in_progress",
            actor=staff_user,
            performed_at=incident.occurred_at - timedelta(minutes=1),
        )
    assert set(refused.value.message_dict) == {"performed_at"}
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.REPORTED


def test_a_change_of_status_dated_in_the_future_is_refused(staff_user, community):
    incident = report(staff_user, community)
    with pytest.raises(ValidationError) as refused:
        incident_transition(
            incident=incident,
            to_status="in_progress",
            actor=staff_user,
            performed_at=timezone.now() + timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"performed_at"}


def test_status_kinds_cannot_be_logged_as_plain_actions(staff_user, community):
    incident = report(staff_user, community)
    with pytest.raises(ValidationError):
        incident_action_add(incident=incident, kind="status_change", actor=staff_user)


def test_programme_manager_cannot_write_cases(manager_user, community):
    with pytest.raises(PermissionDenied):
        report(manager_user, community)


def test_history_records_who_changed_the_case(staff_user, community):
    incident = report(staff_user, community)
    incident_transition(incident=incident, to_status="in_progress", actor=staff_user)
    latest = incident.history.latest()
    assert latest.history_user == staff_user
    assert latest.status == "in_progress"
