"""The Reports page: who may open what, requesting through the form, and the download."""

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from reports.models import MonitoringReport, ReportScope, ReportStatus
from tests.accounts.support import verified_login
from tests.communities.factories import PartnerOrganisationFactory, PartnershipFactory
from tests.reports.factories import PDF, MonitoringReportFactory, done_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(media_root, partner):
    return {
        "programme": done_report(),
        "own": done_report(scope=ReportScope.PARTNER, partner=partner),
        "other": done_report(scope=ReportScope.PARTNER, partner=PartnerOrganisationFactory()),
    }


def login(client, request, who):
    if who != "anonymous":
        verified_login(client, request.getfixturevalue(who))


# role x page -> status. A new page without a row here is noticed in review.
PAGES = [
    # (who, page, report, expected status)
    ("anonymous", "list", None, 302),
    ("anonymous", "table", None, 302),
    ("anonymous", "download", "programme", 302),
    ("anonymous", "download", "own", 302),
    ("negotiator_user", "list", None, 403),
    ("negotiator_user", "table", None, 403),
    ("negotiator_user", "download", "programme", 404),
    ("partner_user", "list", None, 200),
    ("partner_user", "table", None, 200),
    ("partner_user", "download", "own", 200),
    ("partner_user", "download", "other", 404),
    ("partner_user", "download", "programme", 404),
    ("manager_user", "list", None, 200),
    ("manager_user", "download", "programme", 200),
    ("manager_user", "download", "other", 200),
    ("staff_user", "list", None, 200),
    ("staff_user", "download", "own", 200),
]
# The DOCX version: one rule with the PDF.
PAGES += [(who, "download_docx", report, status) for who, page, report, status in PAGES if page == "download"]


@pytest.mark.parametrize(("who", "page", "report", "status"), PAGES)
def test_permissions(client, request, reports, who, page, report, status):
    login(client, request, who)
    url = reverse(f"reports:{page}", args=[reports[report].pk] if report else [])
    response = client.get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


def test_download_serves_the_pdf_as_an_attachment(client, manager_user, reports):
    verified_login(client, manager_user)
    response = client.get(reverse("reports:download", args=[reports["programme"].pk]))
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="zlagoda-report-2025-programme-uk.pdf"'
    assert "no-store" in response["Cache-Control"]


def test_the_media_folder_has_no_public_url(client, reports):
    assert client.get("/media/" + reports["programme"].file.name).status_code == 404


@pytest.mark.parametrize("status", [ReportStatus.QUEUED, ReportStatus.RUNNING, ReportStatus.FAILED])
def test_a_report_that_is_not_done_is_not_served(client, manager_user, media_root, status):
    failed = status == ReportStatus.FAILED
    report = MonitoringReportFactory(
        status=status, error="boom" if failed else "", finished_at=timezone.now() if failed else None
    )
    verified_login(client, manager_user)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_a_damaged_file_is_not_served(client, manager_user, reports):
    report = reports["programme"]
    with default_storage.open(report.file.name, "wb") as handle:
        handle.write(PDF[:10])
    verified_login(client, manager_user)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_manager_requests_a_report_from_the_page(
    client, manager_user, media_root, community, eager_tasks, django_capture_on_commit_callbacks
):
    PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
    verified_login(client, manager_user)
    page = client.get(reverse("reports:list")).content.decode()
    assert 'name="kind"' in page
    assert 'name="region"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:list"),
            {"kind": "h1", "year": "2025", "scope": "programme", "language": "en", "note": "<i>для донора</i>"},
        )
    assert response.status_code == 302
    report = MonitoringReport.objects.get()
    assert (report.kind, report.year, report.language, report.requested_by) == ("h1", 2025, "en", manager_user)
    assert report.note == "<i>для донора</i>"
    assert report.status == ReportStatus.DONE  # built at once in-process
    listing = client.get(reverse("reports:list")).content.decode()
    assert reverse("reports:download", args=[report.pk]) in listing
    assert "&lt;i&gt;" not in listing  # the note is not on the list, and never as markup


def test_form_errors_come_in_the_users_language(client, manager_user):
    verified_login(client, manager_user)
    next_year = timezone.localdate().year + 1
    response = client.post(
        reverse("reports:list"), {"kind": "annual", "year": next_year, "scope": "region", "language": "uk"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Цей період ще не почався." in page
    assert "Оберіть регіон." in page
    client.cookies["django_language"] = "en"
    page = client.post(
        reverse("reports:list"), {"kind": "annual", "year": next_year, "scope": "programme", "language": "en"}
    ).content.decode()
    assert "This period has not started yet." in page
    assert not MonitoringReport.objects.exists()


def test_partner_members_see_their_reports_but_request_none(client, partner_user, partner, media_root):
    own = done_report(scope="partner", partner=partner)
    client.force_login(partner_user)
    page = client.get(reverse("reports:list")).content.decode()
    assert 'name="kind"' not in page
    assert reverse("reports:download", args=[own.pk]) in page
    response = client.post(
        reverse("reports:list"),
        {"kind": "annual", "year": "2025", "scope": "partner", "partner": partner.pk, "language": "uk"},
    )
    assert response.status_code == 403
    assert MonitoringReport.objects.get() == own


def test_the_table_refreshes_itself_only_while_a_report_is_being_built(client, manager_user, reports):
    verified_login(client, manager_user)
    assert "data-active" not in client.get(reverse("reports:table")).content.decode()
    MonitoringReportFactory(status=ReportStatus.RUNNING, progress=40)
    table = client.get(reverse("reports:table")).content.decode()
    assert "data-active" in table
    assert 'value="40"' in table


def test_rebuild_from_the_page(
    client, manager_user, partner_user, reports, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(partner_user)
    assert client.post(reverse("reports:rebuild", args=[reports["own"].pk])).status_code == 403
    verified_login(client, manager_user)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("reports:rebuild", args=[reports["programme"].pk]))
    assert response.status_code == 302
    reports["programme"].refresh_from_db()
    assert reports["programme"].status == ReportStatus.QUEUED


def test_home_shows_the_reports_tile_to_those_who_use_it(client, manager_user, negotiator_user):
    verified_login(client, manager_user)
    assert reverse("reports:list") in client.get(reverse("home")).content.decode()
    client.force_login(negotiator_user)
    assert reverse("reports:list") not in client.get(reverse("home")).content.decode()


def test_staff_request_a_report_from_the_admin(
    client, staff_user, media_root, eager_tasks, django_capture_on_commit_callbacks
):
    verified_login(client, staff_user)
    url = reverse("admin:reports_monitoringreport_add")
    form = {"kind": "annual", "year": "2025", "scope": "programme", "language": "uk", "note": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302
    report = MonitoringReport.objects.get()
    assert (report.requested_by, report.status) == (staff_user, ReportStatus.DONE)
    change = client.get(reverse("admin:reports_monitoringreport_change", args=[report.pk])).content.decode()
    assert reverse("reports:download", args=[report.pk]) in change
    response = client.post(url, form | {"scope": "region"})
    assert response.status_code == 200
    assert MonitoringReport.objects.count() == 1


def test_report_pdf_content_refuses_what_is_not_complete(reports):
    from django.http import Http404

    from reports.selectors import report_pdf_content

    report = reports["programme"]
    assert report_pdf_content(report) == PDF
    report.checksum = "0" * 64
    with pytest.raises(Http404, match="пошкоджено"):
        report_pdf_content(report)
    default_storage.delete(report.file.name)
    with pytest.raises(Http404, match="відсутній"):
        report_pdf_content(report)
