from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NegotiatorsConfig(AppConfig):
    name = "negotiators"
    verbose_name = _("Negotiators and outreach")

    def ready(self) -> None:
        from negotiators import privacy
        from negotiators.api import track_changes

        privacy.register()
        track_changes()
