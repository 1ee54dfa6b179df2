#!/usr/bin/env bash
# One backup of the portal (docs/backup.md): the database (pg_dump --format=custom), the media
# folder (the report PDFs under MEDIA_ROOT) and a manifest, in a new folder of BACKUP_DIR named
# after the UTC time; then backups older than BACKUP_KEEP_DAYS are deleted (the newest is always
# kept). Exits non-zero on any failure, leaving no half-written backup behind.
#
#   DATABASE_URL=postgres://user:password@host:5432/name MEDIA_ROOT=/data/media \
#   BACKUP_DIR=/backups BACKUP_KEEP_DAYS=14 deploy/backup.sh     # or --to /backups --keep-days 14
#   deploy/backup.sh --to /backups --daily-at 02:30   # the compose `backup` service: one now
#       (unless one succeeded in the last 24 hours), then one every day at 02:30 UTC
#
# NOT in the backup: FIELD_ENCRYPTION_KEYS and FIELD_INDEX_KEY. The dump holds the personal data
# encrypted with them, so keep the keys separately: without them a backup cannot be read.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BACKUP_DIR=${BACKUP_DIR:-$REPO/backups}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
MEDIA_ROOT=${MEDIA_ROOT:-$REPO/media}

fail() {
    echo "backup: $*" >&2
    exit 1
}

log() {
    echo "backup: $(date -u +%H:%M:%S) $*"
}

sleep_until() {
    local now next
    now=$(date -u +%s)
    next=$(date -u -d "today $1" +%s)
    ((next > now)) || next=$(date -u -d "tomorrow $1" +%s)
    sleep $((next - now))
}

daily() {
    local at=$1
    [[ $at =~ ^[0-2][0-9]:[0-5][0-9]$ ]] || fail "--daily-at takes HH:MM (UTC), not $at"
    mkdir -p "$BACKUP_DIR"
    # Started again (an upgrade, a reboot) after a recent backup: wait for the next one.
    if [[ -n $(find "$BACKUP_DIR/last-success" -mmin -1380 2>/dev/null) ]]; then
        sleep_until "$at"
    fi
    while true; do
        if bash "$0"; then
            sleep_until "$at"
        else
            log "FAILED; trying again in an hour"
            sleep 3600
        fi
    done
}

version() {
    if [[ -n ${ZLAGODA_VERSION:-} ]]; then
        echo "$ZLAGODA_VERSION"
    elif command -v git >/dev/null && git -C "$REPO" rev-parse HEAD 2>/dev/null; then
        :
    else
        echo unknown
    fi
}

manifest() {
    local work=$1 started=$2
    echo "created: $(date -u +%Y-%m-%dT%H:%M:%SZ) (started $started)"
    echo "portal version: $(version)"
    echo "database: $(psql --dbname="$DATABASE_URL" -XAtq -c "select current_database() || ' on PostgreSQL ' || current_setting('server_version')")"
    echo "pg_dump: $(pg_dump --version)"
    if [[ -f $work/media.tar.gz ]]; then
        echo "media: $MEDIA_ROOT, $(find "$MEDIA_ROOT" -type f | wc -l) files"
    else
        echo "media: NOT in this backup: it lives in object storage (MEDIA_STORAGE_URL); mirror the bucket with mc mirror (docs/backup.md)"
    fi
    echo "encryption keys: NOT in this backup (FIELD_ENCRYPTION_KEYS, FIELD_INDEX_KEY): keep them separately"
    echo "migrations (the latest applied, per app):"
    psql --dbname="$DATABASE_URL" -XAtq -F ' ' \
        -c "select '  ' || app, max(name) from django_migrations group by app order by app"
    echo "files (bytes, sha256):"
    local file
    for file in "$work"/database.dump "$work"/media.tar.gz; do
        if [[ -f $file ]]; then
            echo "  $(basename "$file") $(stat -c %s "$file") $(sha256sum "$file" | cut -d' ' -f1)"
        fi
    done
}

prune() {
    local cutoff newest name
    cutoff=$(date -u -d "-$KEEP_DAYS days" +%Y-%m-%dT%H%M%SZ)
    newest=$(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*Z' -printf '%f\n' | sort | tail -n 1)
    find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*Z' -printf '%f\n' | sort | while read -r name; do
        if [[ $name < $cutoff && $name != "$newest" ]]; then
            log "deleting $name (older than $KEEP_DAYS days)"
            rm -rf "${BACKUP_DIR:?}/$name"
        fi
    done
    # Leftovers of backups that failed half-way.
    find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '*.partial' -mmin +1440 -exec rm -rf {} +
}

backup() {
    local started stamp status=0
    [[ -n ${DATABASE_URL:-} ]] || fail "DATABASE_URL is not set"
    [[ $DATABASE_URL =~ ^postgres(ql)?:// ]] || fail "DATABASE_URL must be a PostgreSQL URL (postgres://...)"
    [[ $KEEP_DAYS =~ ^[0-9]+$ && $KEEP_DAYS -ge 1 ]] || fail "the days to keep must be a whole number >= 1, not $KEEP_DAYS"
    started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
    mkdir -p "$BACKUP_DIR"
    # One backup at a time (the schedule and one started by hand).
    exec 9>"$BACKUP_DIR/.lock"
    flock --nonblock 9 || fail "another backup into $BACKUP_DIR is running"
    [[ ! -e $BACKUP_DIR/$stamp ]] || fail "$BACKUP_DIR/$stamp exists already"
    work=$BACKUP_DIR/$stamp.partial
    mkdir "$work"
    trap 'rm -rf "$work"' EXIT

    # The database first: a report finished while the media is archived is then at worst a file
    # that no row of this dump points at, never a row without its file.
    log "dumping the database"
    pg_dump --format=custom --compress=6 --dbname="$DATABASE_URL" --file="$work/database.dump"

    if [[ -n ${MEDIA_STORAGE_URL:-} ]]; then
        log "media is in object storage (MEDIA_STORAGE_URL): mirror the bucket with mc mirror (docs/backup.md)"
    else
        [[ -d $MEDIA_ROOT ]] || fail "MEDIA_ROOT $MEDIA_ROOT is not a folder"
        log "archiving $MEDIA_ROOT"
        # GNU tar's status 1 is "a file changed while being read": a file being written now, which
        # no row of the dump (taken before) points at. Anything else fails the backup.
        tar -C "$MEDIA_ROOT" -czf "$work/media.tar.gz" . || status=$?
        ((status <= 1)) || fail "tar failed with status $status"
    fi

    manifest "$work" "$started" >"$work/manifest.txt"
    (cd "$work" && sha256sum -- database.dump $([[ -f media.tar.gz ]] && echo media.tar.gz) manifest.txt >SHA256SUMS)
    mv "$work" "$BACKUP_DIR/$stamp"
    trap - EXIT
    touch "$BACKUP_DIR/last-success"
    log "done: $BACKUP_DIR/$stamp ($(du -sh "$BACKUP_DIR/$stamp" | cut -f1))"
    prune
}

daily_at=""
while (($#)); do
    case $1 in
    --to) BACKUP_DIR=${2:?--to takes a folder} && shift 2 ;;
    --keep-days) KEEP_DAYS=${2:?--keep-days takes a number of days} && shift 2 ;;
    --daily-at) daily_at=${2:?--daily-at takes HH:MM (UTC)} && shift 2 ;;
    *) fail "unknown argument $1 (see the top of $0)" ;;
    esac
done
export BACKUP_DIR BACKUP_KEEP_DAYS=$KEEP_DAYS
if [[ -n $daily_at ]]; then
    daily "$daily_at"
else
    backup
fi
