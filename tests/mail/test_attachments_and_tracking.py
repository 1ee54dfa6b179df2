"""What the webinars need of mail/: attachments (an .ics invitation among them), extra headers,
Reply-To, and the tracking signals that say whether each message went. Through a real SMTP server
(aiosmtpd), as in test_mail.py."""

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from kombu.serialization import dumps, loads

from mail import sending
from mail.calendar import ics_event, ics_mimetype
from mail.sending import attachments_limit, send
from mail.signals import message_failed, message_sent
from tests.mail.smtp_support import wait_for

TO = ["registrant@example.org"]
PDF = b"%PDF-1.4\n" + bytes(range(256)) + b"\r\n\x00binary tail"

pytestmark = pytest.mark.django_db


@pytest.fixture
def signals():
    """What the two signals were sent with, in order."""
    heard: list[tuple[str, dict]] = []

    def on_sent(sender, **kwargs):
        heard.append(("sent", {key: value for key, value in kwargs.items() if key != "signal"}))

    def on_failed(sender, **kwargs):
        heard.append(("failed", {key: value for key, value in kwargs.items() if key != "signal"}))

    message_sent.connect(on_sent, weak=False)
    message_failed.connect(on_failed, weak=False)
    yield heard
    message_sent.disconnect(on_sent)
    message_failed.disconnect(on_failed)


def attachments_of(message):
    return [(part.get_filename(), part.get_content(), part) for part in message.iter_attachments()]


# --- Attachments, headers, Reply-To ---------------------------------------------------------


def test_attachments_arrive_with_their_bytes_name_and_type(smtp_server, django_capture_on_commit_callbacks):
    ics = ics_event(
        "webinar-7@zlagoda.example",
        datetime(2027, 1, 15, 14, tzinfo=UTC),
        datetime(2027, 1, 15, 15, 30, tzinfo=UTC),
        "Медіація в громаді",
        "Перша частина",
        "Online",
        "https://zlagoda.example/webinars/7/",
        "webinars@zlagoda.example",
    )
    with django_capture_on_commit_callbacks(execute=True):
        send(
            "test",
            to=TO,
            context={},
            language="en",
            attachments=[
                ("матеріали.pdf", PDF, "application/pdf"),
                ("webinar.ics", ics, ics_mimetype("REQUEST")),
            ],
        )

    [received] = smtp_server.received
    message = received.message
    assert message.get_content_type() == "multipart/mixed"
    # The text and HTML parts are still there, next to the attachments.
    assert "This is a test message" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None
    (pdf_name, pdf_bytes, pdf_part), (ics_name, _ics_text, ics_part) = attachments_of(message)
    assert (pdf_name, pdf_part.get_content_type(), pdf_bytes) == ("матеріали.pdf", "application/pdf", PDF)
    assert ics_name == "webinar.ics"
    assert ics_part.get_content_type() == "text/calendar"
    assert ics_part.get_param("method") == "REQUEST"
    assert ics_part.get_content_charset() == "utf-8"
    # The bytes exactly, CRLF line ends included (base64 keeps them from any rewriting).
    assert ics_part.get_payload(decode=True) == ics


def test_a_text_attachment_without_a_charset_gets_utf8(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en", attachments=[("list.csv", "ім'я,ok\r\n".encode(), "text/csv")])

    [(_name, _content, part)] = attachments_of(smtp_server.received[0].message)
    assert (part.get_content_type(), part.get_content_charset()) == ("text/csv", "utf-8")
    assert part.get_payload(decode=True) == "ім'я,ok\r\n".encode()


def test_attachments_survive_the_brokers_json(smtp_server, monkeypatch, django_capture_on_commit_callbacks):
    """Eager Celery hands the payload over as it is; a worker gets it through JSON. Here it goes
    through kombu's JSON serializer, as the broker would carry it, before the task sees it."""
    real = sending.send_in_process

    def through_json(payload):
        content_type, encoding, data = dumps(payload, serializer="json")
        real(loads(data, content_type, encoding))

    monkeypatch.setattr(sending, "send_in_process", through_json)
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en", attachments=[("a.bin", PDF, "application/octet-stream")])

    [(_name, content, _part)] = attachments_of(smtp_server.received[0].message)
    assert content == PDF


def test_a_worker_sends_attachments_headers_and_the_signal(
    smtp_server, celery_worker, signals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(
            "test",
            to=TO,
            context={},
            language="en",
            attachments=[("a.bin", PDF, "application/octet-stream")],
            headers={"List-Unsubscribe": "<https://zlagoda.example/u/1/>"},
            tracking="events.delivery:9",
        )
    assert wait_for(lambda: signals)

    message = smtp_server.received[0].message
    assert attachments_of(message)[0][1] == PDF
    assert message["List-Unsubscribe"] == "<https://zlagoda.example/u/1/>"
    assert signals == [("sent", {"tracking": "events.delivery:9"})]


def test_extra_headers_and_reply_to_arrive(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(
            "test",
            to=TO,
            context={},
            language="en",
            headers={
                "List-Unsubscribe": "<https://zlagoda.example/unsubscribe/abc/>, <mailto:unsubscribe@zlagoda.example>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            reply_to="trainer@ngo.example",
        )

    message = smtp_server.received[0].message
    assert message["List-Unsubscribe"] == (
        "<https://zlagoda.example/unsubscribe/abc/>, <mailto:unsubscribe@zlagoda.example>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Reply-To"] == "trainer@ngo.example"
    assert message.get_all("Subject") == ["Zlagoda: test message"]


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"headers": {"List-Unsubscribe": "<https://a.example/>\r\nBcc: victim@example.org"}}, "line break"),
        ({"headers": {"X-Evil\nBcc": "victim@example.org"}}, "line break"),
        ({"headers": {"X Space": "1"}}, "not a header name"),
        ({"headers": {"Subject": "Another"}}, "set by send()"),
        ({"headers": {"bcc": "victim@example.org"}}, "set by send()"),
        ({"reply_to": ["trainer@ngo.example\nBcc: victim@example.org"]}, "line break"),
        ({"attachments": [("a\n.pdf", PDF, "application/pdf")]}, "line break"),
        ({"attachments": [("a.pdf", "text, not bytes", "application/pdf")]}, "content as bytes"),
        ({"attachments": [("a.pdf", PDF, "pdf")]}, "not a MIME type"),
        ({"attachments": [("a.pdf", PDF, "application/pdf\r\nBcc: victim@example.org")]}, "line break"),
        ({"attachments": [("big.bin", b"0" * (attachments_limit() + 1), "application/octet-stream")]}, "link"),
    ],
)
def test_a_malformed_header_or_attachment_is_refused_before_anything_is_queued(
    smtp_server, django_capture_on_commit_callbacks, arguments, says
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValueError, match=re.escape(says)):
        send("test", to=TO, context={}, language="en", **arguments)

    assert callbacks == []
    assert smtp_server.received == []


