"""Importing a spreadsheet: upload, check every row (a dry run), confirm (the import).

Both runs go row by row through the record type's services inside one transaction, each row in a
savepoint, so that a row breaking a rule (a breakdown above the total, a date in the future) is
reported with the service's own message and the rows after it still checked. The check is rolled
back at the end; the import is too as soon as one row is rejected, so an import is all or nothing.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from imports.cells import CellError, is_blank, normalise_header
from imports.models import ImportJob, ImportStatus
from imports.readers import FileRefused, Sheet, read_sheets
from imports.specs import (
    CREATE,
    REJECTED,
    UNCHANGED,
    UPDATE,
    Column,
    Lookups,
    RecordType,
    RowRejected,
    Saved,
    record_type,
)
from privacy.visibility import showing_personal_data

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 200


class ImportRefused(Exception):
    """The file as a whole cannot be imported as this record type; str() is the reason."""


@dataclass
class RowResult:
    row: int
    status: str
    what: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "status": self.status, "what": self.what, "errors": [list(e) for e in self.errors]}


@dataclass
class Mapped:
    """A sheet whose headers were matched to the record type's columns."""

    sheet: Sheet
    columns: dict[int, Column]  # position in the row -> column

    def header_of(self, name: str) -> str:
        for position, column in self.columns.items():
            if column.name == name:
                return self.sheet.header[position]
        return ""


def progress_key(job_id: int) -> str:
    return f"imports:progress:{job_id}"


def job_progress(job_id: int) -> int:
    """Rows done so far by the running check or import (0 when the cache cannot say)."""
    try:
        return int(cache.get(progress_key(job_id)) or 0)
    except Exception:  # a cache that is down must not break the page that asks
        return 0


def _report_progress(job_id: int, done: int) -> None:
    with suppress(Exception):  # progress is a courtesy; a cache outage must not stop the import
        cache.set(progress_key(job_id), done, 3600)


def _columns_by_header(kind: RecordType) -> dict[str, Column]:
    by_header: dict[str, Column] = {}
    for column in kind.columns:
        for header in column.headers():
            by_header.setdefault(header, column)
    return by_header


def _sheet_of(kind: RecordType, sheets: list[Sheet], by_header: dict[str, Column]) -> Sheet:
    def matches(sheet: Sheet) -> int:
        return sum(1 for header in sheet.header if normalise_header(header) in by_header)

    sheet = max(sheets, key=matches)
    if matches(sheet) == 0:
        raise ImportRefused(
            _("No column of this file is a column of %(kind)s: download the template to see the headers.")
            % {"kind": kind.label}
        )
    return sheet


