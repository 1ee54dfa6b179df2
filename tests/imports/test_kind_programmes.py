"""Importing a programme's indicator targets and reported values (issue 19): checked without
writing, found again by indicator, period and share, refused by row and column where the results
framework's rules say no."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from imports.services import import_confirm, import_upload
from programmes.models import ReportedValue, Target
from tests.communities.factories import PartnerOrganisationFactory
from tests.programmes.factories import ProgrammeFactory, logframe_in

pytestmark = pytest.mark.django_db


def upload(kind, rows, actor):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    with translation.override("en"):
        job = import_upload(
            kind=kind, upload=SimpleUploadedFile(f"{kind}.csv", buffer.getvalue().encode()), actor=actor
        )
    job.refresh_from_db()  # the check ran on its own copy of the job
    return job


def confirm(job, actor):
    with translation.override("en"):
        return import_confirm(job=job, actor=actor)


@pytest.fixture
def programme(db):
    programme = ProgrammeFactory(code="ISN-2025")
    logframe_in(programme)
    return programme


HEADER = ["programme", "indicator", "period", "value", "region", "partner"]


def test_check_writes_nothing_and_import_creates_targets_by_code_or_name(programme, staff_user, media_root):
    partner = PartnerOrganisationFactory(name="ГО «Відродження»")
    rows = [
        HEADER,
        ["isn-2025", "I1", "2026", "12", "", ""],
        ["ISN-2025", "Handbooks printed", "2026 h1", "5,5", "", ""],
        ["ISN-2025", "I1", "2026", "3", "", "ГО «Відродження»"],
    ]
    before = Target.objects.count()

    job = upload("targets", rows, staff_user)

    assert (job.to_create, job.to_update, job.unchanged, job.rejected) == (3, 0, 0, 0), (job.problem, job.rows)
    assert Target.objects.count() == before
    job = confirm(job, staff_user)
    assert Target.objects.count() == before + 3
    assert Target.objects.get(indicator__code="I2", period="2026-H1").value == Decimal("5.50")
    assert Target.objects.get(indicator__code="I1", period="2026", partner=partner).value == Decimal(3)


def test_period_outside_the_programme_is_rejected_by_row_and_column(programme, staff_user, media_root):
    rows = [HEADER, ["ISN-2025", "I1", "2026", "12", "", ""], ["ISN-2025", "I1", "2031", "12", "", ""]]
    before = Target.objects.count()

    job = upload("targets", rows, staff_user)

    assert job.rejected == 1
    (rejected,) = [row for row in job.rows if row["status"] == "rejected"]
    assert rejected["row"] == 3
    ((header, message),) = rejected["errors"]
    assert header == "period"
    assert "outside the programme's dates" in message
    assert not job.can_confirm
    assert Target.objects.count() == before


def test_unknown_indicator_is_rejected_in_its_column(programme, staff_user, media_root):
    job = upload("targets", [HEADER, ["ISN-2025", "I9", "2026", "1", "", ""]], staff_user)

    (rejected,) = job.rows
    assert rejected["errors"][0][0] == "indicator"


def test_reimport_is_unchanged_and_a_new_value_updates_the_target(programme, staff_user, media_root):
    rows = [HEADER, ["ISN-2025", "I1", "2025", "10", "", ""], ["ISN-2025", "I2", "2025-H2", "6", "", ""]]

    job = upload("targets", rows, staff_user)
    assert (job.to_create, job.to_update, job.unchanged) == (0, 0, 2)

    rows[1][3] = "15"
    job = confirm(upload("targets", rows, staff_user), staff_user)
    assert (job.to_create, job.to_update, job.unchanged) == (0, 1, 1)
    assert Target.objects.get(indicator__code="I1", period="2025", region=None, partner=None).value == Decimal(15)


def test_reported_values_need_their_evidence_and_are_entered_by_the_importer(programme, staff_user, media_root):
    header = ["programme", "indicator", "period", "value", "note", "evidence_link"]
    rows = [header, ["ISN-2025", "I2", "2025-H2", "7", "Тираж", "https://example.org/report"]]

    job = confirm(upload("reported-values", rows, staff_user), staff_user)
    assert job.to_create == 1
    value = ReportedValue.objects.get(indicator__code="I2", period="2025-H2")
    assert value.entered_by == staff_user

    job = upload("reported-values", [header, ["ISN-2025", "I2", "2026-H1", "2", "", ""]], staff_user)
    (rejected,) = job.rows
    assert rejected["errors"][0][0] == "evidence_link"
