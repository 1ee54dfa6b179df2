"""The embedded default's mail "server": every message becomes an ``.eml`` file a newcomer can open."""

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


def mail_folder() -> Path:
    """``EMAIL_FILE_PATH`` if set (``EMAIL_URL=file:///...``), else ``MEDIA_ROOT/mail``. Read when
    sending, so a changed ``MEDIA_ROOT`` (tests, a moved volume) is followed."""
    folder = getattr(settings, "EMAIL_FILE_PATH", None)
    return Path(folder) if folder else Path(settings.MEDIA_ROOT) / "mail"


class EmlFileBackend(BaseEmailBackend):
    """One ``<UTC time>-<random>.eml`` file per message (Django's file backend appends several
    messages to one ``.log`` file, which mail programs cannot open)."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = mail_folder()
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                folder.mkdir(parents=True, exist_ok=True)
                name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
                (folder / name).write_bytes(message.message().as_bytes())
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent
