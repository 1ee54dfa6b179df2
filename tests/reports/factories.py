import hashlib

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from reports.models import MonitoringReport, ReportKind, ReportScope, ReportStatus

# The smallest file the report checks accept as a PDF.
PDF = b"%PDF-1.7\n% a tiny stand-in\n%%EOF\n"


class MonitoringReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringReport

    kind = ReportKind.ANNUAL
    year = 2025
    scope = ReportScope.PROGRAMME
    language = "uk"


def done_report(**fields) -> MonitoringReport:
    """A report that is done, with a small stand-in PDF in the default storage."""
    report = MonitoringReportFactory.create(**fields)
    report.file.name = default_storage.save(f"reports/2025/test-{report.pk}.pdf", ContentFile(PDF))
    report.file_size = len(PDF)
    report.checksum = hashlib.sha256(PDF).hexdigest()
    report.status = ReportStatus.DONE
    report.progress = 100
    report.started_at = report.finished_at = timezone.now()
    report.save()
    return report
