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
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "ZLAGODA_ENV", "DEBUG"}
    }
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
    "EMAIL_URL": "smtp://portal%40ngo.example:secret@smtp.example.org:587?tls=true",
    "FIELD_ENCRYPTION_KEYS": "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtb2Yta2V5LXg=",
    "FIELD_INDEX_KEY": "an-index-key-for-the-tests",
}


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "EMAIL_URL", "FIELD_ENCRYPTION_KEYS", "FIELD_INDEX_KEY"]
)
def test_production_refuses_to_start_without_its_secrets_and_its_broker(missing):
    env = {name: value for name, value in PRODUCTION.items() if name != missing}
    result = run(["-c", PROBE], **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_email_url_and_sender_reach_djangos_mail_settings():
    probe = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, "
        "settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD, settings.EMAIL_USE_SSL, settings.DEFAULT_FROM_EMAIL]))"
    )
    result = run(
        ["-c", probe],
        EMAIL_URL="smtps://portal%40ngo.example:p%40ss@smtp.example.org",
        EMAIL_FROM="NGO <portal@ngo.example>",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        465,
        "portal@ngo.example",
        "p@ss",
        True,
        "NGO <portal@ngo.example>",
    ]


def test_a_malformed_email_url_stops_the_start_without_showing_its_password():
    result = run(["-c", PROBE], EMAIL_URL="smpt://portal:hunter2secret@smtp.example.org")
    assert result.returncode != 0
    assert "EMAIL_URL must start with smtp://" in result.stderr
    assert "hunter2secret" not in result.stderr


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
