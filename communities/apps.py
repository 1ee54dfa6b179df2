from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities and partners")

    def ready(self) -> None:
        from communities.api import track_changes

        track_changes()
