"""What the phone may keep: pages with personal data answer ``no-store, private``; every field page
names the login that saw it (the device session the service worker and the outbox tag what they
keep with); ``/field/session/`` tells the phone which login it talks to and which ended for good.
The browser side is in test_offline_privacy.py."""

import json
import re

import pytest
from django.urls import reverse

from incidents.models import IncidentParty, PartyRole
from negotiators.field import DEVICE_SESSION_HEADER
from tests.accounts.support import verified_login
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def page_session(response) -> str:
    match = re.search(r'data-session="([^"]*)"', response.content.decode())
    assert match, "the page carries no data-session"
    return match.group(1)


@pytest.fixture
def case(community):
    incident = IncidentFactory(community=community, title="Сварка біля магазину")
    IncidentParty.objects.create(
        incident=incident, role=PartyRole.COMPLAINANT, full_name="Марія Бондар", phone="+380501112233"
    )
    return incident


def test_a_case_with_its_parties_is_never_kept(client, negotiator_user, case):
    client.force_login(negotiator_user)
    response = client.get(reverse("field:incident_detail", args=[case.pk]))
    assert "Марія Бондар" in response.content.decode()
    assert no_store(response)


def test_answers_to_a_case_form_are_never_kept(client, negotiator_user, case):
    client.force_login(negotiator_user)
    response = client.post(
        reverse("field:incident_action", args=[case.pk]), {"action-kind": ""}, headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert no_store(response)
    # The incident form's answer holds the parties typed in it.
    response = client.post(reverse("field:incident_new"), {"party-0-full_name": "Марія Бондар"})
    assert no_store(response)


def test_pages_without_personal_data_may_be_kept(client, negotiator_user, case):
    client.force_login(negotiator_user)
    for name in ("field:home", "field:incident_list", "field:event_new", "field:incident_new", "field:training"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "no-store" not in response.get("Cache-Control", ""), name
        assert "Марія Бондар" not in response.content.decode(), name


def test_negotiators_names_on_the_training_pages_of_staff_are_never_kept(client, staff_user, negotiator_user):
    verified_login(client, staff_user)
    choose = client.get(reverse("field:training"))
    assert next(t.name for t in choose.templates) == "field/training_choose.html"
    assert no_store(choose)
    negotiator = negotiator_user.negotiator
    assert no_store(client.get(reverse("field:training"), {"negotiator": negotiator.pk}))


def test_every_field_page_names_its_login_and_the_offline_page_none(client, negotiator_user):
    client.force_login(negotiator_user)
    home = client.get(reverse("field:home"))
    session = page_session(home)
    assert session
    assert home[DEVICE_SESSION_HEADER] == session
    cases = client.get(reverse("field:incident_list"))
    assert cases[DEVICE_SESSION_HEADER] == page_session(cases) == session  # one id for the whole login
    offline = client.get(reverse("field:offline"))
    assert page_session(offline) == ""
    assert DEVICE_SESSION_HEADER not in offline


def test_each_login_gets_a_new_device_session(client, negotiator_user):
    client.force_login(negotiator_user)
    first = page_session(client.get(reverse("field:home")))
    client.post(reverse("logout"))
    client.force_login(negotiator_user)
    second = page_session(client.get(reverse("field:home")))
    assert first
    assert second
    assert first != second


def test_the_session_endpoint_says_which_login_the_phone_talks_to(client, negotiator_user):
    response = client.get(reverse("field:session"))
    assert response.json() == {"session": None, "gone": []}
    assert no_store(response)

    client.force_login(negotiator_user)
    session = page_session(client.get(reverse("field:home")))
    response = client.get(reverse("field:session"))
    assert response.json() == {"session": session, "gone": []}
    assert no_store(response)


def test_the_session_endpoint_says_which_earlier_logins_belong_to_an_account_switched_off(
    client, negotiator_user, staff_user
):
    client.force_login(negotiator_user)
    lost_phone = page_session(client.get(reverse("field:home")))
    verified_login(client, staff_user)
    still_active = page_session(client.get(reverse("field:home")))
    client.logout()
    forged = lost_phone[:-3] + ("aaa" if not lost_phone.endswith("aaa") else "bbb")
    url = reverse("field:session")

    assert client.get(url, {"was": [lost_phone, still_active, forged]}).json()["gone"] == []
    negotiator_user.is_active = False
    negotiator_user.save()
    assert client.get(url, {"was": [lost_phone, still_active, forged]}).json()["gone"] == [lost_phone]
    staff_user.delete()
    assert client.get(url, {"was": [lost_phone, still_active, forged]}).json()["gone"] == [lost_phone, still_active]


def test_the_offline_page_knows_which_pages_are_never_kept(client):
    page = client.get(reverse("field:offline")).content.decode()
    pattern = re.search(r'data-private="([^"]+)"', page).group(1)
    assert re.search(pattern, reverse("field:incident_detail", args=[12]))
    assert not re.search(pattern, reverse("field:incident_list"))
    assert not re.search(pattern, reverse("field:home"))


def test_the_offline_page_and_the_service_worker_know_the_case_work_pages_never_kept(client):
    page = client.get(reverse("field:offline")).content.decode()
    pattern = re.search(r'data-private="([^"]+)"', page).group(1)
    script = client.get(reverse("field:service_worker")).content.decode()
    worker_pattern = json.loads(re.search(r"var PRIVATE = new RegExp\((.+)\);", script).group(1))
    assert worker_pattern == pattern
    for private in (
        reverse("field:case_detail", args=[7]),
        reverse("field:case_person", args=[7]),
        reverse("field:referral_detail", args=[9]),
    ):
        assert re.search(pattern, private), private
    for kept in (
        reverse("field:case_list"),
        reverse("field:tasks"),
        reverse("field:contact_new"),
        reverse("field:referral_new", args=[7]),
    ):
        assert not re.search(pattern, kept), kept


def test_the_service_worker_keeps_no_no_store_page_and_tags_what_it_keeps(client):
    script = client.get(reverse("field:service_worker")).content.decode()
    assert "no-store" in script
    assert f'var SESSION = "{DEVICE_SESSION_HEADER}";' in script
    assert '"/field/session/"' in script or 'SCOPE + "session/"' in script
