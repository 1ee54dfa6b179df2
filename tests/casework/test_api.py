"""Cases and referrals over the API: the case team reads its own by case code, never a name;
writes are exactly-once; for everyone else the two collections do not exist (404). The figures
of case work reach everyone else with their small cells hidden."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from casework.models import CaseContact, Referral, ReferralStatus
from privacy.models import PersonalDataView, ViewChannel
from tests.casework.factories import AgencyFactory, CaseFactory, ReferralFactory
from tests.communities.api_support import incident_body, issue_key, key_client
from tests.incidents.factories import IncidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

SECRETS = ("Оксана Петренко", "+380 67 123 45 67", "FA 123456", "1984")


@pytest.fixture
def case(community, case_worker_user, supervisor_user):
    return CaseFactory(
        beneficiary__community=community,
        case_worker=case_worker_user,
        supervisor=supervisor_user,
        summary="Потрібен новий паспорт",
    )


@pytest.fixture
def agency():
    return AgencyFactory(name="Паспортний сервіс центр")


def test_the_case_worker_reads_their_case_by_its_code_never_the_persons_identity(api_as, case):
    client = api_as("case_worker")
    listed = client.get("/api/v1/cases/")
    assert listed.status_code == 200
    (row,) = listed.json()["results"]
    # A list shows no free text about the person; the case's own record does.
    assert (row["id"], row["code"], row["summary"]) == (case.pk, case.beneficiary.code, None)
    opened = client.get(f"/api/v1/cases/{case.pk}/")
    assert opened.json()["summary"] == "Потрібен новий паспорт"
    text = listed.content.decode() + opened.content.decode()
    assert [secret for secret in SECRETS if secret in text] == []


def test_each_opening_of_free_text_about_the_person_is_logged(api_as, case, case_worker_user):
    client = api_as("case_worker")
    client.get("/api/v1/cases/")
    client.get(f"/api/v1/cases/{case.pk}/")
    CaseContact.objects.create(case=case, kind="phone", happened_on=case.opened_on, note="Дзвінок")
    client.get(f"/api/v1/cases/{case.pk}/contacts/")
    views = PersonalDataView.objects.filter(user=case_worker_user, channel=ViewChannel.API)
    assert [(view.content_type.model, view.path) for view in views.order_by("pk")] == [
        ("case", f"/api/v1/cases/{case.pk}/"),
        ("casecontact", f"/api/v1/cases/{case.pk}/contacts/"),
    ]


def test_a_case_of_someone_else_is_not_found(api_as, case):
    other = CaseFactory(beneficiary__community=case.community)
    client = api_as("case_worker")
    assert client.get(f"/api/v1/cases/{other.pk}/").status_code == 404
    assert client.get("/api/v1/cases/").json()["count"] == 1


@pytest.mark.parametrize("role", ["partner_key", "partner_session", "manager", "dpo"])
def test_outside_the_case_team_there_are_no_cases_nor_referrals(api_as, role, case, agency):
    referral = ReferralFactory(case=case, agency=agency)
    client = api_as(role)
    urls = ("/api/v1/cases/", f"/api/v1/cases/{case.pk}/", "/api/v1/referrals/", f"/api/v1/referrals/{referral.pk}/")
    for url in urls:
        response = client.get(url)
        assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found"), url
    # Not even a write is told apart from an unknown URL.
    response = client.post(f"/api/v1/referrals/{referral.pk}/move/", {"status": "completed"}, format="json")
    assert response.status_code == 404
    assert Referral.objects.get().status == ReferralStatus.SENT


def test_a_referral_is_created_once_however_often_it_is_sent(api_as, case, agency):
    client = api_as("case_worker")
    body = {"case": case.pk, "agency": agency.pk, "sent_on": "2025-03-15", "reason": "Втрачений паспорт"}
    for _ in range(3):
        response = client.post("/api/v1/referrals/", body, format="json", HTTP_IDEMPOTENCY_KEY="referral-1")
        assert response.status_code == 201
    referral = Referral.objects.get()
    assert (referral.status, referral.community, referral.recorded_by) == (
        ReferralStatus.SENT,
        case.community,
        case.case_worker,
    )
    assert response.json()["case_code"] == case.beneficiary.code


def test_a_referral_moves_to_completed_with_the_agencys_feedback(api_as, case, agency):
    referral = ReferralFactory(case=case, agency=agency, sent_on=date(2025, 3, 10))
    client = api_as("supervisor")
    response = client.post(
        f"/api/v1/referrals/{referral.pk}/move/",
        {"status": "completed", "on": "2025-04-01", "feedback": "Паспорт видано"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="move-1",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["completed_on"]) == ("completed", "2025-04-01")
    assert body["feedback"].endswith("2025-04-01: Паспорт видано")
    # A completed referral ends there: the life cycle refuses another move, in the caller's language.
    again = client.post(
        f"/api/v1/referrals/{referral.pk}/move/", {"status": "declined"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert again.status_code == 400
    assert set(again.json()["error"]["fields"]) == {"status"}


def test_a_contact_is_logged_once_and_listed(api_as, case):
    client = api_as("case_worker")
    body = {"kind": "visit", "happened_on": "2025-03-20", "note": "Візит додому"}
    for _ in range(2):
        response = client.post(f"/api/v1/cases/{case.pk}/contacts/", body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
        assert response.status_code == 201
    assert CaseContact.objects.filter(case=case).count() == 1
    listed = client.get(f"/api/v1/cases/{case.pk}/contacts/").json()["results"]
    assert [(row["kind"], row["note"]) for row in listed] == [("visit", "Візит додому")]


def test_a_case_is_opened_for_a_person_the_case_worker_already_supports(api_as, case, case_worker_user):
    response = api_as("case_worker").post(
        "/api/v1/cases/", {"beneficiary": case.beneficiary_id, "opened_on": "2025-06-01"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["case_worker"], body["status"]) == (case.beneficiary.code, case_worker_user.pk, "opened")


def test_a_person_the_case_worker_does_not_support_is_refused(api_as, case):
    stranger = CaseFactory(beneficiary__community=case.community).beneficiary
    response = api_as("case_worker").post("/api/v1/cases/", {"beneficiary": stranger.pk}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"beneficiary"}


def test_a_negotiator_follows_the_referrals_of_their_communitys_incidents(api_as, community, agency, staff_user):
    incident = IncidentFactory(community=community)
    referral = ReferralFactory(case=None, incident=incident, agency=agency, reason="Поліція")
    ReferralFactory(case=CaseFactory(beneficiary__community=community), agency=agency)  # a case's: not theirs
    client = api_as("negotiator")
    rows = client.get("/api/v1/referrals/").json()["results"]
    assert [(row["id"], row["case_code"]) for row in rows] == [(referral.pk, None)]
    assert client.get(f"/api/v1/referrals/{referral.pk}/").json()["reason"] == "Поліція"


def test_the_lists_filter_and_page(api_as, case, agency):
    ReferralFactory(case=case, agency=agency, follow_up_on=date(2025, 4, 1))
    ReferralFactory(case=case, agency=AgencyFactory(kind="clinic"), status="completed", completed_on=date(2025, 4, 2))
    client = api_as("case_worker")
    assert client.get("/api/v1/referrals/", {"overdue": "true"}).json()["count"] == 1
    assert client.get("/api/v1/referrals/", {"agency_kind": "clinic"}).json()["count"] == 1
    assert client.get("/api/v1/referrals/", {"status": "completed", "case": case.pk}).json()["count"] == 1
    assert client.get("/api/v1/cases/", {"status": "closed"}).json()["count"] == 0
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/referrals/", {"format": "csv"}).content.decode())))
    assert len(rows) == 2


def test_an_incident_title_with_a_phone_number_is_refused_over_the_api(api_as, community):
    response = api_as("negotiator").post(
        "/api/v1/incidents/",
        incident_body(community, title="Сварка, тел. 067 123 45 67"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "phone number" in response.json()["error"]["fields"]["title"][0]


# --- the figures ------------------------------------------------------------------------------------


@pytest.fixture
def three_referrals(case, agency):
    for sent_on in (date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)):
        ReferralFactory(case=case, agency=agency, sent_on=sent_on)
    return case


def casework_figures(client, **query):
    response = client.get("/api/v1/indicators/", {"period": "2025", **query})
    assert response.status_code == 200, response.content[:300]
    return response


def test_staff_who_read_every_case_get_exact_figures(api_as, three_referrals):
    figures = casework_figures(api_as("staff")).json()["casework"]
    assert figures["referrals_sent"]["current"] == 3
    assert figures["opened"]["current"] == 1


@pytest.mark.parametrize("role", ["partner_key", "manager", "negotiator"])
def test_everyone_else_gets_the_small_cells_hidden_in_json_csv_and_xlsx(api_as, role, three_referrals):
    client = api_as(role)
    figures = casework_figures(client).json()["casework"]
    assert figures["referrals_sent"] == {"current": "<5", "previous": 0, "change": "*", "to_date": "<5"}
    assert figures["referral_completion_rate"]["current"] is None  # none ended: no rate to hide
    rows = {
        row["indicator"]: row
        for row in csv.DictReader(io.StringIO(casework_figures(client, format="csv").content.decode().lstrip("\ufeff")))
        if not row["community"]
    }
    assert (rows["casework.referrals_sent"]["current"], rows["casework.referrals_sent"]["change"]) == ("<5", "*")
    sheet = load_workbook(io.BytesIO(casework_figures(client, format="xlsx").content), read_only=True).worksheets[0]
    (row,) = [row for row in sheet.iter_rows(values_only=True) if "casework.referrals_sent" in row]
    at = row.index("casework.referrals_sent")
    assert (row[at + 1], row[at + 3]) == ("<5", "*")  # current, change


def test_the_completion_rate_follows_a_referral_completed_through_the_api(api_as, three_referrals, agency):
    staff = api_as("staff")
    before = casework_figures(staff).json()["casework"]["referral_completion_rate"]["current"]
    referral = Referral.objects.order_by("sent_on").first()
    moved = api_as("case_worker").post(
        f"/api/v1/referrals/{referral.pk}/move/", {"status": "completed", "on": "2025-05-01"}, format="json"
    )
    assert moved.status_code == 200
    after = casework_figures(staff).json()["casework"]
    assert (before, after["referral_completion_rate"]["current"]) == (None, 1.0)
    assert after["median_days_to_completion"]["current"] == 89.0


def test_a_case_worker_gets_the_figures_of_their_cases_communities_hidden_when_small(api_as, three_referrals):
    figures = casework_figures(api_as("case_worker")).json()
    assert figures["scope"]["communities"] == 1
    assert figures["casework"]["referrals_sent"]["current"] == "<5"


def test_a_partner_key_does_not_even_learn_that_a_case_exists(partner, case):
    client = key_client(issue_key(partner))
    unknown = client.get("/api/v1/cases/999999/")
    known = client.get(f"/api/v1/cases/{case.pk}/")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
