"""A broker (Redis) that is down while a report is requested: the request answers at once, the
report is saved and queued, and the watchdog sends it later. And a build lost with its worker is
given back soon."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from reports import services
from reports.models import MonitoringReport, ReportStatus
from reports.tasks import build_report
from tests.accounts.support import verified_login

ROOT = Path(__file__).resolve().parent.parent.parent
RESULT_STORE_GAVE_UP = RuntimeError(
    "Retry limit exceeded while trying to reconnect to the Celery result store backend. "
    "The Celery application must be restarted."
)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sending_a_build_to_a_redis_that_is_down_gives_up_within_seconds(tmp_path):
    """The real Celery stack, in a fresh process configured for a Redis nobody listens on."""
    env = {
        **{name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "ZLAGODA_ENV"}},
        "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    code = "from reports.services import report_enqueue; print('sent', report_enqueue(report_id=1))"
    started = time.monotonic()
    finished = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert "sent False" in finished.stdout
    assert "the watchdog will retry" in finished.stderr
    assert elapsed < 10


@pytest.mark.django_db(transaction=True)  # the build is sent when the request's write commits
@pytest.mark.parametrize(
    "error", [RESULT_STORE_GAVE_UP, ConnectionRefusedError(111, "Connection refused")], ids=["result-store", "broker"]
)
def test_a_report_requested_while_the_broker_is_down_is_saved_and_said_queued(client, manager_user, monkeypatch, error):
    def broker_down(report_id):
        raise error

    monkeypatch.setattr(build_report, "delay", broker_down)
    verified_login(client, manager_user)
    response = client.post(
        reverse("reports:list"),
        {"kind": "h1", "year": "2025", "scope": "programme", "language": "en"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    report = MonitoringReport.objects.get()
    assert report.status == ReportStatus.QUEUED
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(shown) == 1
    assert "queued" in shown[0]


def test_report_enqueue_says_whether_the_build_was_sent(monkeypatch):
    sent = []
    monkeypatch.setattr(build_report, "delay", sent.append)
    assert services.report_enqueue(report_id=7) is True
    assert sent == [7]


def test_a_build_lost_with_its_worker_is_given_back_within_minutes():
    """Redis gives an unacknowledged message back after the visibility timeout: just above the
    longest build (its hard time limit), so a live build is never sent twice; the watchdog comes
    after that."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert build_report.soft_time_limit < build_report.time_limit < visibility <= build_report.time_limit + 120
    assert visibility < settings.REPORTS_STUCK_AFTER_SECONDS <= 10 * 60
    assert settings.CELERY_BEAT_SCHEDULE["reports-watchdog"]["schedule"] <= 120
