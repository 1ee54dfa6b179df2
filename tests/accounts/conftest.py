import pytest

from tests.mail.smtp_support import eager_tasks, smtp_server  # noqa: F401


@pytest.fixture(autouse=True)
def _empty_cache():
    """The reset mails' hourly count lives in the cache, which outlives a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
