"""``manage.py verify_reports``: every finished report's file (its PDF, and its DOCX when it has
one) is in the storage and matches the checksum stored with the report. The restore drill
(docs/backup.md) runs it after a restore; it fails (exit status 1) on any missing or damaged file."""

from collections.abc import Iterator

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from reports.models import MonitoringReport
from reports.selectors import DamagedReportFile, finished_reports, read_report_file


def stored_files(folder: str) -> Iterator[str]:
    """The names of every file under ``folder`` in the default storage (none if it is missing)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from stored_files(f"{folder}/{sub}")


class Command(BaseCommand):
    help = (
        "Check that every finished monitoring report's PDF (and DOCX, if any) is in the storage and matches its stored "
        "size and SHA-256 checksum; print the counts, fail on any missing or damaged file."
    )

    def handle(self, *args: object, **options: object) -> None:
        problems: list[str] = []
        referenced: set[str] = set()
        checked = 0
        for report in finished_reports().iterator():
            checked += 1
            referenced.update((report.file.name or "", report.docx_file.name or ""))
            problem = self.problem(report) or (self.problem(report, docx=True) if report.docx_file else None)
            if problem:
                problems.append(problem)
                self.stderr.write(problem)
        unreferenced = sum(1 for name in stored_files("reports") if name not in referenced)
        self.stdout.write(
            f"Finished reports: {checked}; files verified: {checked - len(problems)}; "
            f"missing or damaged: {len(problems)}; files under reports/ no report points at: {unreferenced}"
        )
        if problems:
            raise CommandError(f"{len(problems)} report file(s) missing or damaged")

    def problem(self, report: MonitoringReport, *, docx: bool = False) -> str | None:
        label = f"report {report.pk} ({report.period_code}, {report.scope}, {report.language})"
        name = report.docx_file.name if docx else report.file.name
        try:
            read_report_file(report, docx=docx)
        except FileNotFoundError:
            return f"{label}: file {name} is missing"
        except DamagedReportFile:
            return f"{label}: file {name} does not match its stored size or checksum"
        return None
