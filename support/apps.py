from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support to municipalities")

    def ready(self) -> None:
        from support.api import track_changes
        from support.privacy import register

        track_changes()
        register()
