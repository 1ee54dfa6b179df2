"""docker-compose.yml cannot run here (no Docker engine); this reads it and checks that every
service is there and that what it runs exists in the project."""

import importlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command(service):
    value = service["command"]
    return value if isinstance(value, list) else value.split()


def test_every_service_of_a_deployment_is_defined(compose):
    assert {"web", "worker", "beat", "db", "redis", "migrate"} <= set(compose["services"])


def test_web_serves_the_wsgi_application_with_gunicorn(compose):
    web = command(compose["services"]["web"])
    assert web[0] == "gunicorn"
    module, attribute = web[1].split(":")
    assert hasattr(importlib.import_module(module), attribute)


@pytest.mark.parametrize(("service", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_celery_services_use_the_projects_celery_app(compose, service, subcommand):
    args = command(compose["services"][service])
    assert args[:4] == ["celery", "-A", "config", subcommand]
    assert importlib.import_module("config").celery_app.main == "zlagoda"


def test_migrate_runs_a_real_management_command(compose):
    args = command(compose["services"]["migrate"])
    assert args[:3] == ["python", "manage.py", "migrate"]


def test_worker_can_be_scaled(compose):
    worker = compose["services"]["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker


def test_app_services_share_the_media_volume_and_point_at_db_and_redis(compose):
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        assert any(volume.startswith("media:") for volume in service["volumes"]), name
        environment = service["environment"]
        assert "@db:5432/" in environment["DATABASE_URL"]
        assert environment["REDIS_URL"].startswith("redis://redis:6379")
        assert environment["ZLAGODA_ENV"] == "production"
    assert "media" in compose["volumes"]


@pytest.mark.parametrize("name", ["web", "worker", "beat", "db", "redis"])
def test_long_running_services_have_health_checks(compose, name):
    assert compose["services"][name]["healthcheck"]["test"]


def test_beat_health_check_watches_beats_own_schedule_file(compose, tmp_path):
    beat = compose["services"]["beat"]
    schedule = beat["command"][beat["command"].index("--schedule") + 1]
    probe = beat["healthcheck"]["test"][-1]
    assert f"glob.glob('{schedule}*')" in probe
    local = probe.replace(schedule, str(tmp_path / "celerybeat-schedule"))

    def healthy() -> bool:
        return subprocess.run([sys.executable, "-c", local], timeout=30).returncode == 0

    assert not healthy()  # beat never started
    written = tmp_path / "celerybeat-schedule.dat"
    written.write_bytes(b"schedule")
    assert healthy()
    stale = time.time() - 20 * 60
    os.utime(written, (stale, stale))
    assert not healthy()  # beat stopped sending its tasks


@pytest.mark.django_db
def test_web_health_check_calls_an_existing_url(compose, client):
    probe = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    path = re.search(r"http://127\.0\.0\.1:8000(/[^'\"]*)", probe).group(1)
    assert client.get(path).status_code == 200


def test_image_build_installs_the_locked_dependencies():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements.lock" in dockerfile
    assert (ROOT / "requirements.lock").exists()
    assert "libpango" in dockerfile
