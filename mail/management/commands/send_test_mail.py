"""``manage.py send_test_mail you@example.org [--language en]``: check ``EMAIL_URL`` end to end,
through Celery like every message of the portal."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mail.backends import mail_folder
from mail.config import EML_BACKEND
from mail.sending import send


class Command(BaseCommand):
    help = "Send a test message through the portal's e-mail (EMAIL_URL), in the given language."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("to", nargs="+", help="addresses to send the test message to")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="uk, en, cs or ru")

    def handle(self, *args: Any, to: list[str], language: str, **options: Any) -> None:
        if language not in {code for code, _name in settings.LANGUAGES}:
            raise CommandError(f"--language must be one of {', '.join(code for code, _ in settings.LANGUAGES)}")
        send("test", to=to, context={}, language=language)
        where = f"written to {mail_folder()}" if settings.EMAIL_BACKEND == EML_BACKEND else "queued"
        self.stdout.write(f"Test message to {', '.join(to)} {where}.")
