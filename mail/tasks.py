"""The one Celery task that sends mail, retried with exponential backoff on transient failures."""

import logging
import smtplib
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

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


@shared_task(bind=True, name="mail.send_message", acks_late=True)
def send_message(self: Any, *, subject: str, text: str, html: str, to: list[str], from_email: str) -> int:
    """Send one rendered message (text with an HTML alternative) through ``EMAIL_BACKEND``."""
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=from_email, to=to)
    message.attach_alternative(html, "text/html")
    try:
        return message.send()
    except OSError as error:  # smtplib's errors among them
        why, attempt = reason(error), self.request.retries + 1
        if not is_transient(error):
            logger.error("Mail to %d recipient(s) not sent, for good: %s", len(to), why)
            raise MailNotSent(why) from None
        if self.request.retries >= settings.MAIL_MAX_RETRIES:
            logger.error("Mail to %d recipient(s) given up after %d attempts: %s", len(to), attempt, why)
            raise MailNotSent(why) from None
        logger.warning("Mail not sent (%s), attempt %d; trying again", why, attempt)
        countdown = retry_countdown(self.request.retries)
        raise self.retry(exc=MailNotSent(why), countdown=countdown, max_retries=None) from None
