"""The cover's note is at most 2,000 characters, whichever way the report is asked for: the page's
form, the API, the command line and the service they all call."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from reports import services
from reports.models import NOTE_MAX_LENGTH, MonitoringReport
from tests.accounts.support import verified_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings", "media_root")]

TOO_LONG = "ž" * (NOTE_MAX_LENGTH + 1)


def test_the_service_refuses_a_longer_note_whoever_asks():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.report_request(actor=None, kind="annual", year=2025, note=TOO_LONG, enqueue=False)
    assert refused.value.message_dict["note"] == ["The note may have at most 2000 characters; this one has 2001."]
    assert not MonitoringReport.objects.exists()


def test_a_note_of_exactly_the_limit_is_accepted():
    report = services.report_request(actor=None, kind="annual", year=2025, note="ž" * NOTE_MAX_LENGTH, enqueue=False)
    assert len(report.note) == NOTE_MAX_LENGTH


def test_the_command_refuses_a_longer_note(settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(CommandError, match="at most 2000 characters; this one has 2001"):
        call_command("generate_report", "--kind", "annual", "--year", "2025", "--note", TOO_LONG)
    assert not MonitoringReport.objects.exists()


def test_the_api_refuses_a_longer_note(api_as):
    body = {"kind": "annual", "year": 2025, "note": TOO_LONG}
    response = api_as("manager").post("/api/v1/reports/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "note" in response.json()["error"]["fields"]
    assert not MonitoringReport.objects.exists()


def test_the_form_refuses_a_longer_note(client, manager_user):
    verified_login(client, manager_user)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("reports:list"),
        {"kind": "annual", "year": "2025", "scope": "programme", "language": "en", "note": TOO_LONG},
    )
    assert response.status_code == 200
    assert "at most 2000 characters (it has 2001)" in response.content.decode()
    assert not MonitoringReport.objects.exists()