def map_columns(kind: RecordType, sheets: list[Sheet]) -> Mapped:
    """The sheet that holds ``kind``'s rows (the one whose headers match most of its columns) and
    which column each of its headers is. Raises :class:`ImportRefused` for unknown or repeated
    headers and missing required columns, naming them."""
    by_header = _columns_by_header(kind)
    sheet = _sheet_of(kind, sheets, by_header)
    columns: dict[int, Column] = {}
    unknown: list[str] = []
    for position, header in enumerate(sheet.header):
        if is_blank(header):
            continue
        column = by_header.get(normalise_header(header))
        if column is None:
            unknown.append(f"{_column_letter(position)} “{header}”")
        elif column in columns.values():
            raise ImportRefused(
                _("Column %(letter)s “%(header)s” repeats an earlier column: keep one.")
                % {"letter": _column_letter(position), "header": header}
            )
        else:
            columns[position] = column
    if unknown:
        raise ImportRefused(
            _("Unknown columns: %(columns)s. Rename them as in the template or remove them.")
            % {"columns": ", ".join(unknown)}
        )
    missing = [str(c.label) for c in kind.columns if c.required and c not in columns.values()]
    if missing:
        raise ImportRefused(_("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)})
    if not sheet.rows:
        raise ImportRefused(_("The sheet “%(sheet)s” has headers but no rows.") % {"sheet": sheet.name or "CSV"})
    return Mapped(sheet, columns)


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _parse_row(mapped: Mapped, cells: list[Any]) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for position, column in mapped.columns.items():
        raw = cells[position] if position < len(cells) else None
        if is_blank(raw):
            if column.required:
                errors[column.name] = _("This column is required: fill it in.")
            else:
                values[column.name] = column.default
            continue
        try:
            values[column.name] = column.parse(raw)
        except CellError as error:
            errors[column.name] = str(error)
    return values, errors


def _validation_messages(error: ValidationError, kind: RecordType) -> dict[str, str]:
    names = {column.name for column in kind.columns}
    messages: dict[str, str] = {}
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            key = name if name in names else ""
            text = " ".join(errors)
            if key == "" and name not in (NON_FIELD_ERRORS, "__all__"):
                text = f"{name}: {text}"
            messages[key] = f"{messages[key]} {text}".strip() if key in messages else text
    else:
        messages[""] = " ".join(error.messages)
    return messages


@dataclass
class RowRun:
    """What the rows of one run share: the records they refer to and the keys seen so far."""

    kind: RecordType
    actor: User
    lookups: Lookups = field(default_factory=Lookups)
    seen: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def save(self, number: int, values: dict[str, Any]) -> Saved:
        """Save one parsed row in a savepoint; raises what the services raise."""
        values = self.kind.resolve(values, self.lookups)
        key = self.kind.natural_key(values)
        if key in self.seen:
            raise RowRejected(
                {"": _("Repeats row %(row)d: the same record twice in one file.") % {"row": self.seen[key]}}
            )
        self.seen[key] = number
        with transaction.atomic():
            return self.kind.save(values, actor=self.actor)


def _row_errors(run: RowRun, number: int, values: dict[str, Any]) -> tuple[Saved | None, dict[str, str]]:
    try:
        return run.save(number, values), {}
    except RowRejected as rejected:
        return None, rejected.errors
    except ValidationError as error:
        return None, _validation_messages(error, run.kind)
    except PermissionDenied as error:
        return None, {"": str(error) or _("You may not write this record.")}
    except DatabaseError:
        # A rule only the database knows (a constraint the services do not check first): the
        # row's savepoint is rolled back and the rows after it still run.
        logger.warning("imports: row %s refused by the database", number, exc_info=True)
        return None, {"": _("The database refused this row (it conflicts with a record already there).")}


def _run_rows(
    kind: RecordType, mapped: Mapped, actor: User, progress: Callable[[int], None]
) -> tuple[list[RowResult], list[tuple[RowResult, Any]]]:
    run = RowRun(kind, actor)
    results: list[RowResult] = []
    saved: list[tuple[RowResult, Any]] = []
    for done, (number, cells) in enumerate(mapped.sheet.rows, start=1):
        values, errors = _parse_row(mapped, cells)
        result = RowResult(number, REJECTED, kind.describe(values))
        if not errors:
            outcome, errors = _row_errors(run, number, values)
            if outcome is not None:
                result.status = outcome.status
                if outcome.status != UNCHANGED:
                    saved.append((result, outcome.instance))
        if errors:
            result.errors = [
                (mapped.header_of(name) if name else "", message) for name, message in sorted(errors.items())
            ]
        results.append(result)
        if done % PROGRESS_EVERY == 0:
            progress(done)
    progress(len(mapped.sheet.rows))
    return results, saved


def _record_history(job: ImportJob, saved: list[tuple[RowResult, Any]], actor: User) -> None:
    """The rows' change history says which file they came from: the admin's log for every record,
    and the reason of the record's own history where it keeps one."""
    entries = []
    # The admin's log keeps each record's str() forever: as a number for records naming people,
    # as the admin itself writes it (privacy.admin.AdminLogWithoutPersonalDataMixin).
    with showing_personal_data(False):
        names = {id(instance): str(instance)[:200] for _result, instance in saved}
    for result, instance in saved:
        message = _("Imported from %(file)s (row %(row)d)") % {"file": job.filename, "row": result.row}
        entries.append(
            LogEntry(
                user=actor,
                content_type=ContentType.objects.get_for_model(type(instance)),
                object_id=str(instance.pk),
                object_repr=names[id(instance)],
                action_flag=ADDITION if result.status == CREATE else CHANGE,
                change_message=message,
            )
        )
        if hasattr(type(instance), "history"):
            with suppress(Exception):  # no historical row (nothing saved this time): nothing to name
                update_change_reason(instance, message)
    LogEntry.objects.bulk_create(entries, batch_size=1000)


def _store_results(job: ImportJob, results: list[RowResult]) -> None:
    counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, REJECTED: 0}
    kept: list[dict[str, Any]] = []
    shown: dict[str, int] = {}
    for result in results:
        counts[result.status] += 1
        shown[result.status] = shown.get(result.status, 0) + 1
        if result.status == REJECTED or shown[result.status] <= settings.IMPORT_PREVIEW_ROWS:
            kept.append(result.as_json())
    job.total_rows = len(results)
    job.to_create, job.to_update = counts[CREATE], counts[UPDATE]
    job.unchanged, job.rejected = counts[UNCHANGED], counts[REJECTED]
    job.rows = kept


def _read(job: ImportJob) -> list[Sheet]:
    with job.file.open("rb") as handle:
        return read_sheets(handle, job.filename)


def import_run(*, job_id: int, commit: bool) -> ImportJob:
    """Check (``commit`` false) or import the rows of job ``job_id``; stores the outcome on the
    job. Safe to run twice, even at once: the job's row is locked for the run, and a job no longer
    in the state the run expects is left as it is."""
    expected = ImportStatus.IMPORTING if commit else ImportStatus.CHECKING
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != expected:
        return job
    started = time.monotonic()
    with translation.override(job.language):
        try:
            with transaction.atomic():
                job = ImportJob.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=job_id)
                if job.status != expected:
                    return job
                results = _run_job(job, commit=commit)
                imported = commit and not any(result.status == REJECTED for result in results)
                if imported:
                    _finish(job, results, started, ImportStatus.IMPORTED)
                else:
                    transaction.set_rollback(True)
        except (FileRefused, ImportRefused) as error:
            job.status = ImportStatus.REFUSED
            job.problem = str(error)
            _drop_file(job)
            job.save()
            return job
        except Exception:
            logger.exception("imports: job %s stopped by an error", job_id)
            job.status = ImportStatus.FAILED
            job.problem = _("An error in the portal stopped this file's rows; nothing was written. It was logged.")
            job.save()
            return job
        if not imported:
            _finish(job, results, started, ImportStatus.FAILED if commit else ImportStatus.CHECKED)
    return job


