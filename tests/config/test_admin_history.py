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


def test_a_past_version_is_read_never_written_back(client, staff_user, incident):
    """Reverting is off (SIMPLE_HISTORY_REVERT_DISABLED); django-simple-history only hides its
    button, and would save a posted past version past the services' rules."""
    oldest = incident.history.order_by("history_id").first()
    url = reverse("admin:incidents_incident_simple_history", args=[incident.pk, oldest.history_id])
    verified_login(client, staff_user)
    assert client.get(url).status_code == 200
    before = incident.history.count()

    response = client.post(url, {"title": "Переписано", "community": incident.community_id, "_save": "1"})

    assert response.status_code == 405
    incident.refresh_from_db()
    assert (incident.title, incident.status, incident.history.count()) == ("Суперечка", "in_progress", before)


def test_every_admin_with_a_history_keeps_its_past_versions_read_only():
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin

    from communities.admin_site import PastVersionsReadOnly

    with_history = [type(model_admin) for model_admin in admin.site._registry.values()]
    with_history = [cls for cls in with_history if issubclass(cls, SimpleHistoryAdmin)]
    assert len(with_history) > 20
    assert [cls.__name__ for cls in with_history if not issubclass(cls, PastVersionsReadOnly)] == []
