"""Importing negotiators (with their encrypted contacts), training sessions and attendance, the
certification following from the attendance imported."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportJob, ImportStatus
from imports.services import import_confirm, import_upload
from negotiators.models import Negotiator, NegotiatorContact, NegotiatorStatus
from tests.negotiators.factories import NegotiatorFactory
from tests.training.factories import TrainingModuleFactory, TrainingSessionFactory
from training.models import Attendance, ModuleLevel, TrainingSession

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

NEGOTIATOR_HEADER = ["community", "full_name", "phone", "email", "cohort", "joined_on", "active"]


def check(kind: str, rows: list[list[str]], actor) -> ImportJob:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    job = import_upload(kind=kind, upload=SimpleUploadedFile(f"{kind}.csv", buffer.getvalue().encode()), actor=actor)
    job.refresh_from_db()  # checked in the request (a small file), by its own copy of the job
    return job


def imported(kind: str, rows: list[list[str]], actor) -> ImportJob:
    job = import_confirm(job=check(kind, rows, actor), actor=actor)
    assert job.status == ImportStatus.IMPORTED, job.rows
    return job


def negotiator_rows(community, phone: str = "+380 67 111 2233") -> list[list[str]]:
    return [
        NEGOTIATOR_HEADER,
        [community.name, "Олена Ковальчук", phone, "olena@example.org", "new", "01.02.2024", "так"],
        [community.name, "Петро Бойко", "", "", "pilot", "2023-05-10", ""],
    ]


def test_checking_negotiators_writes_nothing_and_importing_creates_them_with_contacts(staff_user, community):
    job = check("negotiators", negotiator_rows(community), staff_user)

    assert (job.status, job.to_create, job.rejected) == (ImportStatus.CHECKED, 2, 0)
    assert not Negotiator.objects.exists()
    assert not NegotiatorContact.objects.exists()

    import_confirm(job=job, actor=staff_user)

    contacts = {contact.full_name: contact for contact in NegotiatorContact.objects.all()}
    assert set(contacts) == {"Олена Ковальчук", "Петро Бойко"}
    assert (contacts["Олена Ковальчук"].phone, contacts["Олена Ковальчук"].email) == (
        "+380 67 111 2233",
        "olena@example.org",
    )
    negotiator = contacts["Олена Ковальчук"].negotiator
    assert (negotiator.community, negotiator.cohort, negotiator.joined_on) == (community, "new", date(2024, 2, 1))
    assert negotiator.status == NegotiatorStatus.CANDIDATE
    assert negotiator.history.first().history_user == staff_user


def test_a_negotiator_row_breaking_a_rule_is_reported_with_its_row_and_column(staff_user, community):
    rows = negotiator_rows(community)
    rows[2][3] = "not an address"

    job = check("negotiators", rows, staff_user)

    assert (job.to_create, job.rejected) == (1, 1)
    rejected = next(row for row in job.rows if row["status"] == "rejected")
    assert rejected["row"] == 3
    assert [header for header, _message in rejected["errors"]] == ["email"]
    assert not Negotiator.objects.exists()


def test_reimporting_negotiators_changes_nothing_and_a_new_phone_updates_the_contact(staff_user, community):
    imported("negotiators", negotiator_rows(community), staff_user)

    again = check("negotiators", negotiator_rows(community), staff_user)
    assert (again.unchanged, again.to_create, again.to_update) == (2, 0, 0)

    changed = imported("negotiators", negotiator_rows(community, phone="+380 50 999 8877"), staff_user)

    assert (changed.to_update, changed.unchanged) == (1, 1)
    assert Negotiator.objects.count() == 2
    phones = {contact.full_name: contact.phone for contact in NegotiatorContact.objects.all()}
    assert phones["Олена Ковальчук"] == "+380 50 999 8877"


def test_training_sessions_are_found_by_module_title_in_any_language_and_reimport_unchanged(staff_user, community):
    TrainingModuleFactory(code="B1", title="Основи медіації", title_en="Mediation basics")
    rows = [
        ["module", "starts_on", "ends_on", "place", "host_community", "trainers"],
        ["mediation basics", "03.03.2025", "05.03.2025", "Хмельницький", community.name, "І. Мельник"],
    ]

    job = check("training-sessions", rows, staff_user)
    assert (job.to_create, TrainingSession.objects.count()) == (1, 0)
    import_confirm(job=job, actor=staff_user)

    session = TrainingSession.objects.get()
    assert (session.module.code, session.ends_on, session.host_community) == ("B1", date(2025, 3, 5), community)
    assert check("training-sessions", rows, staff_user).unchanged == 1


def test_attendance_completing_every_basic_module_certifies_the_negotiator(staff_user, community):
    negotiator = NegotiatorFactory(community=community, contact__full_name="Олена Ковальчук")
    for code, starts_on in (("B1", date(2025, 3, 3)), ("B2", date(2025, 4, 7))):
        TrainingSessionFactory(module=TrainingModuleFactory(code=code, level=ModuleLevel.BASIC), starts_on=starts_on)
    rows = [
        ["module", "starts_on", "community", "full_name", "present", "completed"],
        ["B1", "03.03.2025", community.name, "олена ковальчук", "так", "так"],
        ["B2", "07.04.2025", community.name, "Олена  Ковальчук", "так", "так"],
    ]

    job = check("attendance", rows, staff_user)
    assert (job.to_create, Attendance.objects.count()) == (2, 0)
    negotiator.refresh_from_db()
    assert negotiator.status == NegotiatorStatus.CANDIDATE

    import_confirm(job=job, actor=staff_user)

    negotiator.refresh_from_db()
    assert (negotiator.status, negotiator.certified_on) == (NegotiatorStatus.CERTIFIED, date(2025, 4, 9))
    assert check("attendance", rows, staff_user).unchanged == 2


def test_attendance_no_longer_completed_withdraws_the_certification_it_earned(staff_user, community):
    negotiator = NegotiatorFactory(community=community, contact__full_name="Петро Бойко")
    TrainingSessionFactory(module=TrainingModuleFactory(code="B1"), starts_on=date(2025, 3, 3))
    rows = [
        ["module", "starts_on", "community", "full_name", "completed"],
        ["B1", "3.3.2025", community.name, "Петро Бойко", "1"],
    ]
    imported("attendance", rows, staff_user)
    negotiator.refresh_from_db()
    assert negotiator.status == NegotiatorStatus.CERTIFIED

    rows[1][4] = "0"
    assert imported("attendance", rows, staff_user).to_update == 1

    negotiator.refresh_from_db()
    assert (negotiator.status, negotiator.certified_on) == (NegotiatorStatus.CANDIDATE, None)


def test_attendance_completed_while_absent_is_rejected_on_its_column(staff_user, community):
    NegotiatorFactory(community=community, contact__full_name="Петро Бойко")
    TrainingSessionFactory(module=TrainingModuleFactory(code="B1"), starts_on=date(2025, 3, 3))
    rows = [
        ["module", "starts_on", "community", "full_name", "present", "completed"],
        ["B1", "03.03.2025", community.name, "Петро Бойко", "ні", "так"],
        ["B1", "03.03.2025", community.name, "Іван Невідомий", "так", "ні"],
    ]

    job = check("attendance", rows, staff_user)

    assert job.rejected == 2
    errors = {row["row"]: [header for header, _message in row["errors"]] for row in job.rows}
    assert errors == {2: ["completed"], 3: ["full_name"]}
    assert not Attendance.objects.exists()
