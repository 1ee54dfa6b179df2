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
    assert {"web", "worker", "beat", "db", "redis", "migrate", "minio", "bucket"} <= set(compose["services"])


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


def test_app_services_point_at_db_redis_and_the_object_storage_not_a_local_volume(compose):
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        assert not any(volume.startswith("media:") for volume in service.get("volumes", [])), name
        environment = service["environment"]
        assert "@db:5432/" in environment["DATABASE_URL"]
        assert environment["REDIS_URL"].startswith("redis://redis:6379")
        assert environment["ZLAGODA_ENV"] == "production"
        assert environment["MEDIA_STORAGE_URL"].startswith("s3://")
        assert service["depends_on"]["bucket"]["condition"] == "service_completed_successfully"
    assert "miniodata" in compose["volumes"]


@pytest.mark.parametrize("name", ["web", "worker", "beat", "db", "redis", "minio"])
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


# --- Secrets, the proxy and its trust -------------------------------------------------------

VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:[-?])(?P<arg>[^}]*))?\}")
DEPLOYMENT = {
    "SECRET_KEY": "k" * 50,
    "POSTGRES_PASSWORD": "p" * 24,
    "SITE_ADDRESS": "portal.example.org",
    "EMAIL_URL": "smtp://portal:secret@smtp.example.org:587?tls=true",
    "FIELD_ENCRYPTION_KEYS": "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtb2Yta2V5LXg=",
    "FIELD_INDEX_KEY": "an-index-key-for-the-tests",
    "MINIO_ROOT_USER": "zlagoda-media",
    "MINIO_ROOT_PASSWORD": "m" * 24,
}


class MissingVariable(Exception):
    pass


