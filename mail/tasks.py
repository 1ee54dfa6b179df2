"""The one Celery task that sends mail, retried with exponential backoff on transient failures."""

import base64
import logging
import smtplib
from email import encoders
from email.message import Message
from email.mime.base import MIMEBase
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from mail.signals import message_failed, message_sent, notify

logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """Why a message was not sent, naming no recipient: SMTP errors repeat the addresses, and Celery
    logs the exception of every retry and failure."""


def reason(error: OSError) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _msg in error.recipients.values()})
        return f"recipients refused ({', '.join(str(code) for code in codes)})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}"
    return f"{type(error).__name__}: {error}"


def is_transient(error: BaseException) -> bool:
    """Worth trying again later: the server unreachable, gone away or timing out, or answering with
    a 4xx code ("try again later", greylisting). A 5xx (an unknown address, a refused sender) is
    final: sending again would get the same answer."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(400 <= code < 500 for code, _msg in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def retry_countdown(retries: int) -> int:
    """Seconds before attempt ``retries + 2``: ``MAIL_RETRY_BACKOFF`` doubled each time, at most
    ``MAIL_RETRY_BACKOFF_MAX``."""
    return int(min(settings.MAIL_RETRY_BACKOFF * 2**retries, settings.MAIL_RETRY_BACKOFF_MAX))


def is_bounce(error: BaseException) -> bool:
    """A hard bounce at SMTP time: the server refused every recipient with a permanent (5xx) code."""
    return (
        isinstance(error, smtplib.SMTPRecipientsRefused)
        and bool(error.recipients)
        and all(500 <= code < 600 for code, _msg in error.recipients.values())
    )


def parse_mimetype(mimetype: str) -> tuple[str, str, list[tuple[str, str]]]:
    """``("text", "calendar", [("method", "REQUEST")])`` for ``"text/calendar; method=REQUEST"``;
    :class:`ValueError` for anything that is not ``type/subtype`` with optional parameters."""
    if "\r" in mimetype or "\n" in mimetype:
        raise ValueError("an attachment's type cannot hold a line break")
    parsed = Message()
    parsed["Content-Type"] = mimetype
    declared = mimetype.split(";", 1)[0].strip().lower()
    # The parser falls back to text/plain for what it cannot read.
    if parsed.get_content_type() != declared or declared.count("/") != 1:
        raise ValueError(f"not a MIME type: {mimetype!r}")
    params = parsed.get_params() or []
    return parsed.get_content_maintype(), parsed.get_content_subtype(), [(str(k), str(v)) for k, v in params[1:]]


def mime_attachment(filename: str, content: bytes, mimetype: str) -> MIMEBase:
    """One attachment, base64-encoded whatever its type, so that its bytes arrive unchanged (an
    ``.ics`` file keeps its CRLF line ends); a text type without a charset gets ``utf-8`` when its
    content is UTF-8."""
    maintype, subtype, params = parse_mimetype(mimetype)
    if maintype == "text" and not any(name.lower() == "charset" for name, _value in params):
        try:
            content.decode("utf-8")
            params.append(("charset", "utf-8"))
        except UnicodeDecodeError:
            pass
    part = MIMEBase(maintype, subtype)
    for name, value in params:
        part.set_param(name, value)
    part.set_payload(content)
    encoders.encode_base64(part)
    disposition_name: str | tuple[str, str, str] = filename if filename.isascii() else ("utf-8", "", filename)
    part.add_header("Content-Disposition", "attachment", filename=disposition_name)
    return part


def build_message(
    *,
    subject: str,
    text: str,
    html: str,
    to: list[str],
    from_email: str,
    attachments: list[dict[str, str]] | None,
    headers: dict[str, str] | None,
    reply_to: list[str] | None,
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=from_email, to=to, headers=headers, reply_to=reply_to
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments or []:
        content = base64.b64decode(attachment["content"], validate=True)
        message.attach(mime_attachment(attachment["filename"], content, attachment["mimetype"]))
    return message


@shared_task(bind=True, name="mail.send_message", acks_late=True)
def send_message(
    self: Any,
    *,
    subject: str,
    text: str,
    html: str,
    to: list[str],
    from_email: str,
    attachments: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    reply_to: list[str] | None = None,
    tracking: str | None = None,
) -> int:
    """Send one rendered message (text with an HTML alternative, then the ``attachments``:
    ``{"filename", "content" (base64), "mimetype"}``) through ``EMAIL_BACKEND``. With ``tracking``,
    :data:`mail.signals.message_sent` follows a sent message and :data:`mail.signals.message_failed`
    one given up on."""
    try:
        message = build_message(
            subject=subject,
            text=text,
            html=html,
            to=to,
            from_email=from_email,
            attachments=attachments,
            headers=headers,
            reply_to=reply_to,
        )
        sent = message.send()
    except OSError as error:  # smtplib's errors among them
        why, attempt = reason(error), self.request.retries + 1
        if not is_transient(error):
            logger.error("Mail to %d recipient(s) not sent, for good: %s", len(to), why)
            failed(tracking, why, bounced=is_bounce(error))
            raise MailNotSent(why) from None
        if self.request.retries >= settings.MAIL_MAX_RETRIES:
            logger.error("Mail to %d recipient(s) given up after %d attempts: %s", len(to), attempt, why)
            failed(tracking, why, bounced=False)
            raise MailNotSent(why) from None
        logger.warning("Mail not sent (%s), attempt %d; trying again", why, attempt)
        countdown = retry_countdown(self.request.retries)
        raise self.retry(exc=MailNotSent(why), countdown=countdown, max_retries=None) from None
    except Exception as error:
        # A message that cannot be built or sent for a reason no retry mends (a bug): the tracked
        # delivery is failed rather than left waiting, and the error goes on to Celery's log.
        failed(tracking, type(error).__name__, bounced=False)
        raise
    if tracking is not None:
        if sent:
            notify(message_sent, send_message, tracking)
        else:
            failed(tracking, "no recipients", bounced=False)
    return sent


def failed(tracking: str | None, why: str, *, bounced: bool) -> None:
    if tracking is not None:
        notify(message_failed, send_message, tracking, reason=why, bounced=bounced)
