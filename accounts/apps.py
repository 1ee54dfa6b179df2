"""Signing in and staying safe: login throttling, two factors, passwords, session lifetimes."""

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def start_session_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from accounts.sessions import lifetime_of, start_session

    if request is not None and hasattr(request, "session"):
        start_session(request.session, lifetime_of(user))


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # Connects the receivers that log failed logins and lockouts.
        from accounts import lockout  # noqa: F401

        user_logged_in.connect(start_session_on_login, dispatch_uid="accounts.start_session_on_login")
