"""Housekeeping of the API machinery, scheduled daily by Celery beat.

The task names are those the tasks had before they moved here (``config.settings``'s beat
schedule and any message already queued use them).
"""

from celery import shared_task

from api.idempotency import prune_idempotency_keys as prune_keys
from api.keys import api_requests_prune


@shared_task(name="communities.prune_api_requests")  # type: ignore[untyped-decorator]  # celery has no stubs
def prune_api_requests() -> int:
    return api_requests_prune()


@shared_task(name="negotiators.prune_idempotency_keys")  # type: ignore[untyped-decorator]  # celery has no stubs
def prune_idempotency_keys() -> int:
    return prune_keys()
