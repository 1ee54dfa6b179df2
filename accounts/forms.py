import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from mail.sending import send

RESET_MAIL_WINDOW_SECONDS = 3600


def reset_mail_allowed(address: str) -> bool:
    """At most ``PASSWORD_RESET_MAILS_PER_HOUR`` reset mails to one address: the form must not be a
    way to flood someone's mailbox. Counted by a hash of the address (the cache holds no address)."""
    key = "accounts:password-reset:" + hashlib.sha256(address.lower().encode()).hexdigest()
    cache.add(key, 0, timeout=RESET_MAIL_WINDOW_SECONDS)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=RESET_MAIL_WINDOW_SECONDS)
        sent = 1
    return sent <= settings.PASSWORD_RESET_MAILS_PER_HOUR


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with the link sent by the portal's e-mail (Celery, retries, HTML and
    text) in the language the request was made in. The page that follows is the same whether a
    mail went, went to no account, or was held back by the hourly limit."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        if not reset_mail_allowed(to_email):
            return
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        send(
            "password_reset",
            to=[to_email],
            context={"user": context["user"], "reset_url": f"{context['protocol']}://{context['domain']}{path}"},
            language=translation.get_language() or settings.LANGUAGE_CODE,
            from_email=from_email,
        )
