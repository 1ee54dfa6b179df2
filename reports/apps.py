import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Monitoring reports")

    def ready(self):
        # WeasyPrint announces every rendering step at INFO (some as soon as it is imported); its
        # warnings about the document still show.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

        from programmes import figures
        from reports import cache
        from reports.results import figure_catalogue

        # Programmes may not import reports: the results framework learns the figures from here.
        figures.register(figure_catalogue)
        # Every write to what the indicators read changes their cache's data version.
        cache.connect()
