from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        # The rules that belong to no domain (the login-failure log) register on import.
        from privacy import retention  # noqa: F401
