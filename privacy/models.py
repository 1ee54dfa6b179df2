"""What the portal records about personal data: who viewed it (``privacy.viewlog``), and what proves
an erasure, a redaction or a retention run happened without keeping what was erased."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ViewChannel(models.TextChoices):
    ADMIN = "admin", _("Admin")
    FIELD = "field", _("Field app")
    API = "api", _("API")
    EXPORT = "export", _("Export")
    # The portal's own pages (a community profile): neither the admin nor the field app.
    PORTAL = "portal", _("Portal pages")


class PersonalDataView(models.Model):
    """Someone was shown a record holding personal data (a list showing names counts too).

    The label names the record without its personal data ("party #12 of case #5"). Rows are never
    edited; the user is kept as a name too, so that deleting an account leaves its trail readable.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    viewed_at = models.DateTimeField(_("viewed at"), default=timezone.now, db_index=True)
    channel = models.CharField(_("channel"), max_length=8, choices=ViewChannel.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("kind of record"))
    object_id = models.CharField(_("record id"), max_length=64)
    label = models.CharField(_("record"), max_length=200)
    path = models.CharField(_("path"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-viewed_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="privacy_view_record")]

    def __str__(self) -> str:
        return f"{self.username or '-'} · {self.label} · {self.viewed_at:%Y-%m-%d %H:%M}"


# --- erasure, redaction and retention (privacy.erasure, privacy.retention) ------------------------


class ErasureSource(models.TextChoices):
    ADMIN = "admin", _("Admin")
    COMMAND = "command", _("Command")
    RETENTION = "retention", _("Retention period")


class ErasureRecord(models.Model):
    """One person anonymised: who did it, when, which record and why; never the erased values."""

    kind = models.CharField(_("kind"), max_length=32)
    object_id = models.PositiveBigIntegerField(_("record id"))
    token = models.CharField(_("anonymous id"), max_length=16, unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    source = models.CharField(_("how"), max_length=12, choices=ErasureSource.choices)
    reason = models.TextField(_("reason"), blank=True)
    history_rows = models.PositiveIntegerField(_("history rows changed"), default=0)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "object_id"], name="erasure_kind_object")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.token})"


class Redaction(models.Model):
    """Free text of a record replaced, in the record and its change history, with a reason."""

    kind = models.CharField(_("kind"), max_length=32)
    object_id = models.PositiveBigIntegerField(_("record id"))
    fields = models.JSONField(_("fields"), default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    reason = models.TextField(_("reason"))
    history_rows = models.PositiveIntegerField(_("history rows changed"), default=0)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("redaction")
        verbose_name_plural = _("redactions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "object_id"], name="redaction_kind_object")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}: {', '.join(self.fields)}"


class RetentionMark(models.Model):
    """How far back a retention rule that walks rows by date has already gone (its last cutoff),
    so the daily run looks only at what aged past the period since the previous run."""

    rule = models.CharField(_("rule"), max_length=64, unique=True)
    covered_until = models.DateTimeField(_("covered until"))

    class Meta:
        verbose_name = _("retention mark")
        verbose_name_plural = _("retention marks")

    def __str__(self) -> str:
        return f"{self.rule}: {self.covered_until:%Y-%m-%d}"
