"""An event as an iCalendar file (RFC 5545, with the iTIP methods of RFC 5546), for a mail
attachment that calendar programs offer to add::

    send(..., attachments=[("webinar.ics", ics_event(...), ics_mimetype("REQUEST"))])

Times are written in UTC (``DTSTART:20270115T140000Z``), so the file needs no time zone
definitions; the calendar program shows them in its reader's zone. A changed event is sent again
with the same ``uid`` and a higher ``sequence``; a cancelled one with ``method="CANCEL"`` and a
higher ``sequence`` too.
"""

import re
from datetime import UTC, datetime

PRODID = "-//Zlagoda//EN"
METHODS = {"REQUEST": "CONFIRMED", "CANCEL": "CANCELLED"}
# Content lines are at most 75 octets, without the CRLF (RFC 5545 section 3.1).
LINE_OCTETS = 75
# Control characters TEXT values cannot hold (a tab can; line breaks are escaped first).
CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 section 3.3.11): ``\\``, ``;`` and ``,`` escaped with a backslash,
    line breaks written as ``\\n``, other control characters dropped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return CONTROLS.sub("", value)


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded into lines of at most 75 octets: each continuation starts
    with a space, which counts among its 75. A character's bytes stay on one line."""
    lines: list[bytes] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        limit = LINE_OCTETS if not lines else LINE_OCTETS - 1
        if len(current) + len(encoded) > limit:
            lines.append(current)
            current = b""
        current += encoded
    lines.append(current)
    return b"\r\n ".join(lines) + b"\r\n"


def utc(moment: datetime, name: str) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _plain(value: str, name: str) -> str:
    """A URI or address, written as it is: it must hold no whitespace or control character."""
    if re.search(r"[\s\x00-\x1f\x7f]", value):
        raise ValueError(f"{name} cannot hold whitespace or control characters")
    return value


def ics_mimetype(method: str = "REQUEST") -> str:
    """The attachment's type, naming the method as calendar programs expect of an invitation."""
    return f"text/calendar; charset=utf-8; method={method}"


def ics_event(
    uid: str,
    start: datetime,
    end: datetime,
    summary: str,
    description: str,
    location: str,
    url: str,
    organizer_email: str,
    method: str = "REQUEST",
    sequence: int = 0,
    *,
    attendee_email: str = "",
) -> bytes:
    """One event in a VCALENDAR, as the bytes of an ``.ics`` file (UTF-8, CRLF line ends).

    ``uid`` names the event for good (e.g. ``"webinar-42@zlagoda.example"``); ``start`` and ``end``
    are aware datetimes; an empty ``description``, ``location`` or ``url`` is left out;
    ``attendee_email`` (optional) names the reader as the invitation's attendee, which some
    calendar programs want of a ``REQUEST``. :class:`ValueError` for a naive datetime, an end not
    after the start, an unknown method or a negative sequence."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(sorted(METHODS))}, not {method!r}")
    if sequence < 0:
        raise ValueError("sequence cannot be negative")
    if not uid or not summary:
        raise ValueError("an event needs a uid and a summary")
    dtstart, dtend = utc(start, "start"), utc(end, "end")
    if end <= start:
        raise ValueError("an event ends after it starts")
    event = [
        f"UID:{escape_text(uid)}",
        f"DTSTAMP:{utc(datetime.now(UTC), 'DTSTAMP')}",
        f"SEQUENCE:{sequence}",
        f"DTSTART:{dtstart}",
        f"DTEND:{dtend}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if description:
        event.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        event.append(f"LOCATION:{escape_text(location)}")
    if url:
        event.append(f"URL:{_plain(url, 'url')}")
    event.append(f"ORGANIZER:mailto:{_plain(organizer_email, 'organizer_email')}")
    if attendee_email:
        event.append(f"ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{_plain(attendee_email, 'attendee_email')}")
    event.append(f"STATUS:{METHODS[method]}")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        *event,
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return b"".join(fold(line) for line in lines)
