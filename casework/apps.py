from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Case work")

    def ready(self) -> None:
        from casework import privacy

        privacy.register()
        # The incident's admin and field page with their referrals (incidents cannot know them).
        from casework import incident_admin  # noqa: F401
        from casework.incident_api import track_changes
        from casework.incident_views import register

        register()
        track_changes()
