"""The sample spreadsheets of the import guide (docs/examples/import/, built by
tools/build_import_sample.py from the demo) check as the guide says on the demo programme."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from imports.models import ImportJob, ImportStatus
from imports.services import import_confirm, import_upload
from negotiators.models import OutreachEvent

pytestmark = pytest.mark.usefixtures("media_root")

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "import"
WORKBOOK, CSV = "zlagoda-sample-2023.xlsx", "events-2023-windows-1251.csv"


def check(name: str) -> ImportJob:
    with translation.override("uk"):
        upload = SimpleUploadedFile(name, (SAMPLES / name).read_bytes())
        return import_upload(kind="events", upload=upload, actor=User.objects.get(username="staff"))


def counts(job: ImportJob) -> tuple[int, int, int, int]:
    return (job.to_create, job.to_update, job.unchanged, job.rejected)


def rejected_rows(job: ImportJob) -> list[int]:
    return [row["row"] for row in job.rows if row["status"] == "rejected"]


def test_the_workbook_checks_its_events_sheet_not_the_notes(demo_programme, db):
    job = check(WORKBOOK)
    assert job.status == ImportStatus.CHECKED
    assert job.sheet == "Заходи ISN-2023"
    assert counts(job) == (4, 6, 30, 4)
    assert rejected_rows(job) == [11, 22, 28, 40]


def test_the_workbook_names_each_rejected_rows_column(demo_programme, db):
    job = check(WORKBOOK)
    headers = {row["row"]: [header for header, _message in row["errors"]] for row in job.rows if row["errors"]}
    # An unknown community, women and men above the total, 31.02.2023, a formula.
    assert headers == {11: ["Громада"], 22: ["Чоловіки"], 28: ["Дата"], 40: ["Учасники"]}


def test_the_windows_1251_csv_checks_as_its_rows_say(demo_programme, db):
    job = check(CSV)
    assert job.status == ImportStatus.CHECKED
    assert counts(job) == (2, 3, 12, 4)
    # An unknown community, a breakdown above the total, a date in the future, row 3 repeated.
    assert rejected_rows(job) == [8, 11, 14, 22]


@pytest.mark.parametrize("name", [WORKBOOK, CSV])
def test_confirming_a_sample_with_rejected_rows_writes_nothing(demo_programme, db, name):
    before = list(OutreachEvent.objects.order_by("pk").values_list("pk", "participants_total"))
    job = check(name)
    confirmed = import_confirm(job=job, actor=job.created_by)
    assert confirmed.status == ImportStatus.CHECKED
    assert list(OutreachEvent.objects.order_by("pk").values_list("pk", "participants_total")) == before


def test_the_demo_shows_the_sample_workbook_checked_for_staff(demo_programme, db):
    job = ImportJob.objects.get(filename=WORKBOOK)
    assert job.created_by == User.objects.get(username="staff")
    assert (job.status, counts(job)) == (ImportStatus.CHECKED, (4, 6, 30, 4))
