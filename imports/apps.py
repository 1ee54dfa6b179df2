from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Spreadsheet import")

    def ready(self) -> None:
        from imports.demo import seed_demo_import
        from reports.demo import add_demo_step

        # The demo is built by reports, which may not import this app: the step is handed down.
        add_demo_step(seed_demo_import)
