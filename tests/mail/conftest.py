from tests.mail.smtp_support import celery_worker, eager_tasks, smtp_server  # noqa: F401
