"""An incident referred to an agency of the directory keeps its status and stays open, through the
service, the API, the field app and the admin; the figures count it as referred in the period its
referral was sent, once however many referrals it had."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from casework.incident_referrals import agency_kinds_of, incident_agency_of, incident_refer
from casework.models import AgencyKind, Referral, ReferralStatusChange
from communities.models import Community, Country
from incidents.models import ActionKind, IncidentStatus
from incidents.services import incident_transition
from reports.indicators import Period, compute_indicators
from tests.accounts.support import verified_login
from tests.casework.factories import AgencyFactory
from tests.incidents.factories import IncidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

KYIV = ZoneInfo("Europe/Kyiv")
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def incident(community):
    return IncidentFactory(
        community=community, occurred_at=timezone.now() - timedelta(days=10), status=IncidentStatus.IN_PROGRESS
    )


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Центр безоплатної правничої допомоги", kind=AgencyKind.LEGAL_AID)


def refer(incident, agency, by, **overrides):
    values = {"sent_on": timezone.localdate(), "reason": "Потрібна консультація юриста"} | overrides
    return incident_refer(incident=incident, agency=agency, by=by, **values)


# --- the service ---------------------------------------------------------------------------------


def test_a_referred_incident_stays_open_and_its_log_names_the_agency(incident, agency, negotiator_user):
    referral = refer(incident, agency, negotiator_user, follow_up_on=timezone.localdate() + timedelta(days=14))
    incident.refresh_from_db()
    assert (incident.status, incident.closed_at, incident.referred_to) == ("in_progress", None, "")
    assert (referral.incident, referral.case, referral.community) == (incident, None, incident.community)
    assert (referral.status, referral.programme) == ("sent", incident.programme)
    assert referral.reason == "Потрібна консультація юриста"
    assert list(ReferralStatusChange.objects.values_list("to_status", flat=True)) == ["sent"]
    entry = incident.actions.last()
    assert (entry.kind, entry.actor) == (ActionKind.REFERRAL, negotiator_user)
    assert agency.name in entry.description
    # The case moves on as before, its referral followed up meanwhile.
    incident_transition(incident=incident, to_status="resolved", actor=negotiator_user)


def test_a_closed_incident_is_reopened_before_it_is_referred(incident, agency, negotiator_user):
    incident_transition(incident=incident, to_status="resolved", actor=negotiator_user)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        refer(incident, agency, negotiator_user)
    assert error.value.message_dict == {"incident": ["The case is closed: reopen it before referring it."]}
    assert not Referral.objects.exists()


def test_the_agency_works_in_the_incident_country_and_the_date_is_not_before_it_happened(incident, negotiator_user):
    czech = AgencyFactory(country=Country.CZECHIA, name="Policie ČR", kind=AgencyKind.POLICE)
    early = timezone.localdate(incident.occurred_at) - timedelta(days=1)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        refer(incident, czech, negotiator_user, sent_on=early)
    assert error.value.message_dict == {
        "agency": ["Choose an agency in the country of the case."],
        "sent_on": ["A case cannot be referred before it happened."],
    }
    assert not incident.actions.filter(kind=ActionKind.REFERRAL).exists()


def test_a_negotiator_of_another_community_cannot_refer_the_incident(other_community, agency, negotiator_user):
    elsewhere = IncidentFactory(community=other_community, occurred_at=timezone.now() - timedelta(days=3))
    with pytest.raises(PermissionDenied):
        refer(elsewhere, agency, negotiator_user)
    assert not Referral.objects.exists()


def test_every_kind_of_agency_counts_under_one_agency_of_the_incident_figures():
    counted = [kind for agency in ("police", "social_services", "other") for kind in agency_kinds_of(agency)]
    assert incident_agency_of(AgencyKind.SOCIAL_PROTECTION) == "social_services"
    assert incident_agency_of(AgencyKind.PASSPORT_OFFICE) == "other"
    assert {AgencyKind.PASSPORT_OFFICE, AgencyKind.SCHOOL, AgencyKind.OTHER} <= set(agency_kinds_of("other"))
    assert len(counted) == len(set(counted))


# --- the figures ---------------------------------------------------------------------------------


def test_an_open_incident_with_a_referral_sent_in_the_period_counts_as_referred_once(community, staff_user):
    happened = datetime(2025, 3, 3, 10, tzinfo=KYIV)
    open_one = IncidentFactory(community=community, occurred_at=happened, status="in_progress")
    closed_before = IncidentFactory(
        community=community,
        occurred_at=happened,
        status="referred",
        referred_to="police",
        closed_at=happened + timedelta(days=2),
    )
    passport = AgencyFactory(kind=AgencyKind.PASSPORT_OFFICE)
    social = AgencyFactory(kind=AgencyKind.SOCIAL_PROTECTION)
    for agency, day in ((passport, date(2025, 4, 1)), (social, date(2025, 5, 2)), (social, date(2025, 8, 1))):
        Referral.objects.create(
            incident=open_one, community=community, agency=agency, sent_on=day, programme=open_one.programme
        )

    def incidents(period):
        return compute_indicators(period=period, communities=Community.objects.all())["incidents"]

    first_half = incidents(Period(2025, 1))
    assert first_half["referred"]["current"] == 2
    assert first_half["closed"]["current"] == 1
    by_agency = {agency: figure["current"] for agency, figure in first_half["referrals_by_agency"].items()}
    assert {agency: count for agency, count in by_agency.items() if count} == {
        "police": 1,
        "other": 1,
        "social_services": 1,
    }
    second_half = incidents(Period(2025, 2))
    assert (second_half["referred"]["current"], second_half["referred"]["to_date"]) == (1, 2)
    assert closed_before.referrals.count() == 0


# --- the API -------------------------------------------------------------------------------------


def test_a_negotiator_refers_an_incident_through_the_api_once_per_key(api_as, incident, agency):
    client = api_as("negotiator")
    url = f"/api/v1/incidents/{incident.pk}/referrals/"
    body = {"agency": agency.pk, "reason": "Потрібен юрист", "follow_up_on": str(timezone.localdate())}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="refer-1")
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="refer-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert (first.json()["status"], first.json()["agency_kind"]) == ("sent", "legal_aid")
    assert Referral.objects.count() == 1
    listed = client.get(url)
    assert [row["id"] for row in listed.json()["results"]] == [first.json()["id"]]
    assert client.get(f"/api/v1/incidents/{incident.pk}/").json()["status"] == "in_progress"


def test_moving_an_incident_to_referred_through_the_api_says_what_to_do_instead(api_as, incident):
    response = api_as("negotiator").post(
        f"/api/v1/incidents/{incident.pk}/transition/",
        {"to_status": "referred", "referred_to": "police"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "add a referral" in str(response.json()["error"]["fields"]["to_status"])


@pytest.mark.parametrize("role", ["partner_key", "manager"])
def test_partners_and_managers_read_the_incident_but_not_its_referrals(api_as, incident, agency, staff_user, role):
    refer(incident, agency, staff_user)
    client = api_as(role)
    assert client.get(f"/api/v1/incidents/{incident.pk}/").status_code == 200
    assert client.get(f"/api/v1/incidents/{incident.pk}/referrals/").status_code == 404


# --- the field app -------------------------------------------------------------------------------


@pytest.fixture
def negotiator_client(client, negotiator_user):
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_field_page_of_an_open_incident_offers_the_agencies_of_its_country(negotiator_client, incident, agency):
    AgencyFactory(country=Country.CZECHIA, name="Policie ČR")
    AgencyFactory(name="Закритий центр", active=False)
    response = negotiator_client.get(reverse("field:incident_detail", args=[incident.pk]))
    assert response.status_code == 200
    assert list(response.context["referral_form"].fields["agency"].queryset) == [agency]
    assert response.context["referrals"] == []


def test_a_negotiator_refers_the_incident_from_the_field_once(negotiator_client, incident, agency):
    url = reverse("field:incident_referral", args=[incident.pk])
    data = {"referral-agency": agency.pk, "referral-sent_on": timezone.localdate().isoformat(), "referral-reason": ""}
    first = negotiator_client.post(url, data, HTTP_IDEMPOTENCY_KEY="tap-1", **JSON)
    again = negotiator_client.post(url, data, HTTP_IDEMPOTENCY_KEY="tap-1", **JSON)
    assert (first.status_code, again.status_code) == (201, 201)
    assert "stays open" in first.json()["message"]
    referral = Referral.objects.get()
    incident.refresh_from_db()
    assert (referral.incident, incident.status) == (incident, "in_progress")
    page = negotiator_client.get(reverse("field:incident_detail", args=[incident.pk]))
    assert page.context["referrals"] == [referral]
    assert agency.name in page.content.decode()
    # Its page (case work's) records what the agency did: the incident's negotiator follows it up.
    detail = reverse("field:referral_detail", args=[referral.pk])
    assert detail in page.content.decode()
    moved = negotiator_client.post(
        detail, {"to_status": "accepted", "on": timezone.localdate().isoformat(), "feedback": "Прийнято"}, **JSON
    )
    assert moved.status_code == 200, moved.content
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_a_refused_referral_comes_back_with_the_errors_next_to_the_fields(negotiator_client, incident, agency):
    url = reverse("field:incident_referral", args=[incident.pk])
    early = (timezone.localdate(incident.occurred_at) - timedelta(days=1)).isoformat()
    response = negotiator_client.post(url, {"referral-agency": agency.pk, "referral-sent_on": early}, **JSON)
    assert response.status_code == 400
    assert response.json()["errors"] == {"referral-sent_on": ["A case cannot be referred before it happened."]}
    assert not Referral.objects.exists()


def test_a_closed_incident_offers_no_referral_form(negotiator_client, incident, negotiator_user):
    incident_transition(incident=incident, to_status="resolved", actor=negotiator_user)
    response = negotiator_client.get(reverse("field:incident_detail", args=[incident.pk]))
    assert "referral_form" not in response.context
    assert response.context["referrals"] == []


# --- the admin -----------------------------------------------------------------------------------


def _change_form(incident, **referral):
    data = {
        "community": incident.community_id,
        "programme": incident.programme_id,
        "title": incident.title,
        "category": incident.category,
        "severity": incident.severity,
        "occurred_at_0": timezone.localtime(incident.occurred_at).strftime("%Y-%m-%d"),
        "occurred_at_1": timezone.localtime(incident.occurred_at).strftime("%H:%M:%S"),
        "source": incident.source,
        "parties-TOTAL_FORMS": 0,
        "parties-INITIAL_FORMS": 0,
        "actions-TOTAL_FORMS": 0,
        "actions-INITIAL_FORMS": incident.actions.count(),
        "referrals-TOTAL_FORMS": 1 if referral else 0,
        "referrals-INITIAL_FORMS": 0,
    }
    return data | {f"referrals-0-{name}": value for name, value in referral.items()}


def test_staff_refer_an_incident_from_its_admin_page(client, staff_user, incident, agency):
    verified_login(client, staff_user)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    today = timezone.localdate().isoformat()
    response = client.post(url, _change_form(incident, agency=agency.pk, sent_on=today, reason="До юриста"))
    assert response.status_code == 302, response.context and response.context["errors"]
    referral = Referral.objects.get()
    assert (referral.incident, referral.recorded_by, referral.reason) == (incident, staff_user, "До юриста")
    incident.refresh_from_db()
    assert incident.status == "in_progress"


def test_the_admin_refuses_an_agency_of_another_country_on_the_form(client, staff_user, incident):
    czech = AgencyFactory(country=Country.CZECHIA, name="Policie ČR")
    verified_login(client, staff_user)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    response = client.post(
        url,
        _change_form(incident, agency=czech.pk, sent_on=timezone.localdate().isoformat()),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Choose an agency in the country of the case." in response.content.decode()
    assert not Referral.objects.exists()


def test_a_programme_manager_sees_the_incident_without_its_referrals(
    client, manager_user, incident, agency, staff_user
):
    refer(incident, agency, staff_user)
    verified_login(client, manager_user)
    response = client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    assert response.status_code == 200
    assert "referrals" not in {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
