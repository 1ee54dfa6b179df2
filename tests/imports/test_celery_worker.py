"""A large file through a real Celery worker and the real Redis broker: the check and the import
run in the background while the page shows their progress, and end as in the request."""

import time

import pytest
from django.urls import reverse

from imports.models import ImportJob, ImportStatus
from negotiators.models import OutreachEvent
from tests.accounts.support import verified_login
from tests.communities.factories import CommunityFactory
from tests.imports.test_services import xlsx
from tests.reports.test_celery_worker import REASON, worker  # noqa: F401  (the fixture)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(REASON is not None, reason=REASON or ""),
    pytest.mark.django_db(transaction=True),
]

ROWS = 120


def wait_for(job: ImportJob, *statuses: str, timeout: float = 120) -> ImportJob:
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        if time.monotonic() > deadline:
            pytest.fail(f"import {job.pk} still {job.status} after {timeout} s")
        time.sleep(0.3)


def test_a_large_file_is_checked_and_imported_by_the_worker(worker, client, staff_user, settings):  # noqa: F811
    settings.IMPORT_BACKGROUND_ROWS = 100
    community = CommunityFactory()
    rows = [
        [community.name, f"{day % 28 + 1:02d}.03.2023", "Training", f"Session {day}", "Youth", 10, 5, 5]
        for day in range(ROWS)
    ]
    verified_login(client, staff_user)
    response = client.post(reverse("admin:imports_importjob_add"), {"kind": "events", "file": xlsx(rows)})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    job = wait_for(job, ImportStatus.CHECKED, ImportStatus.REFUSED)
    assert (job.to_create, job.rejected) == (ROWS, 0)
    assert OutreachEvent.objects.count() == 0

    client.post(reverse("admin:imports_importjob_confirm", args=[job.pk]))
    job = wait_for(job, ImportStatus.IMPORTED, ImportStatus.FAILED)
    assert job.status == ImportStatus.IMPORTED
    assert OutreachEvent.objects.count() == ROWS