# --- Tracking signals -----------------------------------------------------------------------


def test_a_sent_message_fires_message_sent_with_its_key(smtp_server, signals, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en", tracking="events.delivery:42")

    assert len(smtp_server.received) == 1
    assert signals == [("sent", {"tracking": "events.delivery:42"})]


def test_an_untracked_message_fires_nothing(smtp_server, signals, django_capture_on_commit_callbacks):
    smtp_server.refuse, smtp_server.refusal, smtp_server.refuse_at = 1, "550 5.1.1 No such mailbox", "RCPT"
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en")
        send("test", to=TO, context={}, language="en")

    assert len(smtp_server.received) == 1
    assert signals == []


def test_a_550_at_rcpt_is_a_bounce_failed_once_and_not_retried(
    smtp_server, signals, django_capture_on_commit_callbacks
):
    smtp_server.refuse, smtp_server.refusal, smtp_server.refuse_at = 10, "550 5.1.1 No such mailbox", "RCPT"
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en", tracking="events.delivery:43")

    assert smtp_server.refused == 1
    assert smtp_server.received == []
    assert signals == [
        ("failed", {"tracking": "events.delivery:43", "reason": "recipients refused (550)", "bounced": True})
    ]


def test_a_451_then_success_fires_only_message_sent(smtp_server, signals, django_capture_on_commit_callbacks):
    smtp_server.refuse, smtp_server.refuse_at = 1, "RCPT"
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en", tracking="events.delivery:44")

    assert smtp_server.refused == 1
    assert len(smtp_server.received) == 1
    assert signals == [("sent", {"tracking": "events.delivery:44"})]


def test_giving_up_after_the_retries_is_a_failure_but_not_a_bounce(
    smtp_server, settings, signals, django_capture_on_commit_callbacks
):
    settings.MAIL_MAX_RETRIES = 1
    smtp_server.refuse, smtp_server.refuse_at = 10, "RCPT"
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en", tracking="events.delivery:45")

    assert smtp_server.refused == 2
    assert signals == [
        ("failed", {"tracking": "events.delivery:45", "reason": "recipients refused (451)", "bounced": False})
    ]


def test_a_5xx_after_the_data_fails_without_being_a_bounce(smtp_server, signals, django_capture_on_commit_callbacks):
    smtp_server.refuse, smtp_server.refusal = 1, "554 5.7.1 Message refused"
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en", tracking="events.delivery:46")

    assert smtp_server.refused == 1
    assert signals == [("failed", {"tracking": "events.delivery:46", "reason": "SMTPDataError 554", "bounced": False})]


def test_a_receiver_that_raises_is_logged_and_the_message_is_not_sent_again(
    smtp_server, signals, django_capture_on_commit_callbacks, caplog
):
    def broken(sender, **kwargs):
        raise RuntimeError("the receiver's own bug")

    message_sent.connect(broken, weak=False)
    try:
        with caplog.at_level(logging.ERROR, logger="mail.signals"), django_capture_on_commit_callbacks(execute=True):
            send("test", to=TO, context={}, language="en", tracking="events.delivery:47")
    finally:
        message_sent.disconnect(broken)

    assert len(smtp_server.received) == 1
    assert smtp_server.refused == 0
    # The other receivers still heard it.
    assert signals == [("sent", {"tracking": "events.delivery:47"})]
    [record] = [record for record in caplog.records if record.name == "mail.signals"]
    assert "events.delivery:47" in record.getMessage()
    assert "broken" in record.getMessage()
    assert isinstance(record.exc_info[1], RuntimeError)


def test_the_ics_of_a_cancellation_is_still_an_event(smtp_server, django_capture_on_commit_callbacks):
    start = datetime(2027, 1, 15, 14, tzinfo=UTC)
    ics = ics_event(
        "w@z", start, start + timedelta(hours=1), "W", "", "", "", "o@z.example", method="CANCEL", sequence=2
    )
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en", attachments=[("w.ics", ics, ics_mimetype("CANCEL"))])

    [(_name, _content, part)] = attachments_of(smtp_server.received[0].message)
    assert part.get_param("method") == "CANCEL"
    assert b"METHOD:CANCEL\r\n" in part.get_payload(decode=True)
