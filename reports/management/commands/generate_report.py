from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from communities.models import PartnerOrganisation, Region
from programmes.models import Programme
from reports import services
from reports.models import PdfVariant, ReportScope, ReportStatus


def parse_scope(value: str) -> dict:
    """``programme``, ``programme:<id>``, ``region:<id>`` or ``partner:<id>`` -> the service's scope
    arguments (``programme`` alone: the whole portal)."""
    if value == ReportScope.PROGRAMME:
        return {"scope": ReportScope.PROGRAMME}
    kind, _sep, identifier = value.partition(":")
    models: dict[str, type[Region] | type[PartnerOrganisation] | type[Programme]] = {
        "region": Region,
        "partner": PartnerOrganisation,
        "programme": Programme,
    }
    model = models.get(kind)
    if model is None or not identifier.isdigit():
        raise CommandError(
            # "programme" covers programme:<id> too (the --help says so).
            _("--scope must be programme, region:<id> or partner:<id>, not %(value)s") % {"value": repr(value)}
        )
    try:
        target = model.objects.get(pk=int(identifier))
    except model.DoesNotExist:
        missing = {
            Region: _("There is no region with id %(id)s."),
            PartnerOrganisation: _("There is no partner organisation with id %(id)s."),
            Programme: _("There is no programme with id %(id)s."),
        }[model]
        raise CommandError(missing % {"id": identifier}) from None
    return {"scope": kind, kind: target}


class Command(BaseCommand):
    help = (
        "Request a monitoring report and print its id. It is built by a Celery worker (or at once on "
        "the embedded default); with --sync it is built here and the path of the finished PDF is printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=["semiannual", "annual"])
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--half", type=int, choices=[1, 2], help="1 or 2, for a semi-annual report")
        parser.add_argument(
            "--scope",
            default="programme",
            help="programme (default, the whole portal), programme:<id>, region:<id> or partner:<id>",
        )
        parser.add_argument("--language", default="uk", choices=["uk", "en", "cs", "ru"])
        parser.add_argument("--note", default="", help="a note printed on the cover (at most 2,000 characters)")
        parser.add_argument(
            "--variant",
            default=PdfVariant.ACCESSIBLE.value,
            choices=PdfVariant.values,
            help="pdf/ua-1 (default: tagged, accessible) or pdf/a-3b (PDF/A for archiving, tagged too)",
        )
        parser.add_argument("--sync", action="store_true", help="build it in this process and print the PDF's path")

    def handle(self, *args, **options):
        # Messages in the portal's language, whatever a caller in this thread activated before.
        with translation.override(settings.LANGUAGE_CODE):
            self.generate(**options)

    def generate(self, *, kind, year, half, scope, language, note, variant, sync, **options):
        try:
            report = services.report_request(
                actor=None,
                kind=kind,
                year=year,
                half=half,
                language=language,
                note=note,
                pdf_variant=variant,
                enqueue=not sync,
                **parse_scope(scope),
            )
        except ValidationError as error:
            problems = [message for messages in error.message_dict.values() for message in messages]
            raise CommandError("; ".join(problems)) from error
        except PermissionDenied as error:  # pragma: no cover - the system may request anything
            raise CommandError(str(error)) from error
        self.stdout.write(str(report.pk))
        if not sync:
            return
        report = services.report_build(report_id=report.pk)
        if report.status != ReportStatus.DONE:
            raise CommandError(_("Report %(id)s failed: %(error)s") % {"id": report.pk, "error": report.error})
        try:
            self.stdout.write(default_storage.path(report.file.name))
        except NotImplementedError:  # an S3 bucket: the name inside it
            self.stdout.write(report.file.name)
