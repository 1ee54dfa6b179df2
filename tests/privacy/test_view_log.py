"""Every view of a record holding personal data is logged (who, when, which record, from where);
the data protection officer browses the log in the admin, and nobody can change it."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from incidents.models import IncidentParty
from incidents.services import incident_report
from negotiators.models import NegotiatorContact
from privacy.models import PersonalDataView, ViewChannel
from privacy.viewlog import record_view
from tests.accounts.support import verified_login
from tests.communities.factories import UserFactory
from tests.negotiators.factories import NegotiatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(staff_user, community):
    return incident_report(
        actor=staff_user,
        community=community,
        category="public_order",
        occurred_at=timezone.now() - timedelta(days=1),
        title="Конфлікт біля школи",
        parties=[
            {"role": "complainant", "full_name": "Петренко Іван", "phone": "0671234567", "is_minor": False},
            {"role": "witness", "full_name": "Коваль Ганна", "phone": "", "is_minor": False},
        ],
    )


@pytest.fixture
def dpo(db):
    return UserFactory(username="dpo-user", role=Role.DATA_PROTECTION)


def logged(model, channel):
    return PersonalDataView.objects.filter(content_type=ContentType.objects.get_for_model(model), channel=channel)


def test_the_incident_admin_change_view_logs_each_party_shown(client, staff_user, incident):
    verified_login(client, staff_user)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    client.get(url, REMOTE_ADDR="10.1.2.3")

    rows = logged(IncidentParty, ViewChannel.ADMIN)
    assert sorted(int(row.object_id) for row in rows) == sorted(incident.parties.values_list("pk", flat=True))
    row = rows.first()
    assert (row.user, row.username, row.path, row.ip_address) == (staff_user, "staff-user", url, "10.1.2.3")
    # Named without personal data, in the portal's language.
    assert row.label == f"Сторона №{row.object_id} випадку №{incident.pk}"


def test_admin_lists_showing_names_log_every_row_shown(client, staff_user, incident, community):
    negotiators = [NegotiatorFactory(community=community) for _ in range(3)]
    verified_login(client, staff_user)
    client.get(reverse("admin:negotiators_negotiator_changelist"))
    assert logged(NegotiatorContact, ViewChannel.ADMIN).count() == 3
    client.get(reverse("admin:incidents_incidentparty_changelist"))
    assert logged(IncidentParty, ViewChannel.ADMIN).count() == 2
    client.get(reverse("admin:negotiators_negotiatorcontact_history", args=[negotiators[0].pk]))
    assert logged(NegotiatorContact, ViewChannel.ADMIN).filter(object_id=str(negotiators[0].pk)).count() == 2
    client.get(reverse("admin:negotiators_negotiator_history", args=[negotiators[1].pk]))
    assert logged(NegotiatorContact, ViewChannel.ADMIN).filter(object_id=str(negotiators[1].pk)).count() == 2


def test_a_manager_sees_no_personal_data_so_nothing_is_logged(client, manager_user, incident):
    verified_login(client, manager_user)
    assert client.get(reverse("admin:incidents_incident_change", args=[incident.pk])).status_code == 200
    assert client.get(reverse("field:incident_detail", args=[incident.pk])).status_code == 200
    assert not PersonalDataView.objects.exists()


def test_the_field_case_page_logs_its_parties_and_the_negotiators_contact(client, negotiator_user, community):
    negotiator = negotiator_user.negotiator
    incident = incident_report(
        actor=negotiator_user,
        community=community,
        category="public_order",
        occurred_at=timezone.now() - timedelta(days=1),
        title="Конфлікт",
        parties=[{"role": "complainant", "full_name": "Петренко Іван", "phone": "", "is_minor": False}],
    )
    verified_login(client, negotiator_user)
    client.get(reverse("field:incident_detail", args=[incident.pk]))

    assert logged(IncidentParty, ViewChannel.FIELD).get().object_id == str(incident.parties.get().pk)
    assert logged(NegotiatorContact, ViewChannel.FIELD).get().object_id == str(negotiator.pk)
    assert PersonalDataView.objects.filter(channel=ViewChannel.ADMIN).count() == 0


def test_an_api_read_is_logged_with_its_channel_in_one_write(staff_user, incident, django_assert_num_queries, rf):
    # No API collection answers with parties or contacts (tests/privacy/test_access.py): a read
    # that would goes through the same function with the API channel.
    request = rf.get("/api/v1/something/", REMOTE_ADDR="192.0.2.7")
    parties = list(incident.parties.all())
    with django_assert_num_queries(1):
        record_view(staff_user, parties + parties, ViewChannel.API, request)
    rows = logged(IncidentParty, ViewChannel.API)
    assert rows.count() == 2
    assert {row.ip_address for row in rows} == {"192.0.2.7"}


def test_the_dpo_browses_the_log_and_nobody_can_change_it(client, dpo, staff_user, incident):
    verified_login(client, staff_user)
    client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    row = PersonalDataView.objects.first()
    changelist = reverse("admin:privacy_personaldataview_changelist")
    change = reverse("admin:privacy_personaldataview_change", args=[row.pk])

    verified_login(client, dpo)
    response = client.get(changelist, {"channel__exact": "admin", "q": "staff-user"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    assert client.get(changelist, {"channel__exact": "field"}).context["cl"].result_count == 0
    assert client.get(change).status_code == 200
    for user in (dpo, staff_user):
        verified_login(client, user)
        assert client.get(reverse("admin:privacy_personaldataview_add")).status_code == 403
        assert client.post(change, {"label": "changed"}).status_code == 403
        assert (
            client.post(reverse("admin:privacy_personaldataview_delete", args=[row.pk]), {"post": "yes"}).status_code
            == 403
        )
    row.refresh_from_db()
    assert row.label != "changed"


def test_staff_do_not_browse_the_log(client, staff_user):
    verified_login(client, staff_user)
    assert client.get(reverse("admin:privacy_personaldataview_changelist")).status_code == 403


def test_the_admins_own_log_names_nobody(client, staff_user, community):
    negotiator = NegotiatorFactory(community=community, contact__full_name="Мельник Тарас")
    verified_login(client, staff_user)
    url = reverse("admin:negotiators_negotiatorcontact_change", args=[negotiator.pk])
    form = {
        "negotiator": negotiator.pk,
        "full_name": "Мельник Тарас Іванович",
        "gender": "male",
        "phone": "",
        "email": "",
    }
    response = client.post(url, form | {"notes": ""})
    assert response.status_code == 302

    entry = LogEntry.objects.get()
    assert "Мельник" not in entry.object_repr
    assert "Мельник" not in entry.change_message
