from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from privacy.erasure import NotFound
from privacy.registry import person_kinds
from privacy.subject_access import person_export, render_export_json, render_export_pdf


class Command(BaseCommand):
    help = "Export everything held about one person (subject access) as JSON or PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=sorted(person_kinds()))
        parser.add_argument("--id", required=True, type=int, dest="pk")
        parser.add_argument("--format", choices=["json", "pdf"], default="json", dest="fmt")
        parser.add_argument("--output", required=True, help="The file to write.")

    def handle(self, *args: object, kind: str, pk: int, fmt: str, output: str, **options: object) -> None:
        try:
            document = person_export(kind=kind, pk=pk, actor=None)
        except NotFound:
            raise CommandError(f"No {kind} #{pk}.") from None
        data = render_export_pdf(document) if fmt == "pdf" else render_export_json(document)
        Path(output).write_bytes(data)
        self.stdout.write(f"{kind} #{pk} exported to {output} ({len(data)} bytes).")
