"""Checking and importing a spreadsheet of outreach events: the dry run writes nothing, the import
is all or nothing through the services, a second import of the same file changes nothing, and the
change history names the file."""

import io
import os
from datetime import date, timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from access.roles import Role
from imports.models import ImportJob, ImportStatus
from imports.readers import FileRefused
from imports.services import import_confirm, import_upload
from imports.specs import record_type
from negotiators.models import OutreachEvent
from tests.communities.factories import CommunityFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

HEADER = ["Community", "Date", "Kind", "Title", "Topic", "Participants", "Women", "Men"]


def xlsx(rows: list[list], header: list[str] = HEADER, name: str = "events.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(file: SimpleUploadedFile, user, kind: str = "events") -> ImportJob:
    with translation.override("en"):
        return import_upload(kind=kind, upload=file, actor=user)


def confirm(job: ImportJob, user) -> ImportJob:
    with translation.override("en"):
        return import_confirm(job=job, actor=user)


@pytest.fixture
def kamianets(db):
    return CommunityFactory(name="Кам'янець-Подільська міська громада")


def rows(community) -> list[list]:
    return [
        [community.name, "14.03.2023", "Public meeting", "Meeting at school 3", "Youth", 40, 25, 15],
        [community.name, date(2023, 4, 2), "Training", "First aid", "Youth", "1 200", 700, 500],
        [community.name.replace("'", "’"), "2023-05-20", "Round table", "Police and youth", "Youth", 12, 0, 0],
    ]


def test_the_check_counts_the_rows_and_writes_nothing(staff_user, kamianets):
    before = OutreachEvent.objects.count()
    job = upload(xlsx(rows(kamianets)), staff_user)
    assert job.status == ImportStatus.CHECKED
    assert (job.to_create, job.to_update, job.unchanged, job.rejected) == (3, 0, 0, 0)
    assert OutreachEvent.objects.count() == before
    assert LogEntry.objects.count() == 0


def test_confirming_imports_every_row_through_the_service(staff_user, kamianets):
    job = confirm(upload(xlsx(rows(kamianets)), staff_user), staff_user)
    assert job.status == ImportStatus.IMPORTED
    events = OutreachEvent.objects.filter(community=kamianets).order_by("date")
    assert [e.participants_total for e in events] == [40, 1200, 12]
    assert [e.kind for e in events] == ["public_meeting", "training", "round_table"]
    assert events[0].created_by == staff_user


def test_the_change_history_names_the_file(staff_user, kamianets):
    confirm(upload(xlsx(rows(kamianets), name="ISN 2023.xlsx"), staff_user), staff_user)
    event = OutreachEvent.objects.get(title="First aid")
    entry = LogEntry.objects.get(object_id=str(event.pk))
    assert entry.action_flag == ADDITION
    assert entry.user == staff_user
    assert entry.get_change_message() == "Imported from ISN 2023.xlsx (row 3)"


def test_importing_the_same_file_twice_changes_nothing(staff_user, kamianets):
    confirm(upload(xlsx(rows(kamianets)), staff_user), staff_user)
    again = upload(xlsx(rows(kamianets)), staff_user)
    assert (again.to_create, again.to_update, again.unchanged, again.rejected) == (0, 0, 3, 0)
    assert not again.can_confirm
    assert OutreachEvent.objects.count() == 3


def test_a_changed_figure_updates_the_event(staff_user, kamianets):
    confirm(upload(xlsx(rows(kamianets)), staff_user), staff_user)
    changed = rows(kamianets)
    changed[0][5] = 45
    job = confirm(upload(xlsx(changed), staff_user), staff_user)
    assert (job.to_create, job.to_update, job.unchanged) == (0, 1, 2)
    assert OutreachEvent.objects.get(title="Meeting at school 3").participants_total == 45


def test_a_rule_broken_in_a_row_is_reported_with_its_row_and_column_and_nothing_is_written(staff_user, kamianets):
    bad = rows(kamianets)
    bad[1][6] = 2000  # more women than participants: the service's rule
    bad[2][1] = (date.today() + timedelta(days=30)).strftime("%d.%m.%Y")  # a held event in the future
    job = upload(xlsx(bad), staff_user)
    assert (job.to_create, job.rejected) == (1, 2)
    assert not job.can_confirm
    rejected = {row["row"]: row for row in job.rows if row["status"] == "rejected"}
    assert set(rejected) == {3, 4}
    assert any("exceed the total" in message for _column, message in rejected[3]["errors"])
    assert any(column == "Date" for column, _message in rejected[4]["errors"])
    assert confirm(job, staff_user).status == ImportStatus.CHECKED  # cannot be confirmed
    assert OutreachEvent.objects.count() == 0


def test_cells_that_cannot_be_read_are_named(staff_user, kamianets):
    job = upload(
        xlsx(
            [
                [kamianets.name, "31.02.2023", "Public meeting", "A", "Youth", 10, 0, 0],
                [kamianets.name, "01.02.2023", "Dance", "B", "Youth", -3, 0, 0],
                ["Нема такої громади", "01.02.2023", "Training", "C", "Youth", "=SUM(1,2)", 0, 0],
            ]
        ),
        staff_user,
    )
    errors = {row["row"]: dict(row["errors"]) for row in job.rows}
    assert set(errors[2]) == {"Date"}
    assert set(errors[3]) == {"Kind", "Participants"}
    assert "formula" in errors[4]["Participants"]
    assert OutreachEvent.objects.count() == 0


def test_an_unknown_community_is_named(staff_user, kamianets):
    job = upload(xlsx([["Нема такої громади", "01.02.2023", "Training", "C", "Youth", 3, 0, 0]]), staff_user)
    assert "Нема такої громади" in dict(job.rows[0]["errors"])["Community"]


def test_a_row_repeated_in_the_file_is_rejected(staff_user, kamianets):
    first = rows(kamianets)[0]
    job = upload(xlsx([first, list(first)]), staff_user)
    assert (job.to_create, job.rejected) == (1, 1)
    assert "row 2" in job.rows[-1]["errors"][0][1]


def test_unknown_headers_refuse_the_file_naming_them(staff_user, kamianets):
    job = upload(xlsx(rows(kamianets), header=[*HEADER[:-1], "Weather"]), staff_user)
    assert job.status == ImportStatus.REFUSED
    assert "H “Weather”" in job.problem
    assert OutreachEvent.objects.count() == 0


def test_headers_in_ukrainian_czech_or_russian_are_understood(staff_user, kamianets):
    for language in ("uk", "cs", "ru"):
        with translation.override(language):
            header = [str(record_type("events").column_named(n).label) for n in ("community", "date", "kind")]
            header += [str(record_type("events").column_named(n).label) for n in ("title", "topic")]
            header += [str(record_type("events").column_named(n).label) for n in ("participants_total",)]
        job = upload(
            xlsx([[kamianets.name, "14.03.2023", "Public meeting", f"M {language}", "Youth", 5]], header=header),
            staff_user,
        )
        assert (job.status, job.to_create) == (ImportStatus.CHECKED, 1), (language, job.problem)


def test_a_file_that_is_not_a_spreadsheet_is_refused_before_anything_is_stored(staff_user):
    with pytest.raises(FileRefused):
        upload(SimpleUploadedFile("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), staff_user)
    assert ImportJob.objects.count() == 0


def test_a_semicolon_csv_in_windows_1251_imports(staff_user, kamianets):
    text = "Громада;Дата;Тип;Назва;Тема;Учасники\n" + f"{kamianets.name};14.03.2023;Тренінг;Навчання;Молодь;7\n"
    job = upload(SimpleUploadedFile("events.csv", text.encode("cp1251")), staff_user)
    assert (job.status, job.to_create, job.rejected) == (ImportStatus.CHECKED, 1, 0), job.rows
    assert confirm(job, staff_user).status == ImportStatus.IMPORTED
    assert OutreachEvent.objects.get().title == "Навчання"


def test_only_the_uploader_confirms(staff_user, kamianets):
    other = UserFactory(username="other-staff", role=Role.STAFF)
    job = upload(xlsx(rows(kamianets)), staff_user)
    with pytest.raises(PermissionDenied):
        confirm(job, other)


def test_the_imported_file_is_deleted(staff_user, kamianets, django_capture_on_commit_callbacks):
    job = upload(xlsx(rows(kamianets)), staff_user)
    path = job.file.path
    with django_capture_on_commit_callbacks(execute=True):
        job = confirm(job, staff_user)
    assert not job.file
    assert not os.path.exists(path)


def test_a_refused_file_is_deleted_at_once(staff_user, kamianets):
    job = upload(xlsx(rows(kamianets), header=[*HEADER[:-1], "Weather"]), staff_user)
    assert job.status == ImportStatus.REFUSED
    assert not job.file


def test_a_file_checked_but_never_imported_is_deleted_after_the_kept_hours(
    staff_user, kamianets, settings, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from imports.services import import_forget_old_files

    settings.IMPORT_KEEP_HOURS = 72
    job = upload(xlsx(rows(kamianets)), staff_user)
    path = job.file.path
    assert import_forget_old_files(now=timezone.now() + timedelta(hours=71)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert import_forget_old_files(now=timezone.now() + timedelta(hours=73)) == 1
    job.refresh_from_db()
    assert not job.file
    assert not os.path.exists(path)
    assert not job.can_confirm
    assert confirm(job, staff_user).status == ImportStatus.CHECKED
    assert OutreachEvent.objects.count() == 0
