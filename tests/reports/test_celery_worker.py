"""End to end through a real Celery worker and the real Redis broker: a manager requests the 2025
annual report of the demo programme in Ukrainian and in English, the worker builds both, and the
PDFs show the figures computed independently from the seeded rows.

The worker runs in a thread of the test process (``celery.contrib.testing.worker``) and consumes
from the Redis of ``REDIS_URL``; the test is transactional so that the worker's own database
connection sees the rows the test commits.
"""

import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from config.celery import app as celery_app
from reports import services
from reports.models import MonitoringReport, ReportStatus
from tests.accounts.support import verified_login
from tests.reports.demo_figures import check_pdf_text, demo_figures
from tests.reports.helpers import pdf_text


def redis_unreachable_reason() -> str | None:
    if not settings.REDIS_URL:
        return "REDIS_URL is not set: the end-to-end worker test needs a real Redis broker"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # any reason Redis cannot be reached
        return f"Redis at {settings.REDIS_URL} is unreachable: {error}"
    return None


REASON = redis_unreachable_reason()
pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(REASON is not None, reason=REASON or ""),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(media_root):
    from celery.contrib.testing.worker import start_worker

    assert not celery_app.conf.task_always_eager, "with REDIS_URL set, tasks must go through the broker"
    celery_app.control.purge()  # leftovers of an interrupted run would only slow this one down
    with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
        yield
    connections.close_all()


def wait_until_finished(*reports, timeout=300) -> list[MonitoringReport]:
    deadline = time.monotonic() + timeout
    while True:
        current = [MonitoringReport.objects.get(pk=report.pk) for report in reports]
        if all(report.status in (ReportStatus.DONE, ReportStatus.FAILED) for report in current):
            return current
        if time.monotonic() > deadline:
            pytest.fail(f"reports not finished after {timeout} s: {[(r.pk, r.status, r.progress) for r in current]}")
        time.sleep(0.5)


def test_worker_builds_the_demo_reports_in_ukrainian_and_english(worker, client):
    from django.contrib.auth import get_user_model

    call_command("seed_demo", stdout=StringIO())
    manager = get_user_model().objects.get(username="manager")
    requested = [
        services.report_request(actor=manager, kind="annual", year=2025, language=language) for language in ("uk", "en")
    ]
    assert all(report.status == ReportStatus.QUEUED for report in requested)
    reports = wait_until_finished(*requested)
    assert [(report.status, report.error) for report in reports] == [(ReportStatus.DONE, "")] * 2
    figures = demo_figures()

    verified_login(client, manager)
    for report in reports:
        response = client.get(reverse("reports:download", args=[report.pk]))
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF-")
        assert len(response.content) == report.file_size
        assert check_pdf_text(pdf_text(response.content), figures, report.language) == []

    client.force_login(get_user_model().objects.get(username="partner"))
    assert client.get(reverse("reports:download", args=[reports[0].pk])).status_code == 404


def test_worker_fails_a_broken_report_with_its_message(worker, monkeypatch):
    def broken(document):
        raise KeyError("headline")

    monkeypatch.setattr("reports.pdf.render_report_pdf", broken)
    report = services.report_request(actor=None, kind="semiannual", half=1, year=2025, language="en")
    (report,) = wait_until_finished(report, timeout=120)
    assert report.status == ReportStatus.FAILED
    assert "KeyError" in report.error
    assert "headline" in report.error
    assert not report.file
    assert not report.is_downloadable
