import pytest

from config.celery import app as celery_app


@pytest.fixture
def eager_tasks(monkeypatch):
    """Run Celery tasks in-process whatever the broker (the embedded default does this anyway)."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", True)
