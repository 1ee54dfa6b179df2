"""Requesting, building, failing, re-queuing and scheduling reports through the services."""

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.template import TemplateSyntaxError
from django.utils import timezone

from access.roles import Role
from reports import services
from reports.models import MonitoringReport, ReportKind, ReportScope, ReportStatus
from reports.tasks import build_report
from tests.communities.factories import PartnerOrganisationFactory, PartnershipFactory, UserFactory
from tests.negotiators.factories import OutreachEventFactory
from tests.reports.factories import MonitoringReportFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 1)


def request(actor, **kwargs):
    arguments = {"kind": "annual", "year": 2025, "today": TODAY, "enqueue": False} | kwargs
    return services.report_request(actor=actor, **arguments)


@pytest.fixture
def small_programme(community):
    PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
    OutreachEventFactory(community=community, date=date(2025, 3, 14), participants_total=12, participants_women=7,
                         participants_men=5)  # fmt: skip
    return community


# --- requesting -----------------------------------------------------------------------------------


def test_manager_requests_a_semiannual_report(manager_user):
    report = request(manager_user, kind="semiannual", half=2, language="en", note="Для донора")
    assert (report.kind, report.year, report.scope, report.language) == (ReportKind.H2, 2025, "programme", "en")
    assert (report.status, report.requested_by, report.note) == (ReportStatus.QUEUED, manager_user, "Для донора")
    assert report.period_code == "2025-H2"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"kind": "semiannual"}, "half"),
        ({"kind": "annual", "half": 1}, "half"),
        ({"kind": "quarterly"}, "kind"),
        ({"year": 1999}, "year"),
        ({"year": 2026, "kind": "semiannual", "half": 2}, "year"),
        ({"scope": "region"}, "region"),
        ({"scope": "partner"}, "partner"),
        ({"scope": "galaxy"}, "scope"),
        ({"language": "de"}, "language"),
    ],
)
def test_invalid_requests_say_which_field_is_wrong(staff_user, arguments, field):
    with pytest.raises(ValidationError) as error:
        request(staff_user, **arguments)
    assert field in error.value.message_dict
    assert MonitoringReport.objects.count() == 0


def test_errors_come_in_the_users_language(staff_user):
    from django.utils import translation

    with translation.override("uk"), pytest.raises(ValidationError) as error:
        request(staff_user, year=2026, kind="semiannual", half=2)
    assert error.value.message_dict["year"] == ["Цей період ще не почався."]


def test_negotiators_cannot_request_reports(negotiator_user):
    with pytest.raises(PermissionDenied):
        request(negotiator_user)


@pytest.mark.parametrize("scope", ["own", "programme", "another partner"])
def test_partners_only_read_reports_and_request_none(partner_user, partner, scope):
    arguments = {
        "own": {"scope": "partner", "partner": partner},
        "programme": {},
        "another partner": {"scope": "partner", "partner": PartnerOrganisationFactory()},
    }[scope]
    for actor in (partner_user, partner):
        with pytest.raises(PermissionDenied):
            request(actor, **arguments)
    assert not MonitoringReport.objects.exists()


def test_staff_request_a_partner_organisations_report_for_it(staff_user, partner):
    assert request(staff_user, scope="partner", partner=partner).partner == partner


