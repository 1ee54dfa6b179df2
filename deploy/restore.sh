#!/usr/bin/env bash
# Restore one backup made by deploy/backup.sh (docs/backup.md): check its checksums, restore the
# database into DATABASE_URL (which must be EMPTY: create it first), unpack the media into
# MEDIA_ROOT, run `manage.py migrate` (a no-op when the code is the backup's own version), then
# `manage.py verify_reports` (every finished report's file against its stored checksum) and a
# request to /healthz/ (database, cache, broker, storage). Exits non-zero on any failure.
#
#   DATABASE_URL=postgres://user:password@host:5432/new_name MEDIA_ROOT=/data/media \
#   deploy/restore.sh /backups/2026-12-03T023000Z
#
# Run it with the same FIELD_ENCRYPTION_KEYS and FIELD_INDEX_KEY as the portal that made the
# backup (they are not in it): with other keys the personal data restored cannot be read.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
MEDIA_ROOT=${MEDIA_ROOT:-$REPO/media}
PYTHON=${PYTHON:-$(command -v python || command -v python3)}

fail() {
    echo "restore: $*" >&2
    exit 1
}

log() {
    echo "restore: $(date -u +%H:%M:%S) $*"
}

source=${1:?usage: deploy/restore.sh BACKUP_FOLDER (a folder deploy/backup.sh wrote)}
[[ -f $source/database.dump && -f $source/SHA256SUMS ]] || fail "$source is not a complete backup (no database.dump or SHA256SUMS)"
[[ -n ${DATABASE_URL:-} ]] || fail "DATABASE_URL is not set"
[[ $DATABASE_URL =~ ^postgres(ql)?:// ]] || fail "DATABASE_URL must be a PostgreSQL URL (postgres://...)"
started=$(date +%s)

log "checking the backup's checksums"
(cd "$source" && sha256sum --check --strict --quiet SHA256SUMS) || fail "the backup is damaged: a checksum differs"
sed -n '1,3p' "$source/manifest.txt"

tables=$(psql --dbname="$DATABASE_URL" -XAtq -c \
    "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'")
[[ $tables == 0 ]] || fail "the database of DATABASE_URL is not empty ($tables relations in public): restore into a new one (createdb)"

log "restoring the database"
pg_restore --no-owner --no-acl --exit-on-error --dbname="$DATABASE_URL" "$source/database.dump"

if [[ -f $source/media.tar.gz ]]; then
    log "unpacking the media into $MEDIA_ROOT"
    mkdir -p "$MEDIA_ROOT"
    tar -C "$MEDIA_ROOT" -xzf "$source/media.tar.gz"
else
    log "no media in this backup: restore the object storage bucket with mc mirror first (docs/backup.md)"
fi

cd "$REPO"
log "migrating (nothing to do when the code is the backup's version)"
"$PYTHON" manage.py migrate --noinput
log "verifying every finished report's file"
"$PYTHON" manage.py verify_reports
log "asking /healthz/ (in this process, as the first allowed host)"
"$PYTHON" - <<'PYTHON'
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

host = next((host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"), "localhost")
response = Client().get("/healthz/", HTTP_HOST=host, secure=True)
print(response.status_code, response.content.decode())
sys.exit(0 if response.status_code == 200 else 1)
PYTHON
log "restored and verified in $(($(date +%s) - started)) s"
