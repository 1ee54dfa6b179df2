from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and webinars")

    def ready(self) -> None:
        # The materials' task, and the receivers of the mail signals that keep deliveries' status.
        from events import mailing  # noqa: F401
