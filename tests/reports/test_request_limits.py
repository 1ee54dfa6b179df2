"""Report requests cannot flood the workers: identical requests while one is queued or being built
fold into it, and one person has at most REPORTS_MAX_ACTIVE_PER_USER reports in progress."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from reports import services
from reports.models import MonitoringReport, ReportScope, ReportStatus
from tests.accounts.support import verified_login
from tests.communities.factories import RegionFactory, UserFactory
from tests.reports.factories import MonitoringReportFactory, done_report

pytestmark = pytest.mark.django_db

PROGRAMME_2025 = {"kind": "annual", "year": 2025, "language": "en"}


def ask(actor, **overrides) -> MonitoringReport:
    # No commit in these tests: the reports stay queued, as behind a busy worker.
    return services.report_request(actor=actor, **{**PROGRAMME_2025, **overrides})


def test_thirty_identical_requests_make_one_report(manager_user):
    reports = [ask(manager_user) for _ in range(30)]
    assert MonitoringReport.objects.count() == 1
    assert {report.pk for report in reports} == {reports[0].pk}
    assert not reports[0].folded
    assert all(report.folded for report in reports[1:])


def test_an_identical_request_of_someone_else_folds_too(manager_user, staff_user):
    first = ask(manager_user)
    assert ask(staff_user, note="for the donor").pk == first.pk
    assert MonitoringReport.objects.count() == 1


@pytest.mark.parametrize(
    "difference",
    [{"language": "uk"}, {"year": 2024}, {"kind": "semiannual", "half": 1}, {"scope": ReportScope.REGION}],
)
def test_a_request_that_differs_is_a_report_of_its_own(manager_user, difference):
    if difference.get("scope") == ReportScope.REGION:
        difference = {**difference, "region": RegionFactory()}
    first = ask(manager_user)
    other = ask(manager_user, **difference)
    assert other.pk != first.pk
    assert not other.folded


def test_once_the_report_is_ready_the_same_request_builds_a_new_one(manager_user):
    first = ask(manager_user)
    MonitoringReport.objects.filter(pk=first.pk).update(
        status=ReportStatus.FAILED, error="x", finished_at=first.requested_at
    )
    assert ask(manager_user).pk != first.pk


def test_one_person_has_at_most_the_configured_reports_in_progress(manager_user, settings):
    settings.REPORTS_MAX_ACTIVE_PER_USER = 3
    for year in (2022, 2023, 2024):
        ask(manager_user, year=year)
    with translation.override("en"), pytest.raises(services.ReportLimitReached, match="3 reports queued or being"):
        ask(manager_user, year=2025)
    assert MonitoringReport.objects.count() == 3
    # An identical request still folds: it adds nothing.
    assert ask(manager_user, year=2024).folded
    # Someone else is not held back by it, nor is the system.
    assert not ask(UserFactory(role="programme_manager"), year=2025).folded
    assert services.report_request(actor=None, **{**PROGRAMME_2025, "year": 2021}).pk


def test_a_finished_report_frees_a_place(manager_user, settings):
    settings.REPORTS_MAX_ACTIVE_PER_USER = 1
    first = ask(manager_user, year=2024)
    with pytest.raises(services.ReportLimitReached):
        ask(manager_user, year=2025)
    services.report_fail(report_id=first.pk, message="broken")
    assert ask(manager_user, year=2025).pk


def test_the_page_says_why_in_the_users_language(client, manager_user, settings):
    settings.REPORTS_MAX_ACTIVE_PER_USER = 1
    ask(manager_user, year=2024)
    verified_login(client, manager_user)
    form = {"kind": "annual", "year": "2025", "scope": "programme", "language": "en"}
    response = client.post(reverse("reports:list"), form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "You already have 1 report queued or being built" in response.content.decode()
    response = client.post(reverse("reports:list"), form, HTTP_ACCEPT_LANGUAGE="uk")
    assert "Ви вже маєте 1 довідку" in response.content.decode()
    assert MonitoringReport.objects.count() == 1


def test_the_page_says_an_identical_request_was_folded(client, manager_user):
    existing = ask(manager_user)
    verified_login(client, manager_user)
    form = {"kind": "annual", "year": "2025", "scope": "programme", "language": "en"}
    response = client.post(reverse("reports:list"), form, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "An identical report 2025 is already queued or being built" in response.content.decode()
    assert list(MonitoringReport.objects.all()) == [existing]


def test_the_api_answers_429_past_the_limit_and_folds_identical_requests(api_as, settings):
    settings.REPORTS_MAX_ACTIVE_PER_USER = 2
    client = api_as("manager")
    first = client.post("/api/v1/reports/", {"kind": "annual", "year": 2024}, format="json")
    again = client.post("/api/v1/reports/", {"kind": "annual", "year": 2024, "note": "x"}, format="json")
    assert first.status_code == again.status_code == 202
    assert again.json()["url"] == first.json()["url"] == again["Location"]
    assert client.post("/api/v1/reports/", {"kind": "annual", "year": 2023}, format="json").status_code == 202
    refused = client.post(
        "/api/v1/reports/", {"kind": "annual", "year": 2025}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_reports"
    assert "2 reports queued or being built" in refused.json()["error"]["message"]
    assert MonitoringReport.objects.count() == 2


def test_the_admin_refuses_past_the_limit(client, staff_user, settings):
    settings.REPORTS_MAX_ACTIVE_PER_USER = 1
    ask(staff_user, year=2024)
    verified_login(client, staff_user)
    form = {"kind": "annual", "year": "2025", "scope": "programme", "language": "en", "note": ""}
    response = client.post(reverse("admin:reports_monitoringreport_add"), form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "You already have 1 report queued or being built" in response.content.decode()
    assert MonitoringReport.objects.count() == 1


def test_rebuilding_a_report_while_an_identical_one_is_in_progress_folds(manager_user):
    done = done_report(**{**PROGRAMME_2025, "requested_by": manager_user})
    in_progress = ask(manager_user)
    assert in_progress.pk != done.pk
    rebuilt = services.report_rebuild(report=done, actor=manager_user)
    assert rebuilt.pk == in_progress.pk
    assert rebuilt.folded
    done.refresh_from_db()
    assert done.status == ReportStatus.DONE


def test_the_database_refuses_a_second_identical_report_in_progress():
    MonitoringReportFactory(status=ReportStatus.QUEUED)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringReport.objects.create(kind="annual", year=2025, scope="programme", language="uk")
    # A finished one, another language, or a scheduled one is something else.
    MonitoringReportFactory(status=ReportStatus.FAILED, error="broken", finished_at=timezone.now())
    MonitoringReportFactory(status=ReportStatus.QUEUED, language="en")
    MonitoringReportFactory(status=ReportStatus.QUEUED, scheduled=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_identical_requests_at_the_same_moment_make_one_report(manager_user):
    barrier = threading.Barrier(4)
    found = []

    def request() -> None:
        try:
            barrier.wait()
            found.append(ask(manager_user).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 4
    assert len(set(found)) == 1
    assert MonitoringReport.objects.count() == 1


@pytest.mark.migrations
@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_row_and_folds_duplicates_already_there():
    executor = MigrationExecutor(connection)
    before = [("reports", "0003_scheduled_partner_reports")]
    after = [("reports", "0004_one_active_request")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("reports", "MonitoringReport")
    oldest = old.objects.create(kind="annual", year=2025, scope="programme", language="uk", status="queued")
    running = old.objects.create(kind="annual", year=2025, scope="programme", language="uk", status="running")
    later = old.objects.create(kind="annual", year=2025, scope="programme", language="uk", status="queued")
    other = old.objects.create(kind="annual", year=2025, scope="programme", language="en", status="queued")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    # The model as it was then: later migrations add columns.
    migrated = executor.loader.project_state(after).apps.get_model("reports", "MonitoringReport")
    statuses = dict(migrated.objects.values_list("pk", "status"))
    assert statuses == {oldest.pk: "failed", running.pk: "running", later.pk: "failed", other.pk: "queued"}
    folded = migrated.objects.get(pk=later.pk)
    assert str(running.pk) in folded.error
    assert folded.finished_at is not None
    # Back to the latest state for the tests after this one.
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
