"""Sending the portal's e-mail: render a message's templates in the reader's language, then hand it
to Celery (:func:`mail.tasks.send_message`) once the database transaction has committed.

A message named ``welcome`` is three templates, found like any other (an app's
``templates/mail/`` folder): ``mail/welcome.subject.txt`` (one line), ``mail/welcome.txt`` (the
plain text part) and ``mail/welcome.html`` (the HTML part; ``mail/base.html`` is its layout).

A message may carry attachments (``mail/calendar.py`` writes an ``.ics`` invitation), extra headers
(``List-Unsubscribe``) and a ``tracking`` key, which the signals of ``mail/signals.py`` hand back
once the message has been sent or given up on.
"""

import base64
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from celery.exceptions import Retry
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def render(template_name: str, context: Mapping[str, Any], language: str) -> RenderedMessage:
    """The message's subject, text and HTML in ``language``."""
    with translation.override(language):
        data = {**context, "language": language}
        subject = render_to_string(f"mail/{template_name}.subject.txt", data)
        return RenderedMessage(
            # One line whatever the template's line breaks: a header cannot hold a newline.
            subject=" ".join(subject.split()),
            text=render_to_string(f"mail/{template_name}.txt", data),
            html=render_to_string(f"mail/{template_name}.html", data),
        )


# Set by send() itself from its arguments; as extra headers they would be written twice.
RESERVED_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "reply-to", "subject", "content-type", "content-transfer-encoding", "mime-version"}
)
# A header's name: printable ASCII without the colon (RFC 5322 section 2.2).
HEADER_NAME = re.compile(r"[!-9;-~]+")


def attachments_limit() -> int:
    """``MAIL_ATTACHMENTS_MAX_BYTES``: attachments travel through the broker, base64-encoded (a
    third more); larger files go as links."""
    return int(settings.MAIL_ATTACHMENTS_MAX_BYTES)


def _one_line(value: str, what: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{what} cannot hold a line break")
    return value


def checked_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` as a dict; :class:`ValueError` for a line break, a malformed name or a header
    that ``send()`` sets from its own arguments."""
    checked = {}
    for name, value in headers.items():
        _one_line(name, "a header's name")
        _one_line(value, f"the header {name}")
        if not HEADER_NAME.fullmatch(name):
            raise ValueError(f"not a header name: {name!r}")
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(f"the header {name} is set by send()'s own arguments")
        checked[name] = value
    return checked


def encoded_attachments(attachments: Sequence[tuple[str, bytes, str]]) -> list[dict[str, str]]:
    """``(filename, content, mimetype)`` triples as JSON for the broker (the content in base64)."""
    from mail.tasks import parse_mimetype

    encoded, total = [], 0
    for filename, content, mimetype in attachments:
        if not filename or not isinstance(content, bytes):
            raise ValueError("an attachment is (filename, content as bytes, mimetype)")
        _one_line(filename, "an attachment's name")
        parse_mimetype(mimetype)
        total += len(content)
        content_b64 = base64.b64encode(content).decode("ascii")
        encoded.append({"filename": filename, "content": content_b64, "mimetype": mimetype})
    if total > attachments_limit():
        raise ValueError(f"attachments of {total} bytes, more than {attachments_limit()}: send a link instead")
    return encoded


def send(
    template_name: str,
    *,
    to: Sequence[str],
    context: Mapping[str, Any],
    language: str,
    from_email: str | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    headers: Mapping[str, str] | None = None,
    reply_to: str | Sequence[str] | None = None,
    tracking: str | None = None,
) -> None:
    """Send the message ``template_name`` to ``to`` in ``language``, after the current transaction
    commits (at once outside one). A worker sends it, retrying while the server is unreachable or
    answers "try again later"; on the embedded default (eager Celery) it is sent in this process.

    The rendered message travels through the broker (a reset link among it): it is the message,
    not a pointer to rows that could change before it goes.

    - ``attachments``: ``(filename, content, mimetype)``, e.g. ``("webinar.ics", ics_bytes,
      "text/calendar; method=REQUEST")``; at most ``MAIL_ATTACHMENTS_MAX_BYTES`` in all;
    - ``headers``: extra headers, e.g. ``{"List-Unsubscribe": "<https://...>"}``;
    - ``reply_to``: one address or several;
    - ``tracking``: an opaque key handed to the receivers of :data:`mail.signals.message_sent` and
      :data:`mail.signals.message_failed`.

    A line break in a header, a malformed attachment or too large attachments raise
    :class:`ValueError` here, in the caller, before anything is queued.
    """
    from mail.tasks import send_message

    reply_to_list = [reply_to] if isinstance(reply_to, str) else list(reply_to or [])
    for address in [*to, *reply_to_list]:
        _one_line(address, "an address")
    if tracking is not None and not isinstance(tracking, str):
        raise ValueError("tracking is a string key")
    message = render(template_name, context, language)
    payload: dict[str, Any] = {
        "subject": message.subject,
        "text": message.text,
        "html": message.html,
        "to": list(to),
        "from_email": _one_line(from_email or settings.DEFAULT_FROM_EMAIL, "the sender"),
    }
    # Only what is given: a plain message stays readable by a worker that predates these arguments.
    optional = {
        "attachments": encoded_attachments(attachments),
        "headers": checked_headers(headers or {}),
        "reply_to": reply_to_list,
    }
    payload |= {name: value for name, value in optional.items() if value}
    if tracking is not None:
        payload["tracking"] = tracking

    def queue() -> None:
        if send_message.app.conf.task_always_eager:
            send_in_process(payload)
        else:
            send_message.delay(**payload)

    transaction.on_commit(queue)


def send_in_process(payload: dict[str, Any]) -> None:
    """Eager Celery (the embedded default): the task and its retries run here, at once (Celery's own
    eager retry re-raises when ``task_eager_propagates`` is on, as the portal sets it). A message
    the server still does not take is logged by the task, not raised: the page that asked for it
    must not fail because the mail server does."""
    from mail.tasks import MailNotSent, send_message

    retries = 0
    while True:
        try:
            send_message.apply(kwargs=payload, retries=retries, throw=True)
            return
        except Retry:
            retries += 1
        except MailNotSent:
            return
