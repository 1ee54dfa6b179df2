from django.core.management.base import BaseCommand, CommandParser

from privacy.retention import enforce_retention


class Command(BaseCommand):
    help = "Anonymise or delete the personal data past its retention period (PRIVACY_RETENTION)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what is due.")

    def handle(self, *args: object, dry_run: bool, **options: object) -> None:
        counts = enforce_retention(dry_run=dry_run)
        for rule, count in counts.items():
            self.stdout.write(f"{rule}: {count}{' due' if dry_run else ''}")