def test_the_build_is_queued_only_after_the_transaction_commits(
    staff_user, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(build_report, "delay", sent.append)
    with django_capture_on_commit_callbacks() as callbacks:
        report = request(staff_user, enqueue=True)
        assert sent == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert sent == [report.pk]


def test_a_broker_that_is_down_leaves_the_report_queued_for_the_watchdog(
    staff_user, monkeypatch, django_capture_on_commit_callbacks
):
    def down(report_id):
        raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(build_report, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        report = request(staff_user, enqueue=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED


# --- building -------------------------------------------------------------------------------------


def test_build_stores_a_complete_pdf_with_size_and_checksum(small_programme, media_root):
    report = services.report_build(report_id=request(None).pk)
    assert (report.status, report.progress, report.error) == (ReportStatus.DONE, 100, "")
    content = Path(default_storage.path(report.file.name)).read_bytes()
    assert content.startswith(b"%PDF-")
    assert report.file_size == len(content)
    assert report.checksum == hashlib.sha256(content).hexdigest()
    assert report.started_at <= report.finished_at
    assert report.attempts == 1


def test_building_twice_leaves_one_correct_file(small_programme, media_root, django_capture_on_commit_callbacks):
    report = request(None)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.report_build(report_id=report.pk)
        # The same message delivered again (redelivery, a watchdog's copy): the report is done.
        again = services.report_build(report_id=report.pk)
        assert (again.status, again.file.name, again.attempts) == (ReportStatus.DONE, first.file.name, 1)
        # Queued again on purpose (report_rebuild): built anew, the new file replaces the old one.
        MonitoringReport.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED, build_token="")
        second = services.report_build(report_id=report.pk)
    files = {path.name: path for path in (media_root / "reports" / "2025").iterdir()}
    # The PDF and its DOCX version, each once.
    assert sorted(files) == sorted([Path(second.file.name).name, Path(second.docx_file.name).name])
    assert first.file.name != second.file.name
    assert first.docx_file.name != second.docx_file.name
    assert hashlib.sha256(files[Path(second.file.name).name].read_bytes()).hexdigest() == second.checksum
    assert hashlib.sha256(files[Path(second.docx_file.name).name].read_bytes()).hexdigest() == second.docx_checksum
    assert second.attempts == 2


def test_a_duplicate_message_for_a_failed_report_builds_nothing(small_programme, media_root, monkeypatch):
    monkeypatch.setattr("reports.pdf.render_report_pdf", lambda document: b"not a pdf")
    report = services.report_build(report_id=request(None).pk)
    assert report.status == ReportStatus.FAILED
    again = services.report_build(report_id=report.pk)
    assert (again.status, again.error, again.attempts) == (ReportStatus.FAILED, report.error, 1)


def test_a_template_error_fails_the_report_with_its_message(small_programme, media_root, monkeypatch):
    def broken(document):
        raise TemplateSyntaxError("Invalid block tag on line 3: 'endfor'")

    monkeypatch.setattr("reports.pdf.render_report_pdf", broken)
    report = services.report_build(report_id=request(None).pk)
    assert report.status == ReportStatus.FAILED
    assert "Invalid block tag" in report.error
    assert not report.file
    assert not (media_root / "reports").exists()


def test_a_half_written_pdf_is_never_stored(small_programme, media_root, monkeypatch):
    monkeypatch.setattr("reports.pdf.render_report_pdf", lambda document: b"%PDF-1.7\n1 0 obj\n<<")
    report = services.report_build(report_id=request(None).pk)
    assert report.status == ReportStatus.FAILED
    assert report.error.startswith("ReportBuildError: ")
    assert "PDF" in report.error
    assert not (media_root / "reports").exists()


def test_a_failed_rebuild_removes_the_old_file_and_serves_nothing(
    small_programme, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    report = services.report_build(report_id=request(None).pk)
    old = Path(default_storage.path(report.file.name))
    monkeypatch.setattr("reports.pdf.render_report_pdf", lambda document: b"not a pdf")
    MonitoringReport.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED, build_token="")  # a rebuild
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_build(report_id=report.pk)
    assert (report.status, report.file.name, report.file_size, report.checksum) == (ReportStatus.FAILED, "", None, "")
    assert not old.exists()
    assert not report.is_downloadable


def test_a_build_superseded_by_a_newer_one_drops_its_file(
    small_programme, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    report = request(None)
    real_render = __import__("reports.pdf", fromlist=["render_report_pdf"]).render_report_pdf

    def render_while_someone_else_starts(document):
        content = real_render(document)
        # The watchdog re-queued the report meanwhile and a newer build took over.
        MonitoringReport.objects.filter(pk=report.pk).update(build_token="newer")
        return content

    monkeypatch.setattr("reports.pdf.render_report_pdf", render_while_someone_else_starts)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.report_build(report_id=report.pk)
    assert result.status == ReportStatus.RUNNING
    assert not result.file
    assert list((media_root / "reports" / "2025").iterdir()) == []


def test_a_transient_error_puts_the_report_back_in_the_queue(small_programme, media_root, monkeypatch):
    def database_gone(document):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("reports.pdf.render_report_pdf", database_gone)
    report = request(None)
    with pytest.raises(OperationalError):
        services.report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED


def test_the_task_retries_transient_errors_then_gives_up(small_programme, media_root, monkeypatch, eager_tasks):
    calls = []

    def always_down(*, report_id):
        calls.append(report_id)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "report_build", always_down)
    report = request(None)
    assert build_report.apply(args=[report.pk]).get() == "failed"
    report.refresh_from_db()
    assert len(calls) == build_report.max_retries + 1
    assert report.status == ReportStatus.FAILED
    assert "could not connect" in report.error


def test_the_task_succeeds_after_a_transient_error(small_programme, media_root, monkeypatch, eager_tasks):
    real_build = services.report_build
    calls = []

    def flaky(*, report_id):
        calls.append(report_id)
        if len(calls) == 1:
            raise OperationalError("the database is starting up")
        return real_build(report_id=report_id)

    monkeypatch.setattr(services, "report_build", flaky)
    report = request(None)
    assert build_report.apply(args=[report.pk]).get() == ReportStatus.DONE
    assert len(calls) == 2


def test_the_task_of_a_deleted_report_does_nothing(db, eager_tasks):
    assert build_report.apply(args=[987654]).get() == "missing"


# --- the watchdog and the schedule ----------------------------------------------------------------


def test_watchdog_requeues_reports_stuck_queued_or_running(settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.REPORTS_STUCK_AFTER_SECONDS = 600
    now = timezone.now()
    old = now - timedelta(minutes=30)
    # Three different reports (identical ones cannot be in progress together).
    lost_message = MonitoringReportFactory(status=ReportStatus.QUEUED, enqueued_at=old, language="uk")
    dead_worker = MonitoringReportFactory(
        status=ReportStatus.RUNNING, started_at=old, attempts=1, build_token="x", language="en"
    )
    fresh = MonitoringReportFactory(status=ReportStatus.QUEUED, enqueued_at=now, language="cs")
    sent = []
    monkeypatch.setattr(build_report, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        requeued = services.reports_requeue_stuck(now=now)
    assert sorted(requeued) == sorted(sent) == sorted([lost_message.pk, dead_worker.pk])
    dead_worker.refresh_from_db()
    assert (dead_worker.status, dead_worker.build_token, dead_worker.enqueued_at) == (ReportStatus.QUEUED, "", now)
    fresh.refresh_from_db()
    assert fresh.status == ReportStatus.QUEUED


def test_watchdog_gives_up_after_the_last_attempt(settings, django_capture_on_commit_callbacks):
    settings.REPORTS_MAX_ATTEMPTS = 3
    now = timezone.now()
    hopeless = MonitoringReportFactory(status=ReportStatus.RUNNING, started_at=now - timedelta(hours=2), attempts=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_requeue_stuck(now=now) == []
    hopeless.refresh_from_db()
    assert hopeless.status == ReportStatus.FAILED
    assert "3" in hopeless.error


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 7, 1), {("h1", 2026)}),
        (date(2026, 1, 1), {("h2", 2025), ("annual", 2025)}),
        # Beat asks daily: a first of the month it missed is made up later in the month ...
        (date(2026, 7, 31), {("h1", 2026)}),
        (date(2026, 1, 31), {("h2", 2025), ("annual", 2025)}),
        # ... but not once the period is long over.
        (date(2026, 8, 1), set()),
        (date(2026, 6, 30), set()),
    ],
)
def test_schedule_requests_the_period_that_just_ended_once_per_language(settings, today, expected):
    settings.REPORTS_SCHEDULED_LANGUAGES = ["uk", "en"]
    created = services.reports_schedule_due(today=today)
    assert {(report.kind, report.year) for report in created} == expected
    assert {report.language for report in created} == ({"uk", "en"} if expected else set())
    assert all(report.scheduled and report.scope == ReportScope.PROGRAMME for report in created)
    assert services.reports_schedule_due(today=today) == []
    assert MonitoringReport.objects.count() == 2 * len(expected)


def test_schedule_builds_each_partner_organisation_its_own_report(settings, community, other_community):
    settings.REPORTS_SCHEDULED_LANGUAGES = ["uk", "en"]
    covering = PartnerOrganisationFactory(communities=[community])
    PartnerOrganisationFactory(communities=[other_community], is_active=False)
    PartnerOrganisationFactory()  # covers no community: no report to build
    created = services.reports_schedule_due(today=date(2026, 7, 2))
    assert sorted((report.scope, report.partner_id, report.language) for report in created) == [
        (ReportScope.PARTNER, covering.pk, "en"),
        (ReportScope.PARTNER, covering.pk, "uk"),
        (ReportScope.PROGRAMME, None, "en"),
        (ReportScope.PROGRAMME, None, "uk"),
    ]
    assert services.reports_schedule_due(today=date(2026, 7, 3)) == []


def test_rebuild_and_delete(staff_user, small_programme, media_root, eager_tasks, django_capture_on_commit_callbacks):
    report = services.report_build(report_id=request(staff_user).pk)
    path = Path(default_storage.path(report.file.name))
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_rebuild(report=report, actor=staff_user)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert not path.exists()
    path = Path(default_storage.path(report.file.name))
    with django_capture_on_commit_callbacks(execute=True):
        services.report_delete(report=report, actor=staff_user)
    assert not path.exists()
    assert not MonitoringReport.objects.exists()


def test_roles_may_not_rebuild_other_scopes(partner_user):
    report = MonitoringReportFactory()
    with pytest.raises(PermissionDenied):
        services.report_rebuild(report=report, actor=partner_user)
    with pytest.raises(PermissionDenied):
        services.report_rebuild(report=report, actor=UserFactory(role=Role.NEGOTIATOR))


# --- a storage that refuses the file ----------------------------------------------------------------


def disk_full(name, content, max_length=None):
    raise OSError(28, "No space left on device", "/srv/zlagoda/media/reports/2025/report-1.pdf")


def test_a_storage_failure_puts_the_report_back_in_the_queue(small_programme, media_root, monkeypatch):
    monkeypatch.setattr(default_storage, "save", disk_full)
    report = request(None)
    with pytest.raises(services.ReportStorageError):
        services.report_build(report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.progress) == (ReportStatus.QUEUED, 0)


def test_a_storage_that_stays_down_fails_the_report_in_its_language_without_the_path(
    small_programme, media_root, monkeypatch, eager_tasks
):
    monkeypatch.setattr(default_storage, "save", disk_full)
    report = request(None, language="en")
    assert build_report.apply(args=[report.pk]).get() == "failed"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.progress == 0
    assert report.attempts == build_report.max_retries + 1
    assert "/srv" not in report.error
    assert "OSError" not in report.error
    assert report.error.startswith("Gave up after repeated temporary errors")
    assert "file storage" in report.error
    ukrainian = request(None, kind="semiannual", half=1, language="uk")
    assert build_report.apply(args=[ukrainian.pk]).get() == "failed"
    ukrainian.refresh_from_db()
    assert "/srv" not in ukrainian.error
    assert ukrainian.error != report.error
