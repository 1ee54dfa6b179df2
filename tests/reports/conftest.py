import pytest

from config.celery import app as celery_app


@pytest.fixture
def eager_tasks(monkeypatch):
    """Run Celery tasks in-process whatever the broker (the embedded default does this anyway)."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", True)


@pytest.fixture
def media_root(settings, tmp_path):
    """Report files go to a temporary folder (the storage follows the setting's change signal)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
