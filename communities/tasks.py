"""Housekeeping of the API's request log (scheduled daily by Celery beat)."""

from celery import shared_task

from communities.services import api_requests_prune


@shared_task(name="communities.prune_api_requests")
def prune_api_requests() -> int:
    return api_requests_prune()