def _run_job(job: ImportJob, *, commit: bool) -> list[RowResult]:
    kind = record_type(job.kind)
    actor = job.created_by
    if actor is None or not actor.is_active:
        raise ImportRefused(_("The person who uploaded this file can no longer import."))
    mapped = map_columns(kind, _read(job))
    job.sheet = mapped.sheet.name
    results, saved = _run_rows(kind, mapped, actor, lambda done: _report_progress(job.pk, done))
    if commit and not any(result.status == REJECTED for result in results):
        _record_history(job, saved, actor)
    return results


def _finish(job: ImportJob, results: list[RowResult], started: float, status: str) -> None:
    _store_results(job, results)
    job.seconds = round(time.monotonic() - started, 3)
    job.status = status
    if status == ImportStatus.CHECKED:
        job.checked_at = timezone.now()
    elif status == ImportStatus.FAILED:
        job.problem = _("Rows were rejected this time (the records changed since the check): nothing was imported.")
    else:
        job.imported_at = timezone.now()
        _drop_file(job)
    job.save()


def _drop_file(job: ImportJob) -> None:
    """Forget ``job``'s file (saved with the job); the bytes go once the transaction commits."""
    # The spreadsheet may hold personal data (a negotiator's phone): once its rows are in the
    # portal, where erasure reaches them, the copy goes.
    if job.file:
        name, storage = job.file.name or "", job.file.storage
        job.file = None
        transaction.on_commit(lambda: storage.delete(name))


def import_forget_old_files(now: datetime | None = None) -> int:
    """Delete the files of jobs uploaded more than ``IMPORT_KEEP_HOURS`` ago that are not being
    checked or imported; their checks stay readable, their confirmation is no longer offered."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IMPORT_KEEP_HOURS)
    old = ImportJob.objects.filter(created_at__lt=cutoff).exclude(file="")
    old = old.exclude(status__in=[ImportStatus.CHECKING, ImportStatus.IMPORTING])
    forgotten = 0
    for job in old:
        with transaction.atomic():
            _drop_file(job)
            job.save(update_fields=["file"])
        forgotten += 1
    return forgotten


def _run_or_send(job: ImportJob, *, commit: bool) -> None:
    """Small files run now, in the request; large ones go to Celery (the page shows the progress).
    A broker that is down runs the job now rather than leaving it waiting."""
    if job.total_rows < settings.IMPORT_BACKGROUND_ROWS:
        import_run(job_id=job.pk, commit=commit)
        return
    from imports.tasks import run_import

    def send() -> None:
        try:
            run_import.delay(job.pk, commit)
        except Exception:
            logger.exception("imports: could not queue job %s; running it now", job.pk)
            import_run(job_id=job.pk, commit=commit)

    transaction.on_commit(send)


def import_upload(*, kind: str, upload: UploadedFile[bytes], actor: User) -> ImportJob:
    """Store ``upload`` as an import of record type ``kind`` and check it (in the background when
    it is large). Raises :class:`FileRefused` for a file too large or not a spreadsheet, before
    anything is stored."""
    sheets = read_sheets(upload, upload.name or "")
    upload.seek(0)
    content = upload.read()
    job = ImportJob(
        kind=record_type(kind).key,
        filename=(upload.name or "upload")[-200:],
        size=len(content),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        created_by=actor,
        total_rows=max((len(sheet.rows) for sheet in sheets), default=0),
    )
    job.file.save(f"{hashlib.sha256(content).hexdigest()[:16]}-{job.filename}", ContentFile(content), save=False)
    job.save()
    _run_or_send(job, commit=False)
    job.refresh_from_db()
    return job


def import_confirm(*, job: ImportJob, actor: User) -> ImportJob:
    """Import the rows of a checked job, all or nothing. A second click is a no-op."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.created_by_id != actor.pk and not actor.is_superuser:
            raise PermissionDenied(_("Only the person who uploaded the file can confirm its import."))
        if not locked.can_confirm:
            return locked
        locked.status = ImportStatus.IMPORTING
        locked.save(update_fields=["status"])
        _report_progress(locked.pk, 0)
    _run_or_send(locked, commit=True)
    locked.refresh_from_db()
    return locked
