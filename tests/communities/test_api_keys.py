"""API keys: issued once (command and admin), stored hashed, expiring, revocable, recording
their last use; every request made with a key is in the request log."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from api.keys import api_key_hash, api_key_issue, api_key_revoke
from api.models import ApiKey, ApiRequest
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import PartnerOrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]


def test_only_the_hash_and_a_prefix_are_stored(partner):
    issued = api_key_issue(actor=None, partner=partner)
    row = ApiKey.objects.get()
    assert issued.token.startswith(f"zlg_{row.prefix}_")
    assert row.hashed_key == api_key_hash(issued.token)
    assert issued.token not in str(ApiKey.objects.values().get())


def test_issue_api_key_prints_the_key_alone_on_stdout(partner):
    out, err = StringIO(), StringIO()
    call_command("issue_api_key", "--partner", partner.name, "--expires-days", "30", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    token = lines[0]
    assert token.startswith("zlg_")
    api_key = ApiKey.objects.get(partner=partner)
    assert api_key.prefix in err.getvalue()
    assert timedelta(days=29, hours=23) < api_key.expires_at - timezone.now() <= timedelta(days=30)
    assert key_client(token).get("/api/v1/communities/").status_code == 200


def test_issue_api_key_finds_the_partner_by_short_name_and_keys_never_expire_by_default(partner):
    partner.short_name = "ПЦГБ"
    partner.save()
    out = StringIO()
    call_command("issue_api_key", "--partner", "пцгб", stdout=out, stderr=StringIO())
    assert ApiKey.objects.get().expires_at is None


def test_issue_api_key_refuses_an_unknown_partner_and_names_the_known_ones(partner):
    with pytest.raises(CommandError, match=partner.name):
        call_command("issue_api_key", "--partner", "Nobody", stdout=StringIO())
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("days", ["0", "3651", "100000000"])
def test_issue_api_key_refuses_an_expiry_outside_one_day_to_ten_years_in_the_portals_language(partner, days):
    with pytest.raises(CommandError, match="--expires-days має бути від 1 до 3650"):
        call_command("issue_api_key", "--partner", partner.name, "--expires-days", days, stdout=StringIO())
    assert not ApiKey.objects.exists()


def test_issue_api_key_accepts_ten_years(partner):
    call_command(
        "issue_api_key", "--partner", partner.name, "--expires-days", "3650", stdout=StringIO(), stderr=StringIO()
    )
    assert ApiKey.objects.get().expires_at > timezone.now() + timedelta(days=3649)


def test_issue_api_key_speaks_the_portals_language(partner):
    with pytest.raises(CommandError, match="Немає партнерської організації з назвою «Nobody»"):
        call_command("issue_api_key", "--partner", "Nobody", stdout=StringIO())
    with translation.override("en"), pytest.raises(CommandError, match="No user is called “nobody”"):
        call_command("issue_api_key", "--user", "nobody", stdout=StringIO())


def test_issue_api_key_for_staff_only(staff_user, negotiator_user):
    out = StringIO()
    call_command("issue_api_key", "--user", staff_user.username, stdout=out, stderr=StringIO())
    assert ApiKey.objects.get().user == staff_user
    with translation.override("en"), pytest.raises(CommandError, match="staff"):
        call_command("issue_api_key", "--user", negotiator_user.username, stdout=StringIO())


def test_an_expired_key_is_refused(partner):
    token = issue_key(partner, expires_at=timezone.now() + timedelta(days=1))
    ApiKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = key_client(token).get("/api/v1/communities/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid API key."


def test_a_revoked_key_is_refused(partner, staff_user):
    token = issue_key(partner)
    api_key_revoke(api_key=ApiKey.objects.get(), actor=staff_user)
    response = key_client(token).get("/api/v1/communities/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid API key."


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer zlg_", "Bearer zlg_abc", "Bearer zlg_{prefix}_wrong-secret", "Bearer ключ"],
)
def test_malformed_or_wrong_keys_are_refused(partner, header):
    prefix = ApiKey.objects.get(pk=api_key_issue(actor=None, partner=partner).api_key.pk).prefix
    response = key_client("x").get("/api/v1/communities/", HTTP_AUTHORIZATION=header.format(prefix=prefix))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_expiry_must_be_in_the_future_and_keys_belong_to_one_owner(partner, staff_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_key_issue(actor=None, partner=partner, expires_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationError):
        api_key_issue(actor=None, partner=partner, user=staff_user)
    with pytest.raises(ValidationError):
        api_key_issue(actor=None)


def test_last_use_is_recorded_without_a_write_per_request(partner, django_assert_num_queries):
    token = issue_key(partner)
    client = key_client(token)
    assert ApiKey.objects.get().last_used_at is None
    client.get("/api/v1/regions/")
    first_use = ApiKey.objects.get().last_used_at
    assert first_use is not None
    client.get("/api/v1/regions/")
    assert ApiKey.objects.get().last_used_at == first_use


def test_every_request_with_a_key_is_logged(partner):
    token = issue_key(partner)
    client = key_client(token)
    client.get("/api/v1/incidents/", {"date_after": "2025-01-01"})
    client.get("/api/v1/incidents/999999/")
    client.post("/api/v1/events/", {}, format="json")
    client.get("/api/v1/no-such-thing/")
    rows = list(ApiRequest.objects.order_by("id").values_list("method", "path", "query", "status_code"))
    assert rows == [
        ("GET", "/api/v1/incidents/", "date_after=2025-01-01", 200),
        ("GET", "/api/v1/incidents/999999/", "", 404),
        ("POST", "/api/v1/events/", "", 403),
        ("GET", "/api/v1/no-such-thing/", "", 404),
    ]
    assert {row.api_key.partner for row in ApiRequest.objects.all()} == {partner}


def test_requests_with_a_revoked_key_are_logged_too(partner, staff_user):
    token = issue_key(partner)
    api_key_revoke(api_key=ApiKey.objects.get(), actor=staff_user)
    key_client(token).get("/api/v1/incidents/")
    assert list(ApiRequest.objects.values_list("status_code", flat=True)) == [401]


def test_session_requests_are_not_in_the_key_log(client, staff_user):
    verified_login(client, staff_user)
    client.get("/api/v1/incidents/")
    assert not ApiRequest.objects.exists()


# --- the admin ------------------------------------------------------------------------------------


def test_staff_issue_a_key_in_the_admin_and_see_it_once(client, staff_user, partner):
    verified_login(client, staff_user)
    response = client.post(
        reverse("admin:api_apikey_add"),
        {"partner": partner.pk, "name": "M&E", "expires_at_0": "", "expires_at_1": ""},
    )
    assert response.status_code == 200, response.content[:500]
    token = response.context["token"]
    assert token in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    api_key = ApiKey.objects.get()
    assert (api_key.partner, api_key.created_by, api_key.name) == (partner, staff_user, "M&E")
    assert key_client(token).get("/api/v1/communities/").status_code == 200
    # The change page afterwards shows the prefix, never the key.
    page = client.get(reverse("admin:api_apikey_change", args=[api_key.pk])).content.decode()
    assert api_key.prefix in page
    assert token not in page


def test_the_admin_refuses_a_key_for_nobody_or_for_a_non_staff_user(client, staff_user, negotiator_user):
    verified_login(client, staff_user)
    url = reverse("admin:api_apikey_add")
    assert client.post(url, {"name": "x"}).status_code == 200
    assert client.post(url, {"user": negotiator_user.pk}).status_code == 200
    assert not ApiKey.objects.exists()


def test_staff_revoke_keys_in_the_admin(client, staff_user, partner):
    token = issue_key(partner)
    verified_login(client, staff_user)
    response = client.post(
        reverse("admin:api_apikey_changelist"),
        {"action": "revoke", "_selected_action": [ApiKey.objects.get().pk]},
    )
    assert response.status_code == 302
    assert ApiKey.objects.get().revoked_at is not None
    assert key_client(token).get("/api/v1/communities/").status_code == 401


def test_staff_browse_the_request_log(client, staff_user, partner):
    key_client(issue_key(partner)).get("/api/v1/incidents/", {"status": "resolved"})
    verified_login(client, staff_user)
    page = client.get(reverse("admin:api_apirequest_changelist"), {"api_key__partner__id__exact": partner.pk})
    assert page.status_code == 200
    assert "status=resolved" in page.content.decode()
    assert client.get(reverse("admin:api_apirequest_add")).status_code == 403


def test_managers_cannot_issue_keys(client, manager_user, partner):
    verified_login(client, manager_user)
    assert client.get(reverse("admin:api_apikey_add")).status_code == 403


def test_another_partners_key_is_another_scope():
    mine, theirs = PartnerOrganisationFactory(), PartnerOrganisationFactory()
    rows = key_client(issue_key(mine)).get("/api/v1/partners/").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert key_client(issue_key(mine)).get(f"/api/v1/partners/{theirs.pk}/").status_code == 404


def test_a_staff_key_acts_as_its_user(staff_user, community):
    client = key_client(issue_key(staff_user))
    assert client.get(f"/api/v1/communities/{community.pk}/").status_code == 200
    staff_user.is_active = False
    staff_user.save()
    assert client.get(f"/api/v1/communities/{community.pk}/").status_code == 401


def test_a_user_without_a_role_gets_403(client):
    client.force_login(UserFactory())
    assert client.get("/api/v1/regions/").status_code == 403
