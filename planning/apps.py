from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Safety planning")

    def ready(self) -> None:
        from planning.api import track_changes

        track_changes()
