"""Housekeeping of the idempotency keys of retried submissions (scheduled daily by Celery beat)."""

from celery import shared_task

from negotiators.idempotency import prune_idempotency_keys as prune


@shared_task(name="negotiators.prune_idempotency_keys")
def prune_idempotency_keys() -> int:
    return prune()
