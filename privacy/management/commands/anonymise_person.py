from django.core.management.base import BaseCommand, CommandError, CommandParser

from privacy.erasure import NotFound, person_anonymise
from privacy.models import ErasureSource
from privacy.registry import person_kinds


class Command(BaseCommand):
    help = "Anonymise one person everywhere, change history included (the counts stay)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=sorted(person_kinds()))
        parser.add_argument("--id", required=True, type=int, dest="pk")
        parser.add_argument("--reason", default="", help="Why (kept in the erasure record).")

    def handle(self, *args: object, kind: str, pk: int, reason: str, **options: object) -> None:
        try:
            erasure = person_anonymise(kind=kind, pk=pk, actor=None, reason=reason, source=ErasureSource.COMMAND)
        except NotFound:
            raise CommandError(f"No {kind} #{pk}.") from None
        self.stdout.write(f"{kind} #{pk} anonymised as {erasure.token}; {erasure.history_rows} history rows rewritten.")
