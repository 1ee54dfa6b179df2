"""The backup and restore scripts (deploy/backup.sh, deploy/restore.sh; docs/backup.md) for real:
a populated PostgreSQL database with a finished report is backed up, restored into a new
database, and the restored portal verifies every report's file against its stored checksum.

PostgreSQL only (pg_dump's custom format is PostgreSQL's); CI runs the suite once on PostgreSQL.
The scripts need committed rows, so these tests are transactional and dump the test database.
"""

import os
import shutil
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from incidents.models import IncidentParty
from reports import services
from reports.models import ReportStatus
from tests.communities.factories import CommunityFactory, PartnershipFactory
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import OutreachEventFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="backups are pg_dump's custom format: set DATABASE_URL to a PostgreSQL database (CI does)",
    ),
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql")),
        reason="needs the PostgreSQL client tools (pg_dump, pg_restore, psql)",
    ),
    pytest.mark.django_db(transaction=True),
]


def database_url(name: str) -> str:
    """A URL for database ``name`` on the server the tests use, with the tests' credentials."""
    settings = connection.settings_dict
    credentials = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{settings['PORT'] or 5432}/{name}"


def run(args: list[str], *, database: str, media: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DATABASE_URL": database_url(database), "MEDIA_ROOT": str(media), "PYTHON": sys.executable}
    return subprocess.run(args, cwd=ROOT, env=env | extra, capture_output=True, text=True, timeout=300)


def manage(*args: str, database: str, media: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "manage.py", *args], database=database, media=media)


def row_counts(name: str) -> dict[str, int]:
    with psycopg.connect(database_url(name), autocommit=True) as db:
        tables = [row[0] for row in db.execute("select tablename from pg_tables where schemaname = 'public'")]
        return {table: db.execute(f'select count(*) from "{table}"').fetchone()[0] for table in tables}  # type: ignore[index]


@pytest.fixture
def new_database():
    """An empty database of a unique name, dropped afterwards."""
    name = f"zlagoda_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url("postgres"), autocommit=True) as db:
        db.execute(f'create database "{name}"')
    yield name
    with psycopg.connect(database_url("postgres"), autocommit=True) as db:
        db.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def programme(media_root):
    """Committed rows: a community with its partnership, an event, an incident with a party (personal
    data, encrypted at rest) and a real finished report whose PDF is in MEDIA_ROOT."""
    community = CommunityFactory()
    PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
    OutreachEventFactory(community=community, date=date(2025, 3, 14), participants_total=12,
                         participants_women=7, participants_men=5)  # fmt: skip
    incident = IncidentFactory(community=community)
    IncidentParty.objects.create(incident=incident, role="complainant", full_name="Олена Коваль", phone="+380501234567")
    report = services.report_request(actor=None, kind="annual", year=2025, today=date(2026, 3, 1), enqueue=False)
    report = services.report_build(report_id=report.pk)
    assert report.status == ReportStatus.DONE
    return report


def backup(tmp_path: Path, media: Path, *args: str) -> Path:
    result = run(
        ["deploy/backup.sh", "--to", str(tmp_path / "backups"), *args],
        database=connection.settings_dict["NAME"],
        media=media,
    )
    assert result.returncode == 0, result.stderr
    (folder,) = [path for path in (tmp_path / "backups").iterdir() if path.is_dir()]
    return folder