def interpolate(value, env: dict[str, str]):
    """docker compose's interpolation of ``${VAR}``, ``${VAR:-default}`` and ``${VAR:?error}``
    (Docker does not run here, so this reads the file as compose would)."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        name, op, arg = match.group("name", "op", "arg")
        if env.get(name):
            return env[name]
        if op == ":?":
            raise MissingVariable(f"{name}: {arg}")
        return arg if op == ":-" else ""

    return VARIABLE.sub(replace, value.replace("$$", "\0")).replace("\0", "$")


@pytest.fixture(scope="module")
def deployed(compose):
    return interpolate(compose, DEPLOYMENT)


@pytest.mark.parametrize("missing", sorted(DEPLOYMENT))
def test_compose_refuses_to_start_without_its_secrets(compose, missing):
    env = {name: value for name, value in DEPLOYMENT.items() if name != missing}
    with pytest.raises(MissingVariable, match=missing):
        interpolate(compose, env)


def test_no_default_password_or_key_anywhere():
    text = (ROOT / "docker-compose.yml").read_text()
    for match in VARIABLE.finditer(text):
        if re.search("PASSWORD|SECRET|KEY", match["name"]):
            assert match["op"] == ":?", match.group(0)
    assert "zlagoda:zlagoda@" not in text


def test_the_database_password_is_the_one_given(deployed):
    assert deployed["services"]["db"]["environment"]["POSTGRES_PASSWORD"] == DEPLOYMENT["POSTGRES_PASSWORD"]
    url = deployed["services"]["web"]["environment"]["DATABASE_URL"]
    assert url == f"postgres://zlagoda:{DEPLOYMENT['POSTGRES_PASSWORD']}@db:5432/zlagoda"


def test_only_the_proxy_is_reachable_from_outside(deployed):
    published = {name for name, service in deployed["services"].items() if service.get("ports")}
    assert published == {"proxy"}
    ports = deployed["services"]["proxy"]["ports"]
    assert "443:443" in ports
    assert "80:80" in ports


def test_web_trusts_forwarded_headers_from_the_proxys_address_only(deployed):
    import ipaddress

    proxy_address = deployed["services"]["proxy"]["networks"]["default"]["ipv4_address"]
    subnet = deployed["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy_address) in ipaddress.ip_network(subnet)
    for name in ("web", "worker", "beat"):
        assert deployed["services"][name]["environment"]["TRUSTED_PROXIES"] == proxy_address


def test_the_proxy_runs_the_repositorys_caddyfile_for_the_site_address(deployed):
    proxy = deployed["services"]["proxy"]
    assert proxy["image"].startswith("caddy:")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert proxy["environment"]["SITE_ADDRESS"] == DEPLOYMENT["SITE_ADDRESS"]
    assert deployed["services"]["web"]["environment"]["ALLOWED_HOSTS"] == DEPLOYMENT["SITE_ADDRESS"]
    assert any(volume.startswith("caddy_data:") for volume in proxy["volumes"])  # the certificates


@pytest.fixture(scope="module")
def caddyfile() -> str:
    return (ROOT / "deploy" / "Caddyfile").read_text()


def test_the_caddyfile_serves_the_site_address_with_automatic_https(caddyfile):
    assert re.search(r"^\{\$SITE_ADDRESS\} \{", caddyfile, re.MULTILINE)
    assert "reverse_proxy web:8000" in caddyfile
    assert "auto_https off" not in caddyfile


def test_the_proxy_refuses_bodies_over_the_portals_own_limit(caddyfile, deployed, settings):
    match = re.search(r"max_size \{\$REQUEST_MAX_BODY_BYTES:(\d+)\}", caddyfile)
    assert match
    assert int(match.group(1)) == settings.REQUEST_MAX_BODY_BYTES
    proxy_limit = deployed["services"]["proxy"]["environment"]["REQUEST_MAX_BODY_BYTES"]
    assert proxy_limit == deployed["services"]["web"]["environment"]["REQUEST_MAX_BODY_BYTES"]
    assert int(proxy_limit) == settings.REQUEST_MAX_BODY_BYTES


@pytest.mark.parametrize(
    "header",
    [
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Permissions-Policy",
        "Content-Security-Policy",
    ],
)
def test_the_proxy_sets_the_security_header_set(caddyfile, header):
    assert re.search(rf"^\s*(header )?\??{header} ", caddyfile, re.MULTILINE), header


def test_the_proxys_permissions_policy_is_the_portals(caddyfile):
    from api.headers import permissions_policy

    assert f'?Permissions-Policy "{permissions_policy()}"' in caddyfile


def test_the_proxy_serves_the_static_files_collected_from_the_same_image(deployed, caddyfile):
    static = deployed["services"]["static"]
    assert command(static)[:3] == ["python", "manage.py", "collectstatic"]
    assert static["environment"]["STATIC_ROOT"] == "/data/static"
    assert "static:/data/static" in static["volumes"]
    assert "static:/srv/static:ro" in deployed["services"]["proxy"]["volumes"]
    assert "handle /static/*" in caddyfile
    assert "root * /srv" in caddyfile
    assert "/data/static" in (ROOT / "Dockerfile").read_text()  # created for the unprivileged user


# --- Backups (docs/backup.md) ----------------------------------------------------------------


def test_the_backup_service_runs_the_repositorys_script_daily_into_the_backups_volume(deployed):
    backup = deployed["services"]["backup"]
    args = command(backup)
    assert args[0] == "deploy/backup.sh"
    assert (ROOT / args[0]).stat().st_mode & 0o111  # executable
    assert args[args.index("--to") + 1] == "/backups"
    assert re.fullmatch(r"[0-2]\d:[0-5]\d", args[args.index("--daily-at") + 1])
    assert int(args[args.index("--keep-days") + 1]) >= 1
    # The database only: the media are in the MinIO bucket, mirrored with `mc mirror` (docs/backup.md).
    assert backup["volumes"] == ["backups:/backups"]
    assert "MEDIA_STORAGE_URL" in backup["environment"]
    assert "backups" in deployed["volumes"]
    # The same database and media as the portal, with the portal's settings (restore.sh runs
    # manage.py), and the image that has the PostgreSQL client.
    assert backup["environment"] == deployed["services"]["web"]["environment"]
    assert backup["image"] == deployed["services"]["web"]["image"]


def test_the_backup_service_waits_for_the_database_only(deployed):
    # A restore (docker compose run --rm backup deploy/restore.sh) needs the database empty:
    # starting `migrate` first would fill it.
    assert set(deployed["services"]["backup"]["depends_on"]) == {"db"}


def test_the_backup_settings_have_defaults_and_can_be_changed(compose):
    env = DEPLOYMENT | {"BACKUP_KEEP_DAYS": "30", "BACKUP_AT": "04:15"}
    args = command(interpolate(compose, env)["services"]["backup"])
    assert args[args.index("--keep-days") + 1] == "30"
    assert args[args.index("--daily-at") + 1] == "04:15"


def test_the_backup_health_check_watches_the_last_successful_backup(deployed, tmp_path):
    probe = deployed["services"]["backup"]["healthcheck"]["test"]
    assert probe[0] == "CMD-SHELL"
    local = probe[1].replace("/backups/", f"{tmp_path}/")

    def healthy() -> bool:
        return subprocess.run(["sh", "-c", local], timeout=30).returncode == 0

    assert not healthy()  # no backup yet
    marker = tmp_path / "last-success"
    marker.touch()
    assert healthy()
    stale = time.time() - 26 * 3600
    os.utime(marker, (stale, stale))
    assert not healthy()


def test_the_image_has_the_postgresql_client_of_the_database_services_major_version(deployed):
    dockerfile = (ROOT / "Dockerfile").read_text()
    major = deployed["services"]["db"]["image"].split(":")[1].split(".")[0]
    assert f"postgresql-client-{major}" in dockerfile
    # bookworm's own client is 15; another major needs PostgreSQL's apt repository.
    assert major == "15"
    assert "bookworm" in dockerfile.splitlines()[0]
    assert "/backups" in dockerfile  # created for the unprivileged user


# --- The object storage (MinIO) ---------------------------------------------------------------


def test_app_services_reach_the_minio_bucket_with_its_own_credentials(deployed):
    from config.settings import parse_media_storage_url

    minio = deployed["services"]["minio"]
    assert minio["image"].startswith("minio/minio")
    assert minio["environment"]["MINIO_ROOT_PASSWORD"] == DEPLOYMENT["MINIO_ROOT_PASSWORD"]
    assert "miniodata:/data" in minio["volumes"]
    assert "ports" not in minio  # only the portal's services reach it
    bucket = deployed["services"]["bucket"]["environment"]["MINIO_BUCKET"]
    for name in ("web", "worker", "beat", "migrate"):
        options = parse_media_storage_url(deployed["services"][name]["environment"]["MEDIA_STORAGE_URL"])
        assert options["bucket_name"] == bucket
        assert options["endpoint_url"] == "http://minio:9000"
        assert options["access_key"] == DEPLOYMENT["MINIO_ROOT_USER"]
        assert options["secret_key"] == DEPLOYMENT["MINIO_ROOT_PASSWORD"]
        assert options["default_acl"] is None


def test_the_bucket_is_created_once_minio_is_healthy_and_stays_private(deployed):
    bucket = deployed["services"]["bucket"]
    assert bucket["image"].startswith("minio/mc")
    assert bucket["restart"] == "no"
    assert bucket["depends_on"]["minio"]["condition"] == "service_healthy"
    script = bucket["entrypoint"][-1]
    assert "mc alias set media http://minio:9000" in script
    assert 'mc mb --ignore-existing "media/$MINIO_BUCKET"' in script  # compose's $$ is a literal $
    assert 'mc anonymous set none "media/$MINIO_BUCKET"' in script
    assert "public" not in script
    assert "download" not in script
