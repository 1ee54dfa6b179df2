"""``manage.py verify_reports``: every finished report's file against its stored size and checksum."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from tests.reports.factories import PDF, MonitoringReportFactory, done_report

pytestmark = pytest.mark.django_db


def verify() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_reports", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_intact_files_verify_and_unfinished_reports_are_not_counted(media_root):
    done_report()
    done_report(year=2024)
    MonitoringReportFactory()  # queued: no file yet
    out, err = verify()
    assert "Finished reports: 2; files verified: 2; missing or damaged: 0" in out
    assert err == ""


def test_a_tampered_file_fails_naming_the_report(media_root):
    intact = done_report()
    tampered = done_report(year=2024)
    (media_root / tampered.file.name).write_bytes(PDF.replace(b"tiny", b"tidy"))  # same size, other bytes
    with pytest.raises(CommandError, match="1 report file"):
        verify()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("verify_reports", stdout=out, stderr=err)
    assert f"report {tampered.pk} " in err.getvalue()
    assert f"report {intact.pk} " not in err.getvalue()
    assert "files verified: 1; missing or damaged: 1" in out.getvalue()


def test_a_missing_file_fails(media_root):
    report = done_report()
    default_storage.delete(report.file.name)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("verify_reports", stdout=out, stderr=err)
    assert "is missing" in err.getvalue()


def test_files_no_report_points_at_are_counted_but_do_not_fail(media_root):
    done_report()
    default_storage.save("reports/2023/left-over.pdf", StringIO("x"))
    out, _err = verify()
    assert "files verified: 1; missing or damaged: 0; files under reports/ no report points at: 1" in out
