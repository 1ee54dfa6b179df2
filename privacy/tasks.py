"""Celery tasks of personal data: the daily retention run (``CELERY_BEAT_SCHEDULE``)."""

import logging

from celery import shared_task

from privacy.retention import enforce_retention as enforce

logger = logging.getLogger(__name__)


@shared_task(name="privacy.enforce_retention", ignore_result=True)
def enforce_retention() -> dict[str, int]:
    """Run every retention rule; safe to run twice (what is done is not due again)."""
    counts = enforce()
    logger.info("retention enforced: %s", counts)
    return counts
