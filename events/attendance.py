"""Attendance from a videoconference's participant export: read the file, match its rows to an
event's registrations by e-mail, mark those attended.

The exports differ by tool and by the user's settings:

- Zoom writes UTF-8 (often with a byte order mark), comma-separated, with a "User Email" column,
  sometimes after a few lines about the meeting;
- Teams writes UTF-16 with tabs, a summary section first, then the participants under a header with
  an "Email" column (and a "Participant ID (UPN)" that is usually the address too);
- a spreadsheet saved by hand may use semicolons and call the column "E-mail".

So the header is looked for (the first line with an e-mail column), the delimiter is the one that
line uses most, and the participants are the lines after it up to the first empty line (Teams
starts its next section there). Nothing is written until :func:`mark_attended` is called with the
matches that the staff member saw and confirmed.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Registration, RegistrationStatus, email_token
from negotiators.models import OutreachEvent

# Headers of the column holding the address, compared without case, spaces or punctuation.
EMAIL_HEADERS = ("email", "useremail", "emailaddress", "attendeeemail", "participantemail", "електроннапошта")
# A fallback: Teams' user principal name, which is the address for most organisations.
UPN_HEADERS = ("participantidupn", "upn", "userprincipalname")
NAME_HEADERS = ("name", "nameoriginalname", "fullname", "participant", "participantname", "displayname", "імя")
DELIMITERS = (",", ";", "\t")
MAX_FILE_BYTES = 5 * 1024 * 1024


class AttendanceFileError(ValueError):
    """The file cannot be read as a participant list; the message says why, in the user's language."""


@dataclass(frozen=True)
class Row:
    line: int
    name: str
    email: str


@dataclass
class Matching:
    """What a file says about an event's registrations: rows matched (by registration) and not."""

    rows_read: int = 0
    matched: dict[int, Row] = field(default_factory=dict)  # registration pk -> its first row
    unmatched: list[Row] = field(default_factory=list)


def _key(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.casefold())


def decode(content: bytes) -> str:
    """The file's text: UTF-16 (Teams) or UTF-8, with or without a byte order mark."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif content.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif content[:200].count(b"\x00") > len(content[:200]) // 4:
        # UTF-16 without a byte order mark: every other byte of ASCII text is a zero.
        encoding = "utf-16-le" if content[1:2] == b"\x00" else "utf-16-be"
    else:
        encoding = "utf-8"
    try:
        return content.decode(encoding)
    except UnicodeDecodeError:
        raise AttendanceFileError(
            _("The file is not in UTF-8 or UTF-16: save it from the spreadsheet as “CSV UTF-8” and upload it again.")
        ) from None


def _delimiter(line: str) -> str:
    return max(DELIMITERS, key=line.count)


@dataclass(frozen=True)
class Header:
    index: int
    delimiter: str
    email: int
    upn: int | None
    name: int | None


def _column(cells: list[str], names: tuple[str, ...]) -> int | None:
    return next((i for i, cell in enumerate(cells) if cell in names), None)


def _find_header(lines: list[str]) -> Header:
    """The participants' header: the first line with an e-mail column and a name column (Zoom's
    meeting details above it name the host's e-mail too), else the first with an e-mail column."""
    candidates: list[Header] = []
    for index, line in enumerate(lines):
        delimiter = _delimiter(line)
        cells = [_key(cell) for cell in next(csv.reader([line], delimiter=delimiter), [])]
        email, upn = _column(cells, EMAIL_HEADERS), _column(cells, UPN_HEADERS)
        column = email if email is not None else upn
        if column is None:
            continue
        header = Header(index, delimiter, column, upn, _column(cells, NAME_HEADERS))
        if header.name is not None:
            return header
        candidates.append(header)
    if candidates:
        return candidates[0]
    raise AttendanceFileError(
        _("No column of e-mail addresses found: the file needs a column headed “Email”, “User Email” or “E-mail”.")
    )


def _cell(cells: list[str], column: int | None) -> str:
    return cells[column].strip() if column is not None and column < len(cells) else ""


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def read_rows(content: bytes) -> list[Row]:
    """The participants' rows of an export (one per line, addresses as written)."""
    if len(content) > MAX_FILE_BYTES:
        raise AttendanceFileError(_("The file is larger than 5 MB: is it the participant list?"))
    if not content.strip():
        raise AttendanceFileError(_("The file is empty."))
    lines = decode(content).splitlines()
    header = _find_header(lines)
    rows: list[Row] = []
    reader = csv.reader(lines[header.index + 1 :], delimiter=header.delimiter)
    for cells in reader:
        line_number = header.index + 1 + reader.line_num
        if not any(cell.strip() for cell in cells):
            if rows:
                break  # the end of the participants (Teams' next section follows)
            continue
        if _key(_cell(cells, header.email)) in EMAIL_HEADERS + UPN_HEADERS:
            continue  # a header repeated (Teams' next section)
        # Teams leaves "Email" empty for some accounts; their user principal name is the address.
        email = _cell(cells, header.email) or _cell(cells, header.upn)
        rows.append(Row(line=line_number, name=_cell(cells, header.name)[:200], email=email[:254]))
    if not rows:
        raise AttendanceFileError(_("The file has a header but no participants under it."))
    return rows


def match(event: OutreachEvent, rows: Iterable[Row]) -> Matching:
    """Each row's registration for ``event`` (by address, whatever its case), cancelled ones aside;
    rows without an address or with one nobody registered with are unmatched."""
    rows = list(rows)
    result = Matching(rows_read=len(rows))
    tokens = {email_token(row.email) for row in rows if _is_email(row.email)}
    registrations = Registration.objects.filter(event=event, email_token__in=list(tokens)).exclude(
        status=RegistrationStatus.CANCELLED
    )
    by_token = {registration.email_token: registration.pk for registration in registrations}
    for row in rows:
        known = by_token.get(email_token(row.email)) if _is_email(row.email) else None
        if known is None:
            result.unmatched.append(row)
        elif known not in result.matched:
            result.matched[known] = row
    return result


@transaction.atomic
def mark_attended(registrations: Iterable[Registration], *, at: datetime | None = None) -> int:
    """Mark ``registrations`` attended, checked in at ``at`` (now) unless checked in before;
    returns how many were not marked yet."""
    moment = at or timezone.now()
    changed = 0
    for registration in registrations:
        if registration.attended and registration.checked_in_at is not None:
            continue
        changed += not registration.attended
        registration.attended = True
        registration.checked_in_at = registration.checked_in_at or moment
        registration.save(update_fields=["attended", "checked_in_at", "updated_at"])
    return changed
