from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, IncidentAction
from incidents.services import incident_report
from tests.accounts.support import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(staff_user, community):
    return incident_report(
        actor=staff_user,
        community=community,
        category="public_order",
        occurred_at=timezone.now() - timedelta(days=1),
        title="Порушення порядку",
    )


def change_form(incident, **overrides):
    local = timezone.localtime(incident.occurred_at)
    data = {
        "community": incident.community_id,
        "title": incident.title,
        "category": incident.category,
        "severity": incident.severity,
        "occurred_at_0": local.strftime("%d.%m.%Y"),
        "occurred_at_1": local.strftime("%H:%M:%S"),
        "source": incident.source,
        "description": "",
        "location": "",
        "internal_notes": "",
        "parties-TOTAL_FORMS": 0,
        "parties-INITIAL_FORMS": 0,
        "actions-TOTAL_FORMS": 0,
        "actions-INITIAL_FORMS": incident.actions.count(),
        # The incident's referrals (casework's inline, for those who work cases).
        "referrals-TOTAL_FORMS": 0,
        "referrals-INITIAL_FORMS": incident.referrals.count(),
    }
    return data | overrides


def test_staff_move_a_case_along_the_workflow_from_the_admin(client, staff_user, incident):
    verified_login(client, staff_user)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    response = client.post(
        url,
        change_form(incident, transition_to="closed_unresolved", transition_note="Сторони не вийшли на зв'язок"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    incident.refresh_from_db()
    assert incident.status == "closed_unresolved"
    last = incident.actions.last()
    assert (last.actor, last.description) == (staff_user, "Сторони не вийшли на зв'язок")


def test_the_admin_no_longer_offers_to_move_a_case_to_referred(client, staff_user, incident):
    verified_login(client, staff_user)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    response = client.post(url, change_form(incident, transition_to="referred", transition_referred_to="police"))
    assert response.status_code == 200
    assert "transition_to" in response.context["adminform"].form.errors
    assert Incident.objects.get(pk=incident.pk).status == "reported"


def test_editing_a_case_in_the_admin_is_kept_in_its_history(client, staff_user, incident):
    verified_login(client, staff_user)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    client.post(url, change_form(incident, title="Порушення порядку біля магазину"))
    latest = incident.history.latest()
    assert (latest.title, latest.history_user) == ("Порушення порядку біля магазину", staff_user)
    history_page = client.get(reverse("admin:incidents_incident_history", args=[incident.pk]))
    assert "Порушення порядку біля магазину" in history_page.content.decode()


def test_staff_log_an_action_on_the_case_page(client, staff_user, incident):
    verified_login(client, staff_user)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    now = timezone.localtime()
    form = change_form(incident) | {
        "actions-TOTAL_FORMS": incident.actions.count() + 1,
        "actions-0-id": incident.actions.get().pk,
        "actions-0-incident": incident.pk,
        "actions-1-incident": incident.pk,
        "actions-1-kind": "police_contact",
        "actions-1-performed_at_0": now.strftime("%d.%m.%Y"),
        "actions-1-performed_at_1": now.strftime("%H:%M:%S"),
        "actions-1-description": "Дзвінок дільничному",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    logged = incident.actions.get(kind="police_contact")
    assert (logged.actor, logged.description) == (staff_user, "Дзвінок дільничному")


def inline_action(incident, when, **overrides) -> dict:
    local = timezone.localtime(when)
    return (
        change_form(incident)
        | {
            "actions-TOTAL_FORMS": incident.actions.count() + 1,
            "actions-0-id": incident.actions.get().pk,
            "actions-0-incident": incident.pk,
            "actions-1-incident": incident.pk,
            "actions-1-kind": "police_contact",
            "actions-1-performed_at_0": local.strftime("%d.%m.%Y"),
            "actions-1-performed_at_1": local.strftime("%H:%M:%S"),
            "actions-1-description": "Дзвінок дільничному",
        }
        | overrides
    )


@pytest.mark.parametrize("offset", [timedelta(days=3), -timedelta(days=30)], ids=["future", "before-the-incident"])
def test_a_wrongly_dated_action_on_the_case_page_is_a_form_error(client, staff_user, incident, offset):
    verified_login(client, staff_user)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    response = client.post(url, inline_action(incident, timezone.now() + offset))
    assert response.status_code == 200
    (formset,) = [
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "actions"
    ]
    assert "performed_at" in formset.forms[1].errors
    assert formset.forms[1]["description"].value() == "Дзвінок дільничному"
    assert incident.actions.count() == 1


def action_add_form(incident, when) -> dict:
    local = timezone.localtime(when)
    return {
        "incident": incident.pk,
        "kind": "police_contact",
        "performed_at_0": local.strftime("%d.%m.%Y"),
        "performed_at_1": local.strftime("%H:%M:%S"),
        "description": "Дзвінок дільничному",
    }


@pytest.mark.parametrize("offset", [timedelta(days=3), -timedelta(days=30)], ids=["future", "before-the-incident"])
def test_a_wrongly_dated_action_in_the_action_admin_is_a_form_error(client, staff_user, incident, offset):
    verified_login(client, staff_user)
    response = client.post(
        reverse("admin:incidents_incidentaction_add"), action_add_form(incident, timezone.now() + offset)
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "performed_at" in form.errors
    assert form["description"].value() == "Дзвінок дільничному"
    assert IncidentAction.objects.filter(incident=incident).count() == 1


def test_the_action_admin_logs_a_rightly_dated_action(client, staff_user, incident):
    verified_login(client, staff_user)
    response = client.post(
        reverse("admin:incidents_incidentaction_add"), action_add_form(incident, timezone.now() - timedelta(hours=1))
    )
    assert response.status_code == 302
    assert incident.actions.get(kind="police_contact").actor == staff_user
