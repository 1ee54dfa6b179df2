"""Only holders of *reads personal data* see parties and negotiators' contacts: a programme
manager gets "not found" on them everywhere (admin, field app, API), staff see them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from access.capabilities import Capability, role_can
from access.roles import Role, sync_role_groups
from incidents.services import incident_report
from tests.accounts.support import verified_login
from tests.communities.factories import UserFactory
from tests.negotiators.factories import NegotiatorFactory

pytestmark = pytest.mark.django_db

NAME, PHONE = "Петренко Іван", "+380 67 123 45 67"
NEGOTIATOR_NAME, NEGOTIATOR_PHONE = "Мельник Тарас", "+380 50 111 22 33"


@pytest.fixture
def case(staff_user, community):
    negotiator = NegotiatorFactory(
        community=community, contact__full_name=NEGOTIATOR_NAME, contact__phone=NEGOTIATOR_PHONE
    )
    incident = incident_report(
        actor=staff_user,
        community=community,
        category="public_order",
        occurred_at=timezone.now() - timedelta(days=1),
        title="Конфлікт біля школи",
        negotiator=negotiator,
        parties=[{"role": "complainant", "full_name": NAME, "phone": PHONE, "is_minor": False}],
    )
    return incident, incident.parties.get(), negotiator


def personal_urls(party, negotiator):
    contact = negotiator.contact.pk
    return [
        reverse("admin:incidents_incidentparty_changelist"),
        reverse("admin:incidents_incidentparty_change", args=[party.pk]),
        reverse("admin:incidents_incidentparty_history", args=[party.pk]),
        reverse("admin:negotiators_negotiatorcontact_changelist"),
        reverse("admin:negotiators_negotiatorcontact_change", args=[contact]),
        reverse("admin:negotiators_negotiatorcontact_history", args=[contact]),
        reverse("admin:negotiators_negotiatorcontact_delete", args=[contact]),
    ]


def test_programme_managers_no_longer_read_personal_data_and_the_dpo_only_the_log():
    assert not role_can(Role.PROGRAMME_MANAGER, Capability.READS_PERSONAL_DATA)
    assert role_can(Role.PROGRAMME_MANAGER, Capability.READS_INTERNAL_DATA)
    assert role_can(Role.STAFF, Capability.READS_PERSONAL_DATA)
    assert role_can(Role.NEGOTIATOR, Capability.READS_PERSONAL_DATA)
    assert not role_can(Role.DATA_PROTECTION, Capability.READS_PERSONAL_DATA)
    assert role_can(Role.DATA_PROTECTION, Capability.BROWSES_PRIVACY_LOG)


def test_the_manager_group_holds_no_permission_on_personal_data(manager_user):
    codenames = {permission.split(".")[1] for permission in manager_user.get_all_permissions()}
    assert "view_incident" in codenames
    assert not codenames & {"view_incidentparty", "view_negotiatorcontact", "view_historicalnegotiatorcontact"}


@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.DATA_PROTECTION])
def test_parties_and_contacts_are_not_found_in_the_admin_for_whoever_does_not_read_them(client, case, role):
    _incident, party, negotiator = case
    verified_login(client, UserFactory(role=role))
    for url in personal_urls(party, negotiator):
        assert client.get(url).status_code == 404, url
    index = client.get(reverse("admin:index")).content.decode()
    assert "incidentparty" not in index
    assert "negotiatorcontact" not in index


def test_staff_open_parties_and_contacts_in_the_admin(client, staff_user, case):
    _incident, party, negotiator = case
    verified_login(client, staff_user)
    for url in personal_urls(party, negotiator)[:-1]:
        assert client.get(url).status_code == 200, url
    assert NAME in client.get(personal_urls(party, negotiator)[0]).content.decode()


def test_a_manager_sees_cases_and_negotiators_in_the_admin_without_personal_data(client, manager_user, case):
    incident, _party, negotiator = case
    verified_login(client, manager_user)
    pages = [
        reverse("admin:incidents_incident_change", args=[incident.pk]),
        reverse("admin:negotiators_negotiator_changelist"),
        reverse("admin:negotiators_negotiator_change", args=[negotiator.pk]),
        reverse("admin:negotiators_negotiator_history", args=[negotiator.pk]),
        reverse("admin:incidents_incident_changelist"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for personal in (NAME, "123 45 67", NEGOTIATOR_NAME, NEGOTIATOR_PHONE):
            assert personal not in body, (url, personal)
    assert f"Negotiator #{negotiator.pk}" in client.get(pages[2], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Searching by a name could confirm it: for a manager the name is not searched.
    found = client.get(pages[1], {"q": "Мельник"})
    assert found.context["cl"].result_count == 0


def test_staff_see_the_negotiators_name_on_the_same_pages(client, staff_user, case):
    incident, _party, negotiator = case
    verified_login(client, staff_user)
    for url in [
        reverse("admin:incidents_incident_change", args=[incident.pk]),
        reverse("admin:negotiators_negotiator_change", args=[negotiator.pk]),
    ]:
        assert NEGOTIATOR_NAME in client.get(url).content.decode()


def test_staff_see_the_parties_on_the_case_in_the_admin(client, staff_user, case):
    incident, _party, _negotiator = case
    verified_login(client, staff_user)
    body = client.get(reverse("admin:incidents_incident_change", args=[incident.pk])).content.decode()
    assert NAME in body
    assert PHONE in body


def test_the_field_case_page_shows_parties_to_staff_and_not_to_a_manager(client, staff_user, manager_user, case):
    incident, _party, _negotiator = case
    url = reverse("field:incident_detail", args=[incident.pk])
    verified_login(client, manager_user)
    body = client.get(url).content.decode()
    assert incident.title in body
    assert NAME not in body
    assert PHONE not in body
    assert NEGOTIATOR_NAME not in body
    verified_login(client, staff_user)
    body = client.get(url).content.decode()
    assert NAME in body
    assert PHONE in body
    assert NEGOTIATOR_NAME in body


def test_the_field_training_page_names_negotiators_only_to_those_who_read_personal_data(
    client, staff_user, manager_user, case
):
    _incident, _party, negotiator = case
    url = reverse("field:training")
    verified_login(client, manager_user)
    assert NEGOTIATOR_NAME not in client.get(url).content.decode()
    assert NEGOTIATOR_NAME not in client.get(url, {"negotiator": negotiator.pk}).content.decode()
    verified_login(client, staff_user)
    assert NEGOTIATOR_NAME in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["manager_user", "staff_user"])
def test_the_api_never_answers_with_parties_or_contacts(client, request, case, who):
    incident, _party, negotiator = case
    verified_login(client, request.getfixturevalue(who))
    for url in [f"/api/v1/incidents/{incident.pk}/", "/api/v1/incidents/", f"/api/v1/negotiators/{negotiator.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Петренко" not in body
        assert "123 45 67" not in body
        assert "Мельник" not in body


def test_the_data_protection_group_views_the_privacy_logs_and_nothing_else():
    sync_role_groups()
    group = Group.objects.get(name=Role.DATA_PROTECTION.value)
    permissions = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("privacy", "view_personaldataview") in permissions
    assert {app for app, _codename in permissions} <= {"privacy", "axes"}
    assert all(codename.startswith("view_") for _app, codename in permissions)
