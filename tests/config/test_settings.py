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
        if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "ZLAGODA_ENV", "DEBUG", "MEDIA_STORAGE_URL"}
        and not k.startswith("AWS_")
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


# --- MEDIA_STORAGE_URL and the AWS_* alternative ----------------------------------------------


def test_media_storage_url_gives_s3storage_its_bucket_keys_and_endpoint():
    from config.settings import parse_media_storage_url

    options = parse_media_storage_url(
        "s3://AKIA%2Btest:se%2Fcr%40et@zlagoda-media?endpoint_url=http://minio:9000&region=eu-central-1&location=/prod/"
    )
    config = options.pop("client_config")
    assert options == {
        "bucket_name": "zlagoda-media",
        "access_key": "AKIA+test",
        "secret_key": "se/cr@et",
        "endpoint_url": "http://minio:9000",
        "region_name": "eu-central-1",
        "location": "prod",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    }
    assert config.s3 == {"addressing_style": "path"}  # MinIO's
    assert config.signature_version == "s3v4"
    assert config.connect_timeout == 5


def test_media_storage_url_without_keys_leaves_them_to_boto3():
    from config.settings import parse_media_storage_url

    options = parse_media_storage_url("s3://zlagoda-media?region=eu-central-1&addressing_style=virtual&verify=false")
    assert "access_key" not in options
    assert "secret_key" not in options
    assert "endpoint_url" not in options
    assert options["client_config"].s3 == {"addressing_style": "virtual"}
    assert options["verify"] is False


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://KEY:hunter2secret@bucket", "must start with s3://"),
        ("s3://KEY:hunter2secret@?region=x", "must name the bucket"),
        ("s3://KEY:hunter2secret@bucket/folder", "must name the bucket"),
        ("s3://KEY:hunter2secret@bucket:9000", "takes no port"),
        ("s3://KEY:hunter2secret@bucket:x", "takes no port"),
        ("s3://KEY@bucket", "both the access key and the secret"),
        ("s3://:hunter2secret@bucket", "both the access key and the secret"),
        ("s3://KEY:hunter2secret@bucket?endpoint=http://minio:9000", "unknown option 'endpoint'"),
        ("s3://KEY:hunter2secret@bucket?region=a&region=b", "given twice"),
        ("s3://KEY:hunter2secret@bucket?endpoint_url=minio:9000", "http:// or https:// URL"),
        ("s3://KEY:hunter2secret@bucket?endpoint_url=http://minio:port", "must be a number"),
        ("s3://KEY:hunter2secret@bucket?addressing_style=dns", "addressing_style must be"),
        ("s3://KEY:hunter2secret@bucket?verify=maybe", "verify must be true or false"),
    ],
)
def test_a_malformed_media_storage_url_is_refused_without_its_secret(url, message):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings import parse_media_storage_url

    with pytest.raises(ImproperlyConfigured) as refused:
        parse_media_storage_url(url)
    assert message in str(refused.value)
    assert "hunter2secret" not in str(refused.value)


STORAGE_PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "from django.core.files.storage import default_storage as s; "
    "print(json.dumps([type(s._wrapped).__name__ if s._setup() is None else '', s.bucket_name, s.endpoint_url, "
    "s.access_key, s.secret_key, s.default_acl, s.querystring_auth]))"
)


def test_the_default_storage_is_the_media_folder_without_a_bucket():
    result = run(["-c", "import django; django.setup(); from django.conf import settings; "
                        "print(settings.STORAGES['default']['BACKEND'])"])  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.files.storage.FileSystemStorage"


def test_media_storage_url_switches_the_default_storage_to_the_bucket():
    result = run(
        ["-c", STORAGE_PROBE], MEDIA_STORAGE_URL="s3://minio-user:p%40ss@zlagoda-media?endpoint_url=http://minio:9000"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "S3Storage",
        "zlagoda-media",
        "http://minio:9000",
        "minio-user",
        "p@ss",
        None,
        True,
    ]


def test_aws_settings_switch_the_default_storage_to_the_bucket_too():
    result = run(
        ["-c", STORAGE_PROBE],
        AWS_STORAGE_BUCKET_NAME="zlagoda-media",
        AWS_ACCESS_KEY_ID="aws-user",
        AWS_SECRET_ACCESS_KEY="aws-secret",
        AWS_S3_ENDPOINT_URL="https://s3.eu-central-1.amazonaws.com",
        AWS_S3_REGION_NAME="eu-central-1",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "S3Storage", "zlagoda-media", "https://s3.eu-central-1.amazonaws.com", "aws-user", "aws-secret", None, True
    ]  # fmt: skip


def test_a_bucket_given_twice_stops_the_start_and_a_bad_url_hides_its_secret():
    both = run(["-c", PROBE], MEDIA_STORAGE_URL="s3://k:s@bucket", AWS_STORAGE_BUCKET_NAME="other")
    assert both.returncode != 0
    assert "not both" in both.stderr
    bad = run(["-c", PROBE], MEDIA_STORAGE_URL="s3://k:hunter2secret@bucket?endpint_url=http://minio:9000")
    assert bad.returncode != 0
    assert "unknown option 'endpint_url'" in bad.stderr
    assert "hunter2secret" not in bad.stderr
