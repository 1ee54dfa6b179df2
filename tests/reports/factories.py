import hashlib

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from reports.models import MonitoringReport, ReportKind, ReportScope, ReportStatus

# The smallest file the report checks accept as a PDF.
PDF = b"%PDF-1.7\n% a tiny stand-in\n%%EOF\n"
# A stand-in for the DOCX (the report checks look at the zip signature and the main part's name).
DOCX = b"PK\x03\x04 a tiny stand-in: word/document.xml"


class MonitoringReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringReport

    kind = ReportKind.ANNUAL
    year = 2025
    scope = ReportScope.PROGRAMME
    language = "uk"


def done_report(*, docx: bool = True, **fields) -> MonitoringReport:
    """A report that is done, with a small stand-in PDF (and DOCX, unless ``docx`` is False, as
    for a report built before DOCX versions existed) in the default storage."""
    report = MonitoringReportFactory.create(**fields)
    report.file.name = default_storage.save(f"reports/2025/test-{report.pk}.pdf", ContentFile(PDF))
    report.file_size = len(PDF)
    report.checksum = hashlib.sha256(PDF).hexdigest()
    if docx:
        report.docx_file.name = default_storage.save(f"reports/2025/test-{report.pk}.docx", ContentFile(DOCX))
        report.docx_size = len(DOCX)
        report.docx_checksum = hashlib.sha256(DOCX).hexdigest()
    report.status = ReportStatus.DONE
    report.progress = 100
    report.started_at = report.finished_at = timezone.now()
    report.save()
    return report
