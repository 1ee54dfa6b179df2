"""The API's ``indicators/`` and ``reports/``: the same figures as the PDF, scoped to the caller,
reports requested exactly once and served only when complete."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from communities.models import PartnerOrganisation
from reports.indicators import Period, compute_indicators
from reports.models import MonitoringReport, ReportScope, ReportStatus
from reports.selectors import scope_communities
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client, other_partner
from tests.communities.factories import CommunityFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.reports.demo_figures import check_pdf_text, demo_figures
from tests.reports.factories import MonitoringReportFactory, done_report
from tests.reports.helpers import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings", "media_root")]


def logged_in(user) -> APIClient:
    client = APIClient()
    verified_login(client, user)
    return client


# --- indicators -----------------------------------------------------------------------------------


def test_a_partner_gets_the_figures_of_its_communities_as_its_report_would(partner, community, other_community):
    OutreachEventFactory(community=community, date="2025-03-01", participants_total=20, participants_women=12)
    OutreachEventFactory(community=other_community, date="2025-03-02", participants_total=99)
    body = key_client(issue_key(partner)).get("/api/v1/indicators/", {"period": "2025-H1"}).json()
    expected = compute_indicators(
        period=Period(2025, 1), communities=scope_communities(scope=ReportScope.PARTNER, partner=partner)
    )
    assert body == expected
    assert body["events"]["participants"]["current"] == 20
    assert [row["id"] for row in body["community_rows"]] == [community.pk]


def test_staff_get_the_whole_programme_and_may_narrow_it(api_as, community, other_community):
    OutreachEventFactory(community=community, date="2025-08-01", participants_total=10)
    OutreachEventFactory(community=other_community, date="2025-09-01", participants_total=30)
    client = api_as("staff")
    whole = client.get("/api/v1/indicators/", {"period": "2025"}).json()
    assert whole["scope"] == {"communities": 2, "programme_wide": True, "programme": None}
    assert whole["events"]["participants"]["current"] == 40
    one = client.get("/api/v1/indicators/", {"period": "2025", "community": other_community.pk}).json()
    assert one["events"]["participants"]["current"] == 30
    assert client.get(f"/api/v1/indicators/{other_community.pk}/", {"period": "2025"}).json() == one
    region = client.get("/api/v1/indicators/", {"period": "2025-H2", "region": community.region_id}).json()
    assert region["scope"]["programme_wide"] is False


def test_a_community_or_region_out_of_scope_is_not_found(partner, other_community):
    client = key_client(issue_key(partner))
    outside = CommunityFactory()
    assert client.get(f"/api/v1/indicators/{other_community.pk}/", {"period": "2025"}).status_code == 404
    assert client.get("/api/v1/indicators/", {"period": "2025", "community": outside.pk}).status_code == 404
    assert client.get("/api/v1/indicators/", {"period": "2025", "region": outside.region_id}).status_code == 404


@pytest.mark.parametrize("query", [{}, {"period": "2025-H3"}, {"period": "1999"}, {"period": "2025", "community": "x"}])
def test_a_bad_period_or_filter_is_a_400_naming_the_parameter(api_as, query):
    response = api_as("manager").get("/api/v1/indicators/", query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == ({"community"} if "community" in query else {"period"})


def test_the_period_error_speaks_the_callers_language(api_as):
    response = api_as("manager").get("/api/v1/indicators/", {"period": "вчора"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["fields"]["period"] == ["“вчора” is not a period: write 2025-H1, 2025-H2 or 2025."]


def test_indicators_as_csv_are_one_figure_per_line(api_as, community):
    OutreachEventFactory(community=community, date="2025-03-01", participants_total=20)
    response = api_as("staff").get("/api/v1/indicators/", {"period": "2025", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    programme = {row["indicator"]: row for row in rows if not row["community"]}
    assert programme["events.participants"]["current"] == "20"
    assert programme["events.participants"]["period"] == "2025"
    own = {row["indicator"]: row for row in rows if row["community"] == str(community.pk)}
    assert own["figures.participants"]["current"] == "20"
    assert own["figures.participants"]["community_name"] == community.name


# --- reports --------------------------------------------------------------------------------------


def test_a_partner_sees_only_reports_of_its_own_communities(partner, community):
    own = done_report(scope=ReportScope.PARTNER, partner=partner)
    done_report(scope=ReportScope.PARTNER, partner=other_partner(community))
    done_report()
    client = key_client(issue_key(partner))
    assert [row["id"] for row in client.get("/api/v1/reports/").json()["results"]] == [own.pk]
    others = MonitoringReport.objects.exclude(pk=own.pk)
    for report in others:
        assert client.get(f"/api/v1/reports/{report.pk}/").status_code == 404
        assert client.get(f"/api/v1/reports/{report.pk}/pdf/").status_code == 404
    pdf = client.get(f"/api/v1/reports/{own.pk}/pdf/")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content == own.file.open("rb").read()


def test_a_report_for_a_partner_is_requested_once_whatever_the_retries(api_as, partner):
    client = api_as("staff")
    body = {"kind": "semiannual", "half": 1, "year": 2025, "scope": "partner", "partner": partner.pk, "language": "en"}
    first = client.post("/api/v1/reports/", body, format="json", HTTP_IDEMPOTENCY_KEY="partner-report-1")
    again = client.post("/api/v1/reports/", body, format="json", HTTP_IDEMPOTENCY_KEY="partner-report-1")
    assert first.status_code == again.status_code == 202
    assert again["Idempotency-Replayed"] == "true"
    assert first.json() == again.json()
    report = MonitoringReport.objects.get()
    assert (report.kind, report.scope, report.partner, report.language) == ("h1", "partner", partner, "en")
    assert first["Location"].endswith(f"/api/v1/reports/{report.pk}/")
    changed = client.post(
        "/api/v1/reports/", {**body, "half": 2}, format="json", HTTP_IDEMPOTENCY_KEY="partner-report-1"
    )
    assert changed.status_code == 422
    assert MonitoringReport.objects.count() == 1
    # The partner organisation finds it in its own list.
    listed = key_client(issue_key(partner)).get("/api/v1/reports/").json()["results"]
    assert [row["id"] for row in listed] == [report.pk]
    assert not {"note", "requested_by"} & set(listed[0])


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "annual", "year": 2025},
        {"kind": "annual", "year": 2025, "scope": "programme"},
        {"kind": "annual", "year": 2025, "scope": "partner", "partner": "own"},
        {"kind": "annual", "year": 2025, "scope": "partner", "partner": "stranger"},
        {"kind": "annual", "year": 2025, "scope": "region", "region": 999_999},
    ],
)
def test_a_partner_key_only_reads_reports_and_requests_none(partner, community, body):
    ids = {"own": partner.pk, "stranger": other_partner(community).pk}
    body = {**body, "partner": ids[body["partner"]]} if "partner" in body else body
    response = key_client(issue_key(partner)).post("/api/v1/reports/", body, format="json")
    # Refused before the body is read: no id, existing or not, tells anything.
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not MonitoringReport.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "semiannual", "year": 2025}, "half"),
        ({"kind": "annual", "year": 2025, "half": 1}, "half"),
        ({"kind": "annual", "year": 2999}, "year"),
        ({"kind": "monthly", "year": 2025}, "kind"),
        ({"kind": "annual", "year": 2025, "scope": "region"}, "region"),
        ({"kind": "annual", "year": 2025, "language": "de"}, "language"),
    ],
)
def test_a_bad_request_names_its_field_and_records_nothing(api_as, body, field):
    response = api_as("manager").post("/api/v1/reports/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not MonitoringReport.objects.exists()


def test_a_report_not_done_has_no_pdf_yet(api_as):
    report = MonitoringReportFactory(status=ReportStatus.RUNNING, progress=40)
    client = api_as("manager")
    detail = client.get(f"/api/v1/reports/{report.pk}/").json()
    assert (detail["status"], detail["progress"], detail["pdf"]) == ("running", 40, None)
    response = client.get(f"/api/v1/reports/{report.pk}/pdf/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "report_not_ready"


def test_reports_filter_by_status_and_poll_with_updated_since(api_as):
    done = done_report()
    MonitoringReportFactory(status=ReportStatus.QUEUED)
    client = api_as("staff")
    assert [row["id"] for row in client.get("/api/v1/reports/", {"status": "done"}).json()["results"]] == [done.pk]
    since = client.get("/api/v1/reports/", {"updated_since": done.updated_at.isoformat()}).json()
    assert done.pk in [row["id"] for row in since["results"]]


# --- the demo programme, end to end ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["uk", "en"])
def test_the_api_and_the_pdf_it_serves_show_the_same_demo_figures(
    demo_programme, eager_tasks, django_capture_on_commit_callbacks, language
):
    figures = demo_figures()
    client = logged_in(get_user_model().objects.get(username="manager"))
    indicators = client.get("/api/v1/indicators/", {"period": "2025"}).json()
    headline = {row["key"]: row for row in indicators["headline"]}
    # To date: 202 events of seed 000 and the Czech village, and seed 002's two-part webinar of 2023.
    assert (headline["events"]["current"], headline["events"]["to_date"]) == (figures["events"], 204)
    assert headline["participants"]["to_date"] == 1539 + 121 + 94  # the webinar's attendees of its two parts
    assert headline["media_reach"]["to_date"] == figures["reach_to_date"]

    with django_capture_on_commit_callbacks(execute=True):
        body = {"kind": "annual", "year": 2025, "language": language}
        requested = client.post("/api/v1/reports/", body, format="json")
    assert requested.status_code == 202
    report = client.get(requested["Location"]).json()
    assert report["status"] == "done"
    text = pdf_text(client.get(report["pdf"]).content)
    assert check_pdf_text(text, figures, language) == []


def test_the_demo_partner_key_sees_its_thirteen_communities(demo_programme):
    partner = PartnerOrganisation.objects.get(short_name="ПЦГБ")
    body = key_client(issue_key(partner)).get("/api/v1/indicators/", {"period": "2025"}).json()
    assert body["scope"] == {"communities": 13, "programme_wide": False, "programme": None}
    assert body["negotiators"]["registered_at_end"]["current"] == 26


@pytest.mark.parametrize("period", ["2000", "2000-H1", "2000-H2", "2050-H1", "2100", "2100-H2"])
def test_every_period_from_2000_to_2100_answers(api_as, community, period):
    client = api_as("manager")
    listed = client.get("/api/v1/indicators/", {"period": period})
    one = client.get(f"/api/v1/indicators/{community.pk}/", {"period": period})
    assert (listed.status_code, one.status_code) == (200, 200)
    assert listed.json()["period"]["code"] == period


@pytest.mark.parametrize("period", ["1999", "1999-H2", "2101"])
def test_a_period_outside_2000_to_2100_is_a_400(api_as, period):
    response = api_as("manager").get("/api/v1/indicators/", {"period": period})
    assert (response.status_code, set(response.json()["error"]["fields"])) == (400, {"period"})


def test_to_date_never_starts_after_it_ends(api_as, community):
    IncidentFactory(community=community, occurred_at=datetime(2023, 3, 1, 12, 0, tzinfo=UTC))
    before_any_record = api_as("manager").get("/api/v1/indicators/", {"period": "2001"}).json()["to_date"]
    assert before_any_record == {"start": None, "end": "2001-12-31"}
    since = api_as("manager").get("/api/v1/indicators/", {"period": "2024"}).json()["to_date"]
    assert since == {"start": "2023-03-01", "end": "2024-12-31"}


def test_the_schema_declares_indicators_as_the_object_they_are(api_as):
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    answer = api_as("manager").get("/api/v1/indicators/", {"period": "2025"}).json()
    declared = schema["paths"]["/api/v1/indicators/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert declared["schema"] == {"$ref": "#/components/schemas/Indicators"}
    assert isinstance(answer, dict)
