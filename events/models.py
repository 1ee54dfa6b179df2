"""Public events: the people who speak at them, registrations taken on a public page, attendance,
materials sent afterwards and the registrants' feedback.

A registrant's name, e-mail and accessibility needs are personal data: encrypted at rest, never in
the API, erased on request (``events.privacy``). Partners see counts only (``reports``).
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Timestamped
from negotiators.models import OutreachEvent
from privacy.anonymous import person_label
from privacy.crypto import IndexKind, normalise_text, token
from privacy.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField
from privacy.visibility import personal_data_shown
from programmes.models import Document


class ContributorRole(models.TextChoices):
    SPEAKER = "speaker", _("Speaker")
    MODERATOR = "moderator", _("Moderator")
    TRAINER = "trainer", _("Trainer")
    OFFICIAL = "official", _("Official")
    INTERPRETER = "interpreter", _("Interpreter")


class Person(Timestamped):
    """Someone who is not a negotiator and speaks, moderates, trains or represents a body at events.
    The name and organisation are shown on public event pages; the contacts are personal data."""

    full_name = models.CharField(_("full name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = EncryptedEmailField(_("e-mail"), blank=True)
    phone = EncryptedCharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("speaker or official")
        verbose_name_plural = _("speakers and officials")
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.organisation})" if self.organisation else self.full_name


class Contributor(models.Model):
    """A person's part in one event."""

    event = models.ForeignKey(
        OutreachEvent, on_delete=models.CASCADE, related_name="contributors", verbose_name=_("event")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=12, choices=ContributorRole.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("speaker or moderator")
        verbose_name_plural = _("speakers and moderators")
        ordering = ["event", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person", "role"], name="contributor_once_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_role_display()}"


class AudienceRole(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("Local-government official")
    INTEGRATION = "integration", _("Integration specialist")
    EMPLOYMENT_CENTRE = "employment_centre", _("Employment centre")
    SOCIAL_SERVICES = "social_services", _("Social services")
    POLICE = "police", _("Police")
    NGO = "ngo", _("NGO")
    RESIDENT = "resident", _("Resident")
    OTHER = "other", _("Other")


class ConsentText(models.Model):
    """A version of the consent to data processing a registrant agrees to. Never edited once used:
    a change is a new version, and each registration keeps the version it agreed to."""

    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    text = models.TextField(_("text"))
    effective_from = models.DateTimeField(_("in force from"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["-version", "language"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="consent_text_unique_version_language"),
        ]

    def __str__(self) -> str:
        return _("Consent, version %(version)d (%(language)s)") % {"version": self.version, "language": self.language}

    @classmethod
    def current(cls, language: str) -> "ConsentText | None":
        """The latest version, in ``language`` if it has that language, else in the portal's."""
        latest = cls.objects.order_by("-version").values_list("version", flat=True).first()
        if latest is None:
            return None
        texts = cls.objects.filter(version=latest)
        return (
            texts.filter(language=language).first()
            or texts.filter(language=settings.LANGUAGE_CODE).first()
            or texts.first()
        )


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


def email_token(email: str) -> str:
    """The blind token of an address: the same for the same address however it is cased."""
    return token(IndexKind.EMAIL, normalise_text(email))


class Registration(Timestamped):
    """One person's registration for an event, from the public page or added by staff."""

    event = models.ForeignKey(
        OutreachEvent, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    full_name = EncryptedCharField(_("full name"), max_length=200)
    email = EncryptedEmailField(_("e-mail"))
    email_token = models.CharField(max_length=64, editable=False)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=AudienceRole.choices)
    community = models.ForeignKey(
        Community,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("community"),
    )
    question = models.TextField(_("question to the speakers"), blank=True, max_length=2000)
    accessibility_needs = EncryptedTextField(_("accessibility needs"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    consent = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("consent given")
    )
    consented_at = models.DateTimeField(_("consent given at"))
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    bounced = models.BooleanField(_("address bounced"), default=False)
    reminded_day_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_hour_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email_token"], name="registration_once_per_address"),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return person_label(self.full_name) if personal_data_shown() else self.view_log_label()

    def view_log_label(self) -> str:
        return _("Registration #%(id)s") % {"id": self.pk}

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email_token = email_token(self.email) if self.email else ""
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.email and self.event_id:
            others = Registration.objects.filter(event_id=self.event_id, email_token=email_token(self.email))
            if others.exclude(pk=self.pk).exists():
                raise ValidationError({"email": _("This address is already registered for this event.")})


class MailingAudience(models.TextChoices):
    ATTENDED = "attended", _("Those who attended")
    REGISTERED = "registered", _("Everyone registered")


class MaterialsMailing(Timestamped):
    """Materials sent to an event's registrants after it: documents from the library and links."""

    event = models.ForeignKey(OutreachEvent, on_delete=models.CASCADE, related_name="mailings", verbose_name=_("event"))
    audience = models.CharField(
        _("send to"), max_length=12, choices=MailingAudience.choices, default=MailingAudience.ATTENDED
    )
    documents = models.ManyToManyField(Document, blank=True, related_name="mailings", verbose_name=_("documents"))
    links = models.TextField(_("links"), blank=True, help_text=_("One address per line."))
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("materials mailing")
        verbose_name_plural = _("materials mailings")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Materials of %(event)s") % {"event": self.event}

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")


class Delivery(models.Model):
    """One registrant's copy of a mailing, with what became of it."""

    mailing = models.ForeignKey(
        MaterialsMailing, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("mailing")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("registration")
    )
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["mailing", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "registration"], name="delivery_once_per_registration"),
        ]

    def __str__(self) -> str:
        return f"{self.registration}: {self.get_status_display()}"


class Feedback(models.Model):
    """A registrant's rating of an event (1 to 5) and comment, from the link in the materials."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("registration")
    )
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5"
