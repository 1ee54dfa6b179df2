"""What the API machinery keeps: partners' keys, the log of requests made with them, and the
idempotency keys of retried writes (the API's and the field app's).

The tables keep the names they had when these models lived in ``communities`` and
``negotiators`` (``api/migrations/0001_initial.py`` moved them without touching the data).
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A key a partner organisation (or a staff user) uses to pull data over the API.

    Only a SHA-256 hash of the key is kept: keys are long random tokens, so a fast hash is as safe
    as a slow one here and keeps every request cheap. The short ``prefix`` is not secret; it finds
    the row without scanning all hashes. The key itself is shown once, when it is issued
    (:func:`api.keys.api_key_issue`).
    """

    partner = models.ForeignKey(
        "communities.PartnerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_keys",
        verbose_name=_("partner organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_keys",
        verbose_name=_("staff user"),
        help_text=_("Only for keys of NGO staff; partner keys belong to the organisation."),
    )
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("What the key is for, e.g. “M&E sync”."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, help_text=_("Leave empty for no expiry."))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        db_table = "communities_apikey"
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=False, user__isnull=True) | Q(partner__isnull=True, user__isnull=False),
                name="apikey_belongs_to_partner_or_user",
            ),
        ]

    def __str__(self) -> str:
        owner = self.partner or self.user
        label = f"{owner} · {self.prefix}…"
        return f"{label} ({self.name})" if self.name else label

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ApiRequest(models.Model):
    """One request made with an API key: who pulled what, when, and what they got."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests", verbose_name=_("API key"))
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    query = models.CharField(_("query"), max_length=2000, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status"))
    requested_at = models.DateTimeField(_("requested at"), db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        db_table = "communities_apirequest"
        verbose_name = _("API request")
        verbose_name_plural = _("API request log")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["api_key", "requested_at"], name="apirequest_key_requested")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status_code}"


class IdempotencyKey(models.Model):
    """A key a client sends with a write (``Idempotency-Key``), so that a retried or double-tapped
    submission returns the first result instead of writing twice. Kept with the response it got.

    Keys belong to whoever wrote: a user, or a partner organisation writing with its API key (it
    has no user); two owners may use the same key without meeting."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    partner = models.ForeignKey(
        "communities.PartnerOrganisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner organisation"),
    )
    key = models.CharField(_("key"), max_length=128)
    scope = models.CharField(_("scope"), max_length=128, help_text=_("What the key was used for, e.g. a URL."))
    fingerprint = models.CharField(_("fingerprint"), max_length=64, help_text=_("SHA-256 of the submitted data."))
    status_code = models.PositiveSmallIntegerField(_("status code"))
    response = models.JSONField(_("response"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        db_table = "negotiators_idempotencykey"
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, partner__isnull=True) | Q(user__isnull=True, partner__isnull=False),
                name="idempotency_key_has_one_owner",
            ),
            models.UniqueConstraint(
                fields=["user", "key"], condition=Q(user__isnull=False), name="idempotency_key_unique_per_user"
            ),
            models.UniqueConstraint(
                fields=["partner", "key"],
                condition=Q(partner__isnull=False),
                name="idempotency_key_unique_per_partner",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class ChangeAudience(models.TextChoices):
    """Whose copy a change row concerns (``api.feed`` reads only the rows of its caller)."""

    # Everyone who reads the collection (modules; media mentions about the whole programme).
    EVERYONE = "everyone", _("everyone")
    # Staff, and whoever sees ``community``.
    COMMUNITY = "community", _("community")
    # Staff, and partner organisation ``partner`` (its own record).
    PARTNER = "partner", _("partner organisation")
    # Only partner organisation ``partner``: ``community`` entered or left its coverage.
    COVERAGE = "coverage", _("coverage")
    # Only those who see every community (a region without communities).
    STAFF = "staff", _("staff")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")


class Change(models.Model):
    """One record of an API collection changed, in commit order: the change feed
    (``/api/v1/changes/``) and webhooks read these rows, the record's representation is read when
    the feed is. A record in several communities (or moved between two) has a row per community.

    ``id`` is the sequence: rows are written under one lock held until commit
    (:mod:`api.changes`), so a row never becomes visible after a row with a higher id. No foreign
    keys: the community or the record may be gone when the row is read.
    """

    id = models.BigAutoField(primary_key=True)
    collection = models.CharField(_("collection"), max_length=40)
    object_id = models.BigIntegerField(_("record"))
    action = models.CharField(_("change"), max_length=6, choices=ChangeAction.choices)
    audience = models.CharField(_("concerns"), max_length=9, choices=ChangeAudience.choices)
    community_id = models.IntegerField(_("community"), null=True, blank=True)
    partner_id = models.IntegerField(_("partner organisation"), null=True, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [
            models.Index(fields=["community_id", "id"], name="change_community_seq"),
            models.Index(fields=["partner_id", "id"], name="change_partner_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.collection}/{self.object_id}"
