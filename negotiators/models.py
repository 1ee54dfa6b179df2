"""Social negotiators and what they do in public: outreach events and the media that covered them."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import (
    EARLIEST_DATE_MESSAGE,
    EARLIEST_RECORD_DATE,
    PROGRAMME_HELP,
    Community,
    Timestamped,
    Topic,
)
from privacy.anonymous import person_label
from privacy.crypto import IndexKind
from privacy.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField, EncryptedTextField
from privacy.visibility import personal_data_shown
from programmes.models import Campaign, Programme


class Cohort(models.TextChoices):
    PILOT = "pilot", _("Pilot graduate")
    NEW = "new", _("New cohort")


class NegotiatorStatus(models.TextChoices):
    """Ordered: each status includes the ones before it. Set by ``training.services`` from the
    modules a negotiator completed, never typed in."""

    CANDIDATE = "candidate", _("Candidate")
    TRAINED = "trained", _("Trained")
    CERTIFIED = "certified", _("Certified")
    ADVANCED = "advanced", _("Advanced")


class Negotiator(Timestamped):
    """A respected local resident trained to mediate between residents, police and local government.

    This row holds only what may be shared with partners; the person's name and contacts are in
    :class:`NegotiatorContact`.
    """

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="negotiators", verbose_name=_("community")
    )
    cohort = models.CharField(_("cohort"), max_length=8, choices=Cohort.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=NegotiatorStatus.choices,
        default=NegotiatorStatus.CANDIDATE,
        help_text=_("Follows from the modules completed."),
    )
    certified_on = models.DateField(
        _("certified on"),
        null=True,
        blank=True,
        help_text=_("Set automatically when all basic modules are completed; pilot graduates keep their earlier date."),
    )
    joined_on = models.DateField(_("joined on"))
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="negotiator",
        verbose_name=_("login"),
    )

    history = HistoricalRecords(verbose_name=_("historical negotiator"))

    class Meta:
        verbose_name = _("negotiator")
        verbose_name_plural = _("negotiators")
        ordering = ["community", "id"]
        indexes = [models.Index(fields=["community", "status"], name="negotiator_community_status")]

    def __str__(self) -> str:
        # The name is the contact's personal data: only for viewers who read it (privacy.visibility).
        if personal_data_shown():
            try:
                return person_label(self.contact.full_name)
            except NegotiatorContact.DoesNotExist:
                pass
        return _("Negotiator #%(id)s") % {"id": self.pk}


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNSPECIFIED = "unspecified", _("Not specified")


class NegotiatorContact(models.Model):
    """Personal data of a negotiator. Never leaves the portal: the API has no serializer for it."""

    negotiator = models.OneToOneField(
        Negotiator, on_delete=models.CASCADE, primary_key=True, related_name="contact", verbose_name=_("negotiator")
    )
    # Encrypted at rest (privacy.fields), notes too; gender stays clear: the reports count it.
    # Searched through search_index.
    full_name = EncryptedCharField(_("full name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, default=Gender.UNSPECIFIED)
    phone = EncryptedCharField(_("phone"), max_length=32, blank=True)
    email = EncryptedEmailField(_("e-mail"), blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    search_index = BlindIndexField(
        sources={"full_name": IndexKind.NAME, "phone": IndexKind.PHONE, "email": IndexKind.EMAIL}
    )

    history = HistoricalRecords(verbose_name=_("historical negotiator contact"))

    class Meta:
        verbose_name = _("negotiator contact")
        verbose_name_plural = _("negotiator contacts")

    def __str__(self) -> str:
        return person_label(self.full_name) if personal_data_shown() else self.view_log_label()

    def view_log_label(self) -> str:
        """How the view log names the contact, without personal data."""
        return _("Contact of negotiator #%(id)s") % {"id": self.pk}


class EventKind(models.TextChoices):
    INFORMATION_SESSION = "information_session", _("Information session")
    ROUND_TABLE = "round_table", _("Round table")
    PUBLIC_MEETING = "public_meeting", _("Public meeting")
    FORUM = "forum", _("Forum")
    PRESS_CONFERENCE = "press_conference", _("Press conference")
    TRAINING = "training", _("Training")
    WEBINAR = "webinar", _("Webinar")
    ADVOCACY_ACTION = "advocacy_action", _("Advocacy action")


# Participant groups that are each a part of the total (a person may be in several).
PARTICIPANT_GROUPS = ("participants_youth", "participants_idps", "participants_veterans", "participants_vulnerable")


class OutreachEvent(Timestamped):
    """An information and education event held by negotiators in a community."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="events", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        blank=True,
        related_name="events",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    organisers = models.ManyToManyField(
        Negotiator, related_name="events", blank=True, verbose_name=_("organising negotiators")
    )
    participants_total = models.PositiveIntegerField(_("participants"))
    participants_women = models.PositiveIntegerField(_("women"), default=0)
    participants_men = models.PositiveIntegerField(_("men"), default=0)
    participants_youth = models.PositiveIntegerField(_("youth"), default=0)
    participants_idps = models.PositiveIntegerField(_("IDPs"), default=0)
    participants_veterans = models.PositiveIntegerField(_("veterans"), default=0)
    participants_vulnerable = models.PositiveIntegerField(_("other vulnerable groups"), default=0)
    police_present = models.BooleanField(_("police present"), default=False)
    local_government_present = models.BooleanField(_("local government present"), default=False)
    ngos_present = models.BooleanField(_("NGOs present"), default=False)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Shared with partners: no names."))
    internal_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never shared outside the NGO."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("advocacy campaign"),
        help_text=_("The advocacy campaign it was part of, if any."),
    )

    class Meta:
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants_total__gte=F("participants_women") + F("participants_men")),
                name="event_women_and_men_within_total",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{group}__lte": F("participants_total")}), name=f"event_{group}_within_total"
                )
                for group in PARTICIPANT_GROUPS
            ],
        ]
        indexes = [
            models.Index(fields=["community", "date"], name="event_community_date"),
            models.Index(fields=["date"], name="event_date"),
            models.Index(fields=["kind", "date"], name="event_kind_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A write path that did not validate (a command, a fixture) still gets the default.
        if self.programme_id is None:
            Programme.attribute(self, self.community if self.community_id else None, self.date)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        total = self.participants_total
        if total is not None:
            if (self.participants_women or 0) + (self.participants_men or 0) > total:
                errors["participants_men"] = _("Women and men together cannot exceed the total (%(total)d).") % {
                    "total": total
                }
            for group in PARTICIPANT_GROUPS:
                if (getattr(self, group) or 0) > total:
                    errors[group] = _("Cannot exceed the total number of participants (%(total)d).") % {"total": total}
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("The event cannot be in the future: log it once it has taken place.")
        if self.date and self.date < EARLIEST_RECORD_DATE:
            errors["date"] = EARLIEST_DATE_MESSAGE
        if errors:
            raise ValidationError(errors)
        if self.community_id:
            Programme.attribute(self, self.community, self.date)
        check_campaign(self)


def check_campaign(record: "OutreachEvent | MediaMention") -> None:
    """An event or a media mention is part of a campaign of its own programme only."""
    campaign = record.campaign if record.campaign_id else None
    if campaign is not None and record.programme_id and campaign.programme_id != record.programme_id:
        raise ValidationError(
            {
                "campaign": _("Campaign “%(campaign)s” belongs to programme %(code)s, not to this record's.")
                % {"campaign": campaign, "code": campaign.programme.code}
            }
        )


class Medium(models.TextChoices):
    TV = "tv", _("Television")
    RADIO = "radio", _("Radio")
    PRINT = "print", _("Print")
    ONLINE = "online", _("Online")
    SOCIAL = "social", _("Social media")


class MediaMention(Timestamped):
    """A mention of the programme in the media, with the outlet's estimated audience."""

    outlet = models.CharField(_("outlet"), max_length=200)
    medium = models.CharField(_("medium"), max_length=8, choices=Medium.choices)
    published_on = models.DateField(_("published on"))
    title = models.CharField(_("headline"), max_length=300)
    url = models.URLField(_("link"), max_length=500, blank=True)
    reach = models.PositiveIntegerField(_("estimated reach"), default=0)
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="media_mentions",
        verbose_name=_("community"),
        help_text=_("Leave empty when the mention is about the whole programme."),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        blank=True,
        related_name="media_mentions",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    event = models.ForeignKey(
        OutreachEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="media_mentions",
        verbose_name=_("outreach event"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="media_mentions",
        verbose_name=_("advocacy campaign"),
        help_text=_("The advocacy campaign it was part of, if any."),
    )

    class Meta:
        verbose_name = _("media mention")
        verbose_name_plural = _("media mentions")
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["published_on"], name="mention_published"),
            models.Index(fields=["community", "published_on"], name="mention_community_published"),
        ]

    def __str__(self) -> str:
        return f"{self.outlet}: {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A write path that did not validate (a command, a fixture) still gets the default.
        if self.programme_id is None:
            Programme.attribute(self, self.community if self.community_id else None, self.published_on)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        community = self.community if self.community_id else None
        Programme.attribute(self, community, self.published_on)
        check_campaign(self)
