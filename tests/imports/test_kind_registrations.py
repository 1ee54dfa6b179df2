"""Importing registrations for a past webinar (issue 19): the public form's rules without its mail,
the registrant's consent required, found again by event and address, never a name in the import's
preview, and erased like any registrant."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from events.consent import ensure_consent_text
from events.models import Registration, RegistrationStatus, email_token
from events.privacy import REGISTRANT
from imports.services import import_confirm, import_upload
from negotiators.models import EventKind, EventStatus
from privacy.anonymous import is_anonymised
from privacy.erasure import person_anonymise
from tests.communities.factories import CommunityFactory
from tests.events.registration_support import planned_webinar
from tests.mail.smtp_support import eager_tasks, smtp_server  # noqa: F401
from tests.negotiators.factories import OutreachEventFactory

pytestmark = pytest.mark.django_db

HEADER = ["event", "event_date", "event_title", "full_name", "email", "organisation", "role", "community", "consent"]


def upload(rows, actor):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    with translation.override("en"):
        job = import_upload(
            kind="webinar-registrations",
            upload=SimpleUploadedFile("registrants.csv", buffer.getvalue().encode()),
            actor=actor,
        )
    job.refresh_from_db()  # the check ran on its own copy of the job
    return job


def confirm(job, actor):
    with translation.override("en"):
        return import_confirm(job=job, actor=actor)


@pytest.fixture
def webinar(db):
    ensure_consent_text()
    CommunityFactory(name="Славутицька громада")
    return OutreachEventFactory(
        kind=EventKind.WEBINAR,
        status=EventStatus.HELD,
        title="Соціальна інтеграція ВПО",
        date=timezone.localdate() - timedelta(days=30),
        slug="integration-webinar",
    )


def rows_for(webinar):
    return [
        HEADER,
        ["https://zlagoda.example.org/e/integration-webinar/", "", "", "Марія Шевченко", "maria@example.org",
         "Славутицька міська рада", "Local-government official", "славутицька громада", "так"],
        ["", webinar.date.strftime("%d.%m.%Y"), "соціальна інтеграція впо", "Іван Петренко", "Ivan@Example.org",
         "", "ngo", "", "yes"],
    ]  # fmt: skip


def test_import_creates_registrations_with_consent_and_sends_no_mail(
    webinar,
    staff_user,
    media_root,
    smtp_server,  # noqa: F811  (the fixture imported above)
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(rows_for(webinar), staff_user)
        assert (job.to_create, job.rejected) == (2, 0), job.rows
        assert Registration.objects.count() == 0
        confirm(job, staff_user)

    maria, ivan = Registration.objects.order_by("pk")
    assert (maria.full_name, maria.event, maria.community.name) == ("Марія Шевченко", webinar, "Славутицька громада")
    assert maria.consent.version == 1
    assert maria.consented_at is not None
    assert (ivan.email, ivan.status) == ("Ivan@Example.org", RegistrationStatus.REGISTERED)
    assert smtp_server.received == []
    assert not (media_root / "mail").exists()


def test_a_row_without_consent_is_refused_in_the_consent_column(webinar, staff_user, media_root):
    rows = rows_for(webinar)
    rows[2][-1] = "ні"

    job = confirm(upload(rows, staff_user), staff_user)

    (rejected,) = [row for row in job.rows if row["status"] == "rejected"]
    assert rejected["row"] == 3
    ((header, message),) = rejected["errors"]
    assert header == "consent"
    assert "consent" in message
    assert Registration.objects.count() == 0


def test_registrants_of_an_upcoming_event_are_refused_they_register_on_its_page(staff_user, media_root):
    ensure_consent_text()
    planned_webinar(slug="next-webinar")
    rows = [HEADER, ["next-webinar", "", "", "Марія Шевченко", "maria@example.org", "", "ngo", "", "yes"]]

    job = upload(rows, staff_user)

    (rejected,) = job.rows
    assert rejected["errors"][0][0] == "event"
    assert "has not begun" in rejected["errors"][0][1]


def test_beyond_the_capacity_registrants_join_the_waiting_list(webinar, staff_user, media_root):
    webinar.capacity = 1
    webinar.save()

    confirm(upload(rows_for(webinar), staff_user), staff_user)

    assert [r.status for r in Registration.objects.order_by("pk")] == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITING,
    ]


def test_reimport_is_unchanged_and_the_same_address_in_other_case_updates(webinar, staff_user, media_root):
    rows = rows_for(webinar)
    confirm(upload(rows, staff_user), staff_user)

    job = upload(rows, staff_user)
    assert (job.to_create, job.to_update, job.unchanged) == (0, 0, 2)

    rows[1][4], rows[1][5] = "MARIA@example.org", "Славутицька громада"
    job = confirm(upload(rows, staff_user), staff_user)
    assert (job.to_create, job.to_update, job.unchanged) == (0, 1, 1)
    assert Registration.objects.get(email_token=email_token("maria@example.org")).organisation == "Славутицька громада"


def test_the_preview_names_no_one_and_imported_registrants_are_erased_like_others(webinar, staff_user, media_root):
    job = confirm(upload(rows_for(webinar), staff_user), staff_user)
    preview = json.dumps(job.rows, ensure_ascii=False)
    assert job.rows
    assert "Марія" not in preview
    assert "maria@example.org" not in preview

    maria = Registration.objects.get(email_token=email_token("maria@example.org"))
    person_anonymise(kind=REGISTRANT, pk=maria.pk, actor=staff_user, reason="asked")
    maria.refresh_from_db()

    assert is_anonymised(maria.full_name)
    assert maria.email == ""
    # An erased registrant's emptied address does not stand in the way of the next import.
    rows = [HEADER, ["integration-webinar", "", "", "Олег Бондар", "oleg@example.org", "", "ngo", "", "yes"]]
    job = confirm(upload(rows, staff_user), staff_user)
    assert (job.to_create, job.rejected) == (1, 0), job.rows
