from tests.mail.smtp_support import eager_tasks, smtp_server  # noqa: F401
