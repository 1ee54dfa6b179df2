"""The change history page in words (issue 18, item 4): labels rather than codes, a dash rather
than "None", every heading translated."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from communities.admin_site import EMPTY, readable_value
from incidents.models import Incident
from incidents.services import incident_report, incident_transition
from tests.accounts.support import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(staff_user, community):
    incident = incident_report(
        actor=staff_user,
        community=community,
        category="public_order",
        occurred_at=timezone.now() - timedelta(days=1),
        title="Суперечка",
    )
    return incident_transition(incident=incident, to_status="in_progress", actor=staff_user)


def test_the_incident_history_in_ukrainian_shows_labels_not_codes_and_no_none(client, staff_user, incident):
    verified_login(client, staff_user)
    client.cookies["django_language"] = "uk"
    url = reverse("admin:incidents_incident_history", args=[incident.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="uk")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Повідомлено" in body  # reported
    assert "У роботі" in body  # in progress
    history = body[body.index('<table id="change-history"') :]
    history = history[: history.index("</table>")]
    assert "in_progress" not in history
    assert "reported" not in history  # the codes (the sidebar's model names may say "reportedvalue")
    assert "None" not in body
    assert "View history" not in body
    assert "Історія змін" in body
    assert "Changes" not in body
    assert "What changed" not in body


def test_empty_values_read_as_a_dash_and_choices_as_labels():
    status = Incident._meta.get_field("status")
    closed_at = Incident._meta.get_field("closed_at")
    assert readable_value(closed_at, None) == EMPTY
    assert readable_value(Incident._meta.get_field("referred_to"), "") == EMPTY
    with translation.override("en"):
        assert str(readable_value(status, "in_progress")) == "In progress"
        assert readable_value(Incident._meta.get_field("police_involved"), False) == "No"
