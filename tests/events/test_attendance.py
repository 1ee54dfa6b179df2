"""Attendance imported from a videoconference's participant export (issue 16, item 3): Zoom's CSV
and Teams' UTF-16 report read, matched to registrations by e-mail whatever its case, unmatched rows
listed, nothing marked before the staff member confirms the preview."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from events.attendance import AttendanceFileError, mark_attended, match, read_rows
from events.models import RegistrationStatus
from tests.accounts.support import verified_login
from tests.events.staff_support import register, webinar

pytestmark = pytest.mark.django_db

ZOOM_CSV = (
    "\ufeffMeeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\r\n"
    "812 3456 7890,Соціальна інтеграція,08/16/2025 10:55:12 AM,08/16/2025 01:31:40 PM,host@dobre.example.org,157,4\r\n"
    "\r\n"
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n"
    "Марія Коваль,Maria.Koval@Example.ORG,08/16/2025 10:58:01 AM,08/16/2025 01:30:00 PM,152,Yes\r\n"
    '"Petrenko, Ivan",ivan@hromada.example.org,08/16/2025 11:02:10 AM,08/16/2025 01:29:00 PM,147,Yes\r\n'
    "Гість без пошти,,08/16/2025 11:05:00 AM,08/16/2025 11:45:00 AM,40,Yes\r\n"
    "Stranger,stranger@example.net,08/16/2025 11:06:00 AM,08/16/2025 12:00:00 PM,54,Yes\r\n"
    "Марія Коваль,maria.koval@example.org,08/16/2025 12:10:00 PM,08/16/2025 01:30:00 PM,80,Yes\r\n"
).encode("utf-8")

TEAMS_TSV = "\r\n".join(
    [
        "1. Summary",
        "Meeting title\tСоціальна інтеграція, частина 1",
        "Attended participants\t4",
        "Start time\t8/16/25, 10:58:01 AM",
        "",
        "2. Participants",
        "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole",
        "Марія Коваль\t8/16/25, 10:58:01 AM\t8/16/25, 1:30:00 PM\t2h 32m\tMARIA.KOVAL@example.org\t"
        "maria.koval@example.org\tAttendee",
        "Олег Сидоренко\t8/16/25, 11:00:00 AM\t8/16/25, 1:30:00 PM\t2h 30m\t\toleh@hromada.example.org\tAttendee",
        "Anonymous guest\t8/16/25, 11:10:00 AM\t8/16/25, 11:20:00 AM\t10m\t\t\tAttendee",
        "",
        "3. In-Meeting Activities",
        "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole",
        "Someone Else\t8/16/25, 10:58:01 AM\t8/16/25, 1:30:00 PM\t2h 32m\tsomeone@example.net\tAttendee",
    ]
).encode("utf-16")


def test_zoom_csv_with_meeting_details_and_a_byte_order_mark():
    rows = read_rows(ZOOM_CSV)
    assert [row.email for row in rows] == [
        "Maria.Koval@Example.ORG",
        "ivan@hromada.example.org",
        "",
        "stranger@example.net",
        "maria.koval@example.org",
    ]
    assert rows[1].name == "Petrenko, Ivan"
    assert rows[0].line == 5


def test_teams_utf16_tsv_reads_the_participants_section_only_and_falls_back_to_the_upn():
    rows = read_rows(TEAMS_TSV)
    assert [(row.name, row.email) for row in rows] == [
        ("Марія Коваль", "MARIA.KOVAL@example.org"),
        ("Олег Сидоренко", "oleh@hromada.example.org"),
        ("Anonymous guest", ""),
    ]


def test_a_semicolon_file_with_an_e_mail_column():
    content = "Прізвище та ім'я;E-mail\nКоваль Марія;maria.koval@example.org\n".encode()
    assert [row.email for row in read_rows(content)] == ["maria.koval@example.org"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"Name,Join Time\nMaria,10:00\n", "No column of e-mail addresses found"),
        (b"Name,Email\n\n", "no participants"),
        ("Name,Email\nМарія,m@example.org\n".encode("cp1251"), "not in UTF-8 or UTF-16"),
    ],
)
def test_files_that_are_not_participant_lists_are_refused_by_name(content, message):
    with translation.override("en"), pytest.raises(AttendanceFileError, match=message):
        read_rows(content)


def test_matching_ignores_case_lists_unmatched_rows_and_leaves_cancelled_registrations_out():
    event = webinar()
    maria = register(event, "maria.koval@example.org")
    ivan = register(event, "Ivan@Hromada.example.org", "Іван Петренко")
    cancelled = register(event, "stranger@example.net", "Скасований", status=RegistrationStatus.CANCELLED)
    other_event = webinar()
    register(other_event, "oleh@hromada.example.org", "Олег Сидоренко")
    result = match(event, read_rows(ZOOM_CSV))
    assert set(result.matched) == {maria.pk, ivan.pk}
    assert result.matched[maria.pk].line == 5  # the first row of the two
    assert [(row.line, row.email) for row in result.unmatched] == [(7, ""), (8, "stranger@example.net")]
    assert result.rows_read == 5
    assert cancelled.pk not in result.matched
    teams = match(event, read_rows(TEAMS_TSV))
    assert set(teams.matched) == {maria.pk}
    assert [row.name for row in teams.unmatched] == ["Олег Сидоренко", "Anonymous guest"]


def test_marking_attended_keeps_an_earlier_check_in():
    event = webinar()
    early = register(event, "early@example.org")
    mark_attended([early])
    early.refresh_from_db()
    first = early.checked_in_at
    assert early.attended
    assert first is not None
    assert mark_attended([early]) == 0
    early.refresh_from_db()
    assert early.checked_in_at == first


def attendance_url(event):
    return reverse("admin:events_event_attendance", args=[event.pk])


def test_the_import_previews_then_marks_on_confirmation_and_lists_unmatched_rows(client, staff_user):
    event = webinar()
    maria = register(event, "maria.koval@example.org")
    absent = register(event, "absent@example.org", "Відсутня")
    verified_login(client, staff_user)
    upload = SimpleUploadedFile("participants.csv", ZOOM_CSV, content_type="text/csv")
    preview = client.post(attendance_url(event), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "stranger@example.net" in page
    assert "Марія Коваль" in page  # staff read personal data
    assert "Mark them as attended" in page
    maria.refresh_from_db()
    assert not maria.attended  # nothing before the confirmation
    payload = preview.context["confirm"].initial["payload"]
    done = client.post(attendance_url(event), {"payload": payload}, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 200
    assert "stranger@example.net" in done.content.decode()
    maria.refresh_from_db()
    absent.refresh_from_db()
    assert maria.attended
    assert maria.checked_in_at is not None
    assert not absent.attended


def test_a_teams_report_is_imported_through_the_page(client, staff_user):
    event = webinar()
    maria = register(event, "maria.koval@example.org")
    verified_login(client, staff_user)
    upload = SimpleUploadedFile("attendance.csv", TEAMS_TSV, content_type="text/csv")
    preview = client.post(attendance_url(event), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert "oleh@hromada.example.org" in preview.content.decode()
    client.post(attendance_url(event), {"payload": preview.context["confirm"].initial["payload"]})
    maria.refresh_from_db()
    assert maria.attended


def test_a_bad_file_is_refused_by_name_and_a_forged_preview_marks_nothing(client, staff_user):
    event = webinar()
    other = webinar()
    maria = register(event, "maria.koval@example.org")
    verified_login(client, staff_user)
    upload = SimpleUploadedFile("participants.csv", b"Name,Joined\nMaria,10:00\n", content_type="text/csv")
    refused = client.post(attendance_url(event), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert "No column of e-mail addresses found" in refused.content.decode()
    upload = SimpleUploadedFile("participants.csv", ZOOM_CSV, content_type="text/csv")
    preview = client.post(attendance_url(other), {"file": upload})
    forged = client.post(attendance_url(event), {"payload": preview.context["confirm"].initial["payload"]})
    assert forged.status_code == 200
    tampered = client.post(attendance_url(event), {"payload": "e30:1abc:xyz"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "The preview has expired" in tampered.content.decode()
    maria.refresh_from_db()
    assert not maria.attended


def test_utf16_without_a_byte_order_mark():
    content = "Name\tEmail\r\nМарія Коваль\tmaria@example.org\r\n".encode("utf-16-le")
    assert [(row.name, row.email) for row in read_rows(content)] == [("Марія Коваль", "maria@example.org")]
