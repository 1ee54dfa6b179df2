import factory

from reports.models import MonitoringReport, ReportKind, ReportScope


class MonitoringReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringReport

    kind = ReportKind.ANNUAL
    year = 2025
    scope = ReportScope.PROGRAMME
    language = "uk"
