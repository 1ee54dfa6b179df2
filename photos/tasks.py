"""Celery task of the photos: the hourly sweep of files no photo names (``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task

from photos import services


@shared_task(name="photos.forget_stray_files", ignore_result=True)
def forget_stray_files() -> int:
    """Delete the photo files no photo names (``photos.services.photos_forget_stray_files``)."""
    return services.photos_forget_stray_files()
