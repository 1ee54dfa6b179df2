"""Celery tasks of the webhooks (:mod:`sync.webhooks`). Each takes ids and is safe to run twice.

Retries are not Celery retries: a failed page records when its next attempt is due, and
``deliver_due_webhooks`` (from Celery beat every 30 s, and after each commit that wrote changes)
queues the webhooks that are due. So nothing waits in the broker for an hour, and in eager mode
(the embedded default) a failure never loops in-process.
"""

import logging

from celery import shared_task
from django.conf import settings

from sync import webhooks
from sync.models import Webhook

logger = logging.getLogger(__name__)


@shared_task(name="sync.deliver_webhook", acks_late=True, ignore_result=True)
def deliver_webhook(webhook_id: int) -> str:
    """Deliver what webhook ``webhook_id`` has not received yet, in order."""
    return webhooks.webhook_deliver(webhook_id=webhook_id)


@shared_task(name="sync.deliver_due_webhooks", ignore_result=True)
def deliver_due_webhooks() -> list[int]:
    """Queue the webhooks with something to deliver whose next attempt is due."""
    due = webhooks.webhooks_due()
    for webhook_id in due:
        deliver_webhook.delay(webhook_id)
    return due


@shared_task(name="sync.prune_webhook_deliveries", ignore_result=True)
def prune_webhook_deliveries() -> int:
    """Forget old deliveries (from Celery beat, daily)."""
    return webhooks.webhook_deliveries_prune()


def changes_committed() -> None:
    """After a transaction that wrote change rows (``api.changes.after_commit``): queue the
    webhooks that are due, if any webhook is active. Not in eager mode, where it would deliver
    inside the request that wrote the change; there "Deliver now" in the admin sends them."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not Webhook.objects.filter(is_active=True).exists():
        return
    deliver_due_webhooks.delay()
