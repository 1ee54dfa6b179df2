"""mail/calendar.py's .ics files, read back line by line as RFC 5545 says a calendar program reads
them: CRLF line ends, lines of at most 75 octets folded with a leading space, escaped TEXT."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mail.calendar import ics_event, ics_mimetype

KYIV = ZoneInfo("Europe/Kyiv")
START = datetime(2027, 1, 15, 16, 0, tzinfo=KYIV)  # 14:00 UTC (winter, UTC+2)
END = START + timedelta(minutes=90)


def unfold(data: bytes) -> list[str]:
    """The content lines: every line ends in CRLF, a line starting with a space or tab continues
    the one before it (RFC 5545 section 3.1)."""
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    for line in physical:
        assert b"\n" not in line
        assert b"\r" not in line
        assert len(line) <= 75, line
        line.decode("utf-8")  # a character's bytes are never split between two lines
    lines: list[bytes] = []
    for line in physical:
        if line[:1] in (b" ", b"\t"):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return [line.decode("utf-8") for line in lines]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def properties(data: bytes) -> dict[str, str]:
    """``NAME`` (with any parameters) to its raw value, for the lines of the one event."""
    found = {}
    for line in unfold(data):
        name, _, value = line.partition(":")
        found[name] = value
    return found


def event(**overrides: Any) -> bytes:
    arguments: dict[str, Any] = {
        "uid": "webinar-42@zlagoda.example",
        "start": START,
        "end": END,
        "summary": "Медіація; частина 1, вступ",
        "description": "Рядок перший\nдругий, з комою; крапкою з комою і \\ зворотною рискою",
        "location": "Online, Zoom",
        "url": "https://zlagoda.example/webinars/42/?a=1,2",
        "organizer_email": "webinars@zlagoda.example",
    }
    return ics_event(**(arguments | overrides))


def test_the_calendar_and_its_event_in_order():
    lines = unfold(event())
    assert lines[:6] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Zlagoda//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
    ]
    assert lines[-3:] == ["STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR"]


def test_times_are_written_in_utc_with_a_z():
    found = properties(event())
    assert found["DTSTART"] == "20270115T140000Z"
    assert found["DTEND"] == "20270115T153000Z"
    stamp = datetime.strptime(found["DTSTAMP"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)


def test_text_is_escaped_and_reads_back_as_it_was_written():
    found = properties(event())
    assert found["SUMMARY"] == "Медіація\\; частина 1\\, вступ"
    assert found["LOCATION"] == "Online\\, Zoom"
    assert found["DESCRIPTION"] == ("Рядок перший\\nдругий\\, з комою\\; крапкою з комою і \\\\ зворотною рискою")
    assert unescape(found["DESCRIPTION"]) == ("Рядок перший\nдругий, з комою; крапкою з комою і \\ зворотною рискою")
    # A URI is not TEXT: its commas stay as they are.
    assert found["URL"] == "https://zlagoda.example/webinars/42/?a=1,2"
    assert found["ORGANIZER"] == "mailto:webinars@zlagoda.example"
    assert found["UID"] == "webinar-42@zlagoda.example"


def test_long_lines_are_folded_at_75_octets_between_characters():
    description = "Ґ" * 100 + " and some ASCII to end with, " * 5
    data = event(description=description)
    physical = data.split(b"\r\n")
    # The description is longer than one line: it is folded, each continuation starting with a space.
    folded = [line for line in physical if line.startswith(b" ")]
    assert len(folded) >= 3
    assert max(len(line) for line in physical) == 75
    assert unescape(properties(data)["DESCRIPTION"]) == description


def test_windows_and_old_mac_line_breaks_become_one_escaped_newline():
    found = properties(event(description="one\r\ntwo\rthree\nfour\x07"))
    assert found["DESCRIPTION"] == "one\\ntwo\\nthree\\nfour"


def test_empty_optional_properties_are_left_out_and_an_attendee_can_be_named():
    found = properties(event(description="", location="", url="", attendee_email="registrant@example.org"))
    assert not {"DESCRIPTION", "LOCATION", "URL"} & set(found)
    assert found["ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=FALSE"] == "mailto:registrant@example.org"


def test_a_cancellation_keeps_the_uid_and_raises_the_sequence():
    found = properties(event(method="CANCEL", sequence=3))
    assert (found["METHOD"], found["STATUS"], found["SEQUENCE"]) == ("CANCEL", "CANCELLED", "3")
    assert found["UID"] == "webinar-42@zlagoda.example"
    assert ics_mimetype("CANCEL") == "text/calendar; charset=utf-8; method=CANCEL"


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"start": datetime(2027, 1, 15, 14)}, "aware"),
        ({"end": START}, "ends after it starts"),
        ({"method": "PUBLISH"}, "method must be one of"),
        ({"sequence": -1}, "negative"),
        ({"summary": ""}, "summary"),
        ({"url": "https://a.example/\r\nATTENDEE:mailto:x@y"}, "whitespace"),
        ({"organizer_email": "a@b.example\nX:1"}, "whitespace"),
    ],
)
def test_what_cannot_be_an_event_is_refused(overrides, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        event(**overrides)
