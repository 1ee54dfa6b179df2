"""manage.py generate_report: request a report from the command line, optionally build it here."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reports.models import MonitoringReport, ReportScope, ReportStatus
from tests.communities.factories import PartnerOrganisationFactory, PartnershipFactory, RegionFactory

pytestmark = pytest.mark.django_db


def generate(*arguments) -> list[str]:
    out = StringIO()
    call_command("generate_report", *arguments, stdout=out)
    return out.getvalue().split()


def test_sync_prints_the_id_and_the_path_of_the_finished_pdf(community, media_root):
    PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
    report_id, path = generate("--kind", "annual", "--year", "2025", "--language", "en", "--sync")
    report = MonitoringReport.objects.get(pk=int(report_id))
    assert (report.status, report.kind, report.language, report.requested_by) == (
        ReportStatus.DONE,
        "annual",
        "en",
        None,
    )
    assert Path(path).read_bytes().startswith(b"%PDF-")
    assert Path(path).stat().st_size == report.file_size


def test_without_sync_it_only_queues(monkeypatch):
    from reports.tasks import build_report

    sent = []
    monkeypatch.setattr(build_report, "delay", sent.append)
    (report_id,) = generate("--kind", "semiannual", "--half", "1", "--year", "2025")
    report = MonitoringReport.objects.get(pk=int(report_id))
    assert (report.kind, report.status) == ("h1", ReportStatus.QUEUED)


def test_scopes_by_id():
    region, partner = RegionFactory(), PartnerOrganisationFactory()
    (region_report,) = generate("--kind", "annual", "--year", "2024", "--scope", f"region:{region.pk}", "--sync")[:1]
    (partner_report,) = generate("--kind", "annual", "--year", "2024", "--scope", f"partner:{partner.pk}", "--sync")[:1]
    assert MonitoringReport.objects.get(pk=int(region_report)).region == region
    partner_report = MonitoringReport.objects.get(pk=int(partner_report))
    assert (partner_report.scope, partner_report.partner) == (ReportScope.PARTNER, partner)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--kind", "semiannual", "--year", "2025"], "half-year"),
        (["--kind", "annual", "--year", "2025", "--scope", "region:999999"], "no region"),
        (["--kind", "annual", "--year", "2025", "--scope", "everywhere"], "--scope"),
        (["--kind", "annual", "--year", "2999"], "2000"),
    ],
)
def test_bad_arguments_say_what_is_wrong(settings, arguments, message):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(CommandError, match=message):
        generate(*arguments)
    assert not MonitoringReport.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--kind", "semiannual", "--year", "2025"), "Оберіть півріччя"),
        (("--kind", "annual", "--year", "2025", "--scope", "oblast:1"), "--scope має бути programme"),
        (("--kind", "annual", "--year", "2025", "--scope", "region:999999"), "Регіону з id 999999 немає."),
        (("--kind", "annual", "--year", "2025", "--scope", "partner:999999"), "Партнерської організації з id 999999"),
    ],
)
def test_command_errors_come_in_the_portals_language(arguments, message):
    with pytest.raises(CommandError, match=message):
        generate(*arguments)
    assert not MonitoringReport.objects.exists()
