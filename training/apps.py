from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("School of negotiators")

    def ready(self) -> None:
        from training.api import track_changes

        track_changes()
