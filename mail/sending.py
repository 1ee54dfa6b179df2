"""Sending the portal's e-mail: render a message's templates in the reader's language, then hand it
to Celery (:func:`mail.tasks.send_message`) once the database transaction has committed.

A message named ``welcome`` is three templates, found like any other (an app's
``templates/mail/`` folder): ``mail/welcome.subject.txt`` (one line), ``mail/welcome.txt`` (the
plain text part) and ``mail/welcome.html`` (the HTML part; ``mail/base.html`` is its layout).
"""

import logging
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


def send(
    template_name: str,
    *,
    to: Sequence[str],
    context: Mapping[str, Any],
    language: str,
    from_email: str | None = None,
) -> None:
    """Send the message ``template_name`` to ``to`` in ``language``, after the current transaction
    commits (at once outside one). A worker sends it, retrying while the server is unreachable or
    answers "try again later"; on the embedded default (eager Celery) it is sent in this process.

    The rendered message travels through the broker (a reset link among it): it is the message,
    not a pointer to rows that could change before it goes.
    """
    from mail.tasks import send_message

    message = render(template_name, context, language)
    payload = {
        "subject": message.subject,
        "text": message.text,
        "html": message.html,
        "to": list(to),
        "from_email": from_email or settings.DEFAULT_FROM_EMAIL,
    }

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
