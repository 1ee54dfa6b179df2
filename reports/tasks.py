"""Celery tasks of the monitoring reports. Each takes ids, calls a service and is safe to run twice.

``build_report`` acknowledges its message only after it finished (``acks_late``) and is given back
to the broker if the worker process dies (``reject_on_worker_lost``); the ``watchdog`` (every few
minutes, from Celery beat) re-queues reports whose message or worker was lost anyway.
"""

import logging

from celery import shared_task
from django.conf import settings

from reports import services
from reports.models import MonitoringReport

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


def retry_delay(retries: int) -> int:
    """Exponential backoff for transient errors: 10 s, 20 s, 40 s ... at most 10 minutes."""
    return min(600, 10 * 2**retries)


@shared_task(
    bind=True,
    name="reports.build_report",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=settings.REPORTS_BUILD_SOFT_TIME_LIMIT,
    time_limit=settings.REPORTS_BUILD_TIME_LIMIT,
    # Nobody waits on the result (the report row says how the build went), so sending the task
    # does not touch the result store.
    ignore_result=True,
)
def build_report(self, report_id: int) -> str:
    """Build monitoring report ``report_id`` and return its final status."""
    try:
        report = services.report_build(report_id=report_id)
    except MonitoringReport.DoesNotExist:
        logger.warning("Report %s no longer exists; nothing to build", report_id)
        return "missing"
    except services.TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            services.report_give_up(report_id=report_id, error=error)
            return "failed"
        logger.warning("Report %s hit a temporary error (%s); retrying", report_id, error)
        if self.request.is_eager:
            # In-process (the embedded default): Celery runs the retry at once instead of raising.
            return self.retry(exc=error, countdown=retry_delay(self.request.retries), throw=False)
        raise self.retry(exc=error, countdown=retry_delay(self.request.retries)) from error
    return report.status


@shared_task(name="reports.watchdog")
def watchdog() -> list[int]:
    """Re-queue reports stuck queued or running past the time limit (from Celery beat)."""
    return services.reports_requeue_stuck()


@shared_task(name="reports.generate_scheduled_reports")
def generate_scheduled_reports() -> list[int]:
    """Request the reports of the half-year (and year) that just ended, for the whole programme and
    each partner organisation, those not requested yet (from Celery beat, daily)."""
    return [report.pk for report in services.reports_schedule_due()]
