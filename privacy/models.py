"""The log of who viewed personal data: one row per record shown, written by ``privacy.viewlog``."""

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
