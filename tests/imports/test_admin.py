"""The import pages in the admin: who opens them, the template in the reader's language, and a
rejected row's reason next to its row and column."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from imports.models import ImportJob, ImportStatus
from negotiators.models import OutreachEvent
from tests.accounts.support import verified_login
from tests.imports.test_services import rows, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

UPLOAD = reverse("admin:imports_importjob_add")
JOBS = reverse("admin:imports_importjob_changelist")
TEMPLATE = reverse("admin:imports_importjob_template", args=["events"])


@pytest.fixture
def job(staff_user, community):
    return ImportJob.objects.create(kind="events", filename="a.xlsx", created_by=staff_user, status="checked")


def pages(job):
    return {
        "upload": UPLOAD,
        "jobs": JOBS,
        "job": reverse("admin:imports_importjob_change", args=[job.pk]),
        "template": TEMPLATE,
    }


# Staff import; a programme manager reads the admin but not the imports (their files may be lists of
# people's contacts); everyone else is sent to the admin's login.
PAGES = ("upload", "jobs", "job", "template")
MATRIX = {
    "staff": dict.fromkeys(PAGES, 200),
    "manager": dict.fromkeys(PAGES, 403),
    "negotiator": dict.fromkeys(PAGES, 302),
    "partner": dict.fromkeys(PAGES, 302),
    "anonymous": dict.fromkeys(PAGES, 302),
}


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_the_permission_matrix_of_the_import_pages(client, request, who, job):
    if who != "anonymous":
        verified_login(client, request.getfixturevalue(f"{who}_user"))
    for page, url in pages(job).items():
        response = client.get(url)
        assert response.status_code == MATRIX[who][page], (who, page)


def test_nobody_but_staff_confirms(client, manager_user, job):
    verified_login(client, manager_user)
    assert client.post(reverse("admin:imports_importjob_confirm", args=[job.pk])).status_code == 403


def test_the_template_has_the_headers_in_the_readers_language_and_explains_each_column(client, staff_user):
    verified_login(client, staff_user)
    response = client.get(TEMPLATE, HTTP_ACCEPT_LANGUAGE="uk")
    assert response["Content-Disposition"] == 'attachment; filename="zlagoda-events.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    rows_sheet, columns_sheet = workbook.worksheets
    header = [cell.value for cell in rows_sheet[1]]
    assert header[:3] == ["Громада *", "Регіон", "Дата *"]
    explained = {row[0]: row for row in columns_sheet.iter_rows(min_row=2, values_only=True) if row and row[0]}
    assert "Громадські збори" in explained["Тип"][3]


def test_an_uploaded_file_with_an_error_shows_the_reason_next_to_its_row_and_writes_nothing(
    client, staff_user, community
):
    verified_login(client, staff_user)
    bad = rows(community)
    bad[1][5] = "багато"
    response = client.post(UPLOAD, {"kind": "events", "file": xlsx(bad)}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Write a whole number" in page
    assert '<th scope="row" rowspan="1">3</th>' in page
    assert "Upload a corrected file" in page
    assert OutreachEvent.objects.count() == 0


def test_upload_check_and_confirm_in_the_admin(client, staff_user, community):
    verified_login(client, staff_user)
    response = client.post(UPLOAD, {"kind": "events", "file": xlsx(rows(community))}, HTTP_ACCEPT_LANGUAGE="en")
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("admin:imports_importjob_change", args=[job.pk])
    assert (
        "Nothing has been written yet" in client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    client.post(reverse("admin:imports_importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTED
    assert OutreachEvent.objects.count() == 3


def test_a_file_that_is_not_a_spreadsheet_gets_the_reason_on_the_form(client, staff_user):
    verified_login(client, staff_user)
    photo = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(200))
    response = client.post(UPLOAD, {"kind": "events", "file": photo}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "This is not a spreadsheet" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_running_import_shows_its_progress_and_refreshes(client, staff_user):
    from django.core.cache import cache

    from imports.services import progress_key

    job = ImportJob.objects.create(
        kind="events", filename="big.xlsx", created_by=staff_user, status=ImportStatus.IMPORTING, total_rows=10_000
    )
    cache.set(progress_key(job.pk), 4_200)
    verified_login(client, staff_user)
    page = client.get(reverse("admin:imports_importjob_change", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert '<progress id="progress" max="10000" value="4200">' in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "4200 of 10000 rows" in html


def test_deleting_an_import_deletes_its_file(client, staff_user, community):
    import os

    verified_login(client, staff_user)
    client.post(UPLOAD, {"kind": "events", "file": xlsx(rows(community))})
    job = ImportJob.objects.get()
    path = job.file.path
    client.post(reverse("admin:imports_importjob_delete", args=[job.pk]), {"post": "yes"})
    assert not ImportJob.objects.exists()
    assert not os.path.exists(path)
