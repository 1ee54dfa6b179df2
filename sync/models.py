"""Webhooks: the change feed pushed to a partner organisation's URL (:mod:`sync.webhooks`)."""

import secrets
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.models import PartnerOrganisation
from privacy.fields import EncryptedCharField

# Where http:// is allowed outside DEBUG: this machine (a receiver next to the portal, the tests).
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def new_secret() -> str:
    return secrets.token_hex(32)


def validate_webhook_url(url: str) -> None:
    """An http(s) address without credentials; https unless it is this machine (or DEBUG)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(gettext("Give an https:// address."), code="scheme")
    if parts.username or parts.password:
        raise ValidationError(
            gettext("Leave the user name and password out of the address: the signature says who is calling."),
            code="credentials",
        )
    if parts.scheme == "http" and not settings.DEBUG and parts.hostname not in LOCAL_HOSTS:
        raise ValidationError(gettext("Give an https:// address: http:// only reaches this machine."), code="https")


class Webhook(models.Model):
    """A URL of a partner organisation that receives, in order, every change its change feed
    lists, signed with ``secret``. ``cursor`` is the sequence of the change log delivered so
    far; the lease keeps a second worker from delivering the same webhook at the same time."""

    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("partner organisation")
    )
    url = models.URLField(
        _("URL"),
        max_length=500,
        validators=[validate_webhook_url],
        help_text=_("Where the changes are posted: an https:// address (http:// only for this machine)."),
    )
    # Stored encrypted (it signs what the partner receives), readable by staff in the admin.
    secret = EncryptedCharField(_("signing secret"), max_length=64, default=new_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    cursor = models.BigIntegerField(_("delivered up to change"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_success_at = models.DateTimeField(_("last delivered at"), null=True, blank=True, editable=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True, editable=False)
    given_up_at = models.DateTimeField(_("given up at"), null=True, blank=True, editable=False)
    # The head of the change log when delivery was given up: a later change starts it again.
    given_up_head = models.BigIntegerField(null=True, blank=True, editable=False)
    lease = models.UUIDField(null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["partner__name", "pk"]

    def __str__(self) -> str:
        return f"{self.partner}: {self.url}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")
    GIVEN_UP = "given_up", _("given up")


class WebhookDelivery(models.Model):
    """One POST to a webhook and its attempts: a page of the change feed (changes after
    ``since_sequence`` up to ``until_sequence``) or a test event. Retries send the same body
    (the same ``event_id``) until it is delivered; the body is dropped once it is."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook"))
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    is_test = models.BooleanField(_("test event"), default=False)
    created_at = models.DateTimeField(_("created at"))
    item_count = models.PositiveIntegerField(_("records"), default=0)
    since_sequence = models.BigIntegerField(_("after change"), default=0)
    until_sequence = models.BigIntegerField(_("up to change"), default=0)
    body = models.BinaryField(editable=False, default=b"")
    state = models.CharField(_("state"), max_length=9, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["webhook", "state"], name="delivery_webhook_state")]

    def __str__(self) -> str:
        return str(self.event_id)
