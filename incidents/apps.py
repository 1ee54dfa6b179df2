from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Safety incidents")

    def ready(self) -> None:
        from incidents import privacy
        from incidents.api import track_changes

        privacy.register()
        track_changes()
