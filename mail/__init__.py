"""The portal's e-mail: configured by EMAIL_URL, sent by Celery with retries, templates in four languages."""
