from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.urls import reverse
from django.utils import translation

from mail.sending import send


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with the link sent by the portal's e-mail (Celery, retries, HTML and
    text) in the language the request was made in."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        send(
            "password_reset",
            to=[to_email],
            context={"user": context["user"], "reset_url": f"{context['protocol']}://{context['domain']}{path}"},
            language=translation.get_language() or settings.LANGUAGE_CODE,
            from_email=from_email,
        )
