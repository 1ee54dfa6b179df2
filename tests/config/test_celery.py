from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from api.models import ApiRequest
from api.tasks import prune_api_requests
from config import celery_app
from tests.communities.factories import PartnerOrganisationFactory


def test_every_scheduled_task_exists():
    celery_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(celery_app.tasks)
    assert {"reports.watchdog", "reports.generate_scheduled_reports"} <= scheduled


@pytest.mark.django_db
def test_api_request_log_forgets_what_is_older_than_its_retention(settings):
    from api.keys import api_key_issue

    settings.API_REQUEST_LOG_DAYS = 30
    issued = api_key_issue(partner=PartnerOrganisationFactory(), user=None, actor=None, name="test")
    now = timezone.now()
    for age in (31, 29):
        ApiRequest.objects.create(
            api_key=issued.api_key,
            method="GET",
            path="/api/v1/",
            status_code=200,
            requested_at=now - timedelta(days=age),
        )
    assert prune_api_requests() == 1
    assert ApiRequest.objects.get().requested_at == now - timedelta(days=29)
