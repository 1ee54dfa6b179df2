from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes and donors")

    def ready(self) -> None:
        from programmes.api import track_changes

        track_changes()
