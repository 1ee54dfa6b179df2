"""Settings come from the environment: nothing set means the embedded default; production mode
is strict and passes Django's deployment checks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'broker': settings.CELERY_BROKER_URL, "
    "'cache': settings.CACHES['default']['BACKEND'], 'debug': settings.DEBUG, "
    "'language': settings.LANGUAGE_CODE}))"
)


def run(args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "ZLAGODA_ENV", "DEBUG"}}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=120
    )


def settings_with(**env):
    result = run(["-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_default_needs_nothing_set():
    assert settings_with() == {
        "engine": "django.db.backends.sqlite3",
        "eager": True,
        "broker": "memory://",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "debug": True,
        "language": "uk",
    }


def test_database_and_redis_urls_switch_to_the_real_servers():
    found = settings_with(DATABASE_URL="postgres://u:p@db.example:5432/zlagoda", REDIS_URL="redis://cache:6379/1")
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["eager"] is False
    assert found["broker"] == "redis://cache:6379/1"
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"


PRODUCTION = {
    "ZLAGODA_ENV": "production",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "portal.example.org",
    "REDIS_URL": "redis://cache:6379/0",
    "FIELD_ENCRYPTION_KEYS": "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtb2Yta2V5LXg=",
    "FIELD_INDEX_KEY": "an-index-key-for-the-tests",
}


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "FIELD_ENCRYPTION_KEYS", "FIELD_INDEX_KEY"]
)
def test_production_refuses_to_start_without_its_secrets_and_its_broker(missing):
    env = {name: value for name, value in PRODUCTION.items() if name != missing}
    result = run(["-c", PROBE], **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_runs_tasks_in_process_only_when_told_to():
    env = {name: value for name, value in PRODUCTION.items() if name != "REDIS_URL"}
    assert settings_with(**env, CELERY_TASK_ALWAYS_EAGER="true")["eager"] is True
    assert run(["-c", PROBE], **env, CELERY_TASK_ALWAYS_EAGER="false").returncode != 0


def test_production_mode_passes_the_deployment_checks_without_warnings():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION | {"SECRET_KEY": "a-long-random-production-secret-" + "q8Zr3vX1mN5bT7yW" * 3},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
