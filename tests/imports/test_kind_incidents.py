"""Importing incidents (without their parties): the check, the rules of a report, the workflow."""

import csv
import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from imports.models import ImportJob, ImportStatus
from imports.services import import_confirm, import_upload
from incidents.models import ActionKind, Incident, IncidentStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

HEADER = ["community", "occurred_at", "category", "title", "severity", "status", "closed_at", "description"]


def check(rows: list[list[str]], actor) -> ImportJob:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    job = import_upload(
        kind="incidents", upload=SimpleUploadedFile("cases.csv", buffer.getvalue().encode()), actor=actor
    )
    job.refresh_from_db()  # checked in the request (a small file), by its own copy of the job
    return job


def incident_rows(community, severity: str = "2") -> list[list[str]]:
    return [
        HEADER,
        [community.name, "14.03.2025 18:30", "neighbour_dispute", "Суперечка через паркан", severity, "", "", "Сусіди"],
        [community.name, "2025-04-02", "Youth", "Бійка біля школи", "3", "resolved", "10.04.2025", ""],
    ]


def test_checking_incidents_writes_nothing_and_importing_reports_them(staff_user, community):
    job = check(incident_rows(community), staff_user)

    assert (job.status, job.to_create, job.rejected) == (ImportStatus.CHECKED, 2, 0)
    assert not Incident.objects.exists()

    import_confirm(job=job, actor=staff_user)

    dispute = Incident.objects.get(title="Суперечка через паркан")
    assert dispute.occurred_at == timezone.make_aware(datetime(2025, 3, 14, 18, 30))
    assert (dispute.category, dispute.severity, dispute.status) == ("neighbour_dispute", 2, IncidentStatus.REPORTED)
    assert (dispute.created_by, dispute.actions.get().kind) == (staff_user, ActionKind.REPORTED)


def test_an_imported_closed_case_moves_along_the_workflow_to_its_status(staff_user, community):
    import_confirm(job=check(incident_rows(community), staff_user), actor=staff_user)

    fight = Incident.objects.get(title="Бійка біля школи")

    assert (fight.category, fight.status) == ("youth", IncidentStatus.RESOLVED)
    assert timezone.localdate(fight.closed_at).isoformat() == "2025-04-10"
    assert list(fight.actions.order_by("pk").values_list("to_status", flat=True)) == [
        IncidentStatus.REPORTED,
        IncidentStatus.IN_PROGRESS,
        IncidentStatus.RESOLVED,
    ]


def test_a_title_with_a_phone_number_is_rejected_with_its_row_and_column(staff_user, community):
    rows = incident_rows(community)
    rows[2][3] = "Бійка, дзвонити +380 67 123 4567"

    job = check(rows, staff_user)

    assert (job.to_create, job.rejected) == (1, 1)
    rejected = next(row for row in job.rows if row["status"] == "rejected")
    assert rejected["row"] == 3
    assert [header for header, _message in rejected["errors"]] == ["title"]
    assert not Incident.objects.exists()


def test_a_status_the_workflow_cannot_reach_is_rejected_on_the_status_column(staff_user, community):
    import_confirm(job=check(incident_rows(community), staff_user), actor=staff_user)
    rows = incident_rows(community)
    rows[2][5] = "reported"

    job = check(rows, staff_user)

    rejected = next(row for row in job.rows if row["status"] == "rejected")
    assert (rejected["row"], [header for header, _message in rejected["errors"]]) == (3, ["status"])
    assert Incident.objects.get(title="Бійка біля школи").status == IncidentStatus.RESOLVED


def test_a_case_closed_before_it_happened_is_rejected_on_the_closing_column(staff_user, community):
    rows = incident_rows(community)
    rows[2][6] = "01.04.2025"

    job = check(rows, staff_user)

    rejected = next(row for row in job.rows if row["status"] == "rejected")
    assert (rejected["row"], [header for header, _message in rejected["errors"]]) == (3, ["closed_at"])


def test_reimporting_incidents_changes_nothing_and_a_new_severity_updates_the_case(staff_user, community):
    import_confirm(job=check(incident_rows(community), staff_user), actor=staff_user)

    assert check(incident_rows(community), staff_user).unchanged == 2

    job = import_confirm(job=check(incident_rows(community, severity="High"), staff_user), actor=staff_user)

    assert (job.status, job.to_update, job.unchanged) == (ImportStatus.IMPORTED, 1, 1)
    dispute = Incident.objects.get(title="Суперечка через паркан")
    assert dispute.severity == 3
    assert dispute.history.first().history_user == staff_user
