from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and webinars")

    def ready(self) -> None:
        # The registrants' personal data; the materials' task and the receivers of the mail signals
        # that keep deliveries' status (connected on import); a confirmation that bounced.
        from events import mailing, privacy  # noqa: F401
        from events.services import mark_bounced
        from mail.signals import message_failed

        privacy.register()
        message_failed.connect(mark_bounced, dispatch_uid="events.registration.bounced")