def test_a_backup_restores_into_a_new_database_with_every_report_verified(
    programme, media_root, tmp_path, new_database
):
    source = connection.settings_dict["NAME"]
    folder = backup(tmp_path, media_root)
    assert sorted(path.name for path in folder.iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "manifest.txt",
        "media.tar.gz",
    ]
    manifest = (folder / "manifest.txt").read_text()
    assert "reports 0" in manifest  # the latest migration of each app
    assert "NOT in this backup (FIELD_ENCRYPTION_KEYS, FIELD_INDEX_KEY)" in manifest
    assert f"database.dump {(folder / 'database.dump').stat().st_size} " in manifest

    restored_media = tmp_path / "restored-media"
    result = run(["deploy/restore.sh", str(folder)], database=new_database, media=restored_media)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Finished reports: 1; files verified: 1; missing or damaged: 0" in result.stdout
    assert '"status": "ok"' in result.stdout  # /healthz/ on the restored database and media

    assert row_counts(new_database) == row_counts(source)
    assert (restored_media / programme.file.name).read_bytes() == (media_root / programme.file.name).read_bytes()

    # The personal data is there, encrypted: readable with the portal's keys only.
    read_party = [
        "shell",
        "--no-imports",
        "-c",
        "from incidents.models import IncidentParty; print(IncidentParty.objects.get().full_name)",
    ]
    assert manage(*read_party, database=new_database, media=restored_media).stdout.strip() == "Олена Коваль"
    other_keys = run([sys.executable, "manage.py", *read_party], database=new_database, media=restored_media,
                     FIELD_ENCRYPTION_KEYS="b3RoZXIta2V5LW9mLXRoZS1yaWdodC1sZW5ndGgtMzI=")  # fmt: skip
    assert "Олена Коваль" not in other_keys.stdout
    assert "DecryptionError" in other_keys.stderr, other_keys.stdout + other_keys.stderr

    # A damaged file in the restored media fails the drill's verification.
    (restored_media / programme.file.name).write_bytes(b"%PDF-1.7 something else\n%%EOF\n")
    verify = manage("verify_reports", database=new_database, media=restored_media)
    assert verify.returncode != 0
    assert f"report {programme.pk} " in verify.stderr
    assert "missing or damaged: 1" in verify.stdout


def test_restore_refuses_a_database_that_is_not_empty(programme, media_root, tmp_path):
    folder = backup(tmp_path, media_root)
    source = connection.settings_dict["NAME"]
    result = run(["deploy/restore.sh", str(folder)], database=source, media=tmp_path / "elsewhere")
    assert result.returncode != 0
    assert "not empty" in result.stderr
    assert not (tmp_path / "elsewhere").exists()


def test_restore_refuses_a_backup_whose_checksums_differ(programme, media_root, tmp_path, new_database):
    folder = backup(tmp_path, media_root)
    with (folder / "media.tar.gz").open("ab") as archive:
        archive.write(b"\0")
    result = run(["deploy/restore.sh", str(folder)], database=new_database, media=tmp_path / "restored")
    assert result.returncode != 0
    assert "damaged" in result.stderr
    assert row_counts(new_database) == {}


def test_a_failed_backup_exits_non_zero_and_leaves_nothing_behind(media_root, tmp_path):
    media_root.mkdir(parents=True, exist_ok=True)
    result = run(
        ["deploy/backup.sh", "--to", str(tmp_path / "backups")], database="no_such_database_here", media=media_root
    )
    assert result.returncode != 0
    assert [path.name for path in (tmp_path / "backups").iterdir()] == [".lock"]


def test_backups_older_than_the_days_kept_are_deleted(programme, media_root, tmp_path):
    backups = tmp_path / "backups"
    for old in ("2020-01-01T000000Z", "2020-01-02T000000Z"):
        (backups / old).mkdir(parents=True)
    result = run(
        ["deploy/backup.sh", "--to", str(backups), "--keep-days", "3"],
        database=connection.settings_dict["NAME"],
        media=media_root,
    )
    assert result.returncode == 0, result.stderr
    kept = sorted(path.name for path in backups.iterdir() if path.is_dir())
    assert len(kept) == 1
    assert kept[0] > "2026"
    assert (backups / "last-success").exists()


def test_a_second_backup_into_the_same_folder_waits_for_none_and_fails(media_root, tmp_path):
    import fcntl

    media_root.mkdir(parents=True, exist_ok=True)
    backups = tmp_path / "backups"
    backups.mkdir()
    with (backups / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a backup running
        result = run(
            ["deploy/backup.sh", "--to", str(backups)], database=connection.settings_dict["NAME"], media=media_root
        )
    assert result.returncode != 0
    assert "another backup" in result.stderr
    assert [path.name for path in backups.iterdir()] == [".lock"]
