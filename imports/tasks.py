"""Celery task of the spreadsheet imports: the check or the import of a large file."""

from celery import shared_task

from imports import services


@shared_task(name="imports.run_import", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_import(job_id: int, commit: bool) -> str:
    """Check (``commit`` false) or import job ``job_id``; returns its status. Safe to run twice:
    a job already past that step is left as it is."""
    return services.import_run(job_id=job_id, commit=commit).status


@shared_task(name="imports.forget_old_files", ignore_result=True)
def forget_old_files() -> int:
    """Delete the spreadsheets checked but not imported within ``IMPORT_KEEP_HOURS``."""
    return services.import_forget_old_files()
