"""Social negotiators and what they do in public: outreach events and the media that covered them."""

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
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
from privacy.location import location_constraints, location_errors, location_fields, round_to_stored
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


class EventStatus(models.TextChoices):
    """The life cycle: planned, then held, cancelled or postponed (a postponed event gets a new
    date and is planned again). Only held events count in the figures."""

    PLANNED = "planned", pgettext_lazy("event status", "Planned")
    HELD = "held", pgettext_lazy("event status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")
    POSTPONED = "postponed", pgettext_lazy("event status", "Postponed")


# Where each status may go next; a held event may still be corrected (its figures), not re-planned.
EVENT_STATUS_MOVES: dict[str, frozenset[str]] = {
    EventStatus.PLANNED: frozenset({EventStatus.HELD, EventStatus.CANCELLED, EventStatus.POSTPONED}),
    EventStatus.POSTPONED: frozenset({EventStatus.PLANNED, EventStatus.CANCELLED}),
    EventStatus.CANCELLED: frozenset({EventStatus.PLANNED}),
    EventStatus.HELD: frozenset(),
}


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", pgettext_lazy("event format", "Online")
    HYBRID = "hybrid", _("Hybrid")


class EventLanguage(models.TextChoices):
    UKRAINIAN = "uk", _("Ukrainian")
    ENGLISH = "en", _("English")
    CZECH = "cs", _("Czech")
    RUSSIAN = "ru", _("Russian")
    POLISH = "pl", _("Polish")
    KAZAKH = "kk", _("Kazakh")
    KYRGYZ = "ky", _("Kyrgyz")
    UZBEK = "uz", _("Uzbek")


class EventSeries(Timestamped):
    """Events that belong together, such as a webinar in parts (part 1 of 2, part 2 of 2)."""

    title = models.CharField(_("title"), max_length=200)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="event_series", verbose_name=_("programme")
    )
    parts = models.PositiveSmallIntegerField(
        _("number of parts"), default=2, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )

    class Meta:
        verbose_name = _("event series")
        verbose_name_plural = _("event series")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


def automatic_event_title(kind: str, place: str) -> str:
    """The title of an event logged without one, in the active language: its kind, and its place
    when it has one (the place stays as typed)."""
    label = str(EventKind(kind).label) if kind in EventKind.values else kind
    return (f"{label}, {place}" if place else label)[:200]


# Participant groups that are each a part of the total (a person may be in several).
PARTICIPANT_GROUPS = ("participants_youth", "participants_idps", "participants_veterans", "participants_vulnerable")


class OutreachEvent(Timestamped):
    """An information and education event in a community: planned ahead or logged once held,
    in person or online, perhaps a part of a series, perhaps open for public registration
    (``events`` keeps the registrants)."""

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("community"),
        help_text=_("The host community; for a regional or online event, the organising one."),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    # An automatic title is rendered from the kind and the place in each reader's language
    # (``display_title``); ``title`` then keeps it in the portal's language, for search.
    title_is_automatic = models.BooleanField(
        _("automatic title"), default=False, help_text=_("Made of the kind and the place, in each reader's language.")
    )
    status = models.CharField(_("status"), max_length=12, choices=EventStatus.choices, default=EventStatus.HELD)
    date = models.DateField(_("date"), help_text=_("Follows from the start when a start time is given."))
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("duration, minutes"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 7)]
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Where the start time is given, for example Europe/Kyiv; empty for the portal's."),
    )
    format = models.CharField(_("format"), max_length=12, choices=EventFormat.choices, default=EventFormat.IN_PERSON)
    meeting_link = models.URLField(
        _("meeting link"), max_length=500, blank=True, help_text=_("Given only to registrants, never published.")
    )
    stream_link = models.URLField(_("public stream link"), max_length=500, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    interpretation = models.BooleanField(_("with interpretation"), default=False)
    series = models.ForeignKey(
        EventSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("series"),
    )
    part = models.PositiveSmallIntegerField(_("part"), null=True, blank=True, validators=[MinValueValidator(1)])
    audience_communities = models.ManyToManyField(
        Community,
        blank=True,
        related_name="events_attended",
        verbose_name=_("audience communities"),
        help_text=_("The communities the audience came from, when not only the host."),
    )
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("Public when the event is open for registration."))
    registration_open = models.BooleanField(
        _("open for registration"), default=False, help_text=_("A public page takes registrations until the start.")
    )
    slug = models.SlugField(
        _("address"),
        max_length=80,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The public page is /e/<address>/."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Registrations beyond it join the waiting list.")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        blank=True,
        related_name="events",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    # The phone's position, added only when the user taps "use my location" (privacy.location).
    latitude, longitude, location_accuracy_m = location_fields()
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

    # Who changed what, and from where (a correction from the field app says so).
    history = HistoricalRecords(verbose_name=_("historical outreach event"), excluded_fields=["languages"])

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
            *location_constraints("event"),
        ]
        indexes = [
            models.Index(fields=["community", "date"], name="event_community_date"),
            models.Index(fields=["date"], name="event_date"),
            models.Index(fields=["kind", "date"], name="event_kind_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.display_title}"

    @property
    def display_title(self) -> str:
        """The title to show: an automatic one in the active language, a typed one as typed."""
        return automatic_event_title(self.kind, self.place) if self.title_is_automatic else self.title

    def store_automatic_title(self) -> None:
        """Keep the stored text of an automatic title in step with its parts."""
        if self.title_is_automatic:
            with translation.override(settings.LANGUAGE_CODE):
                self.title = automatic_event_title(self.kind, self.place)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone or settings.TIME_ZONE)

    @property
    def ends_at(self) -> datetime | None:
        if self.starts_at is None:
            return None
        return self.starts_at + timedelta(minutes=self.duration_minutes or 0)

    @property
    def is_over(self) -> bool:
        """Ended (its start and duration) or, without a start time, its day is past."""
        if self.starts_at is not None:
            return (self.ends_at or self.starts_at) <= timezone.now()
        return bool(self.date and self.date < timezone.localdate())

    @property
    def counts(self) -> bool:
        """Only held events count in the figures."""
        return self.status == EventStatus.HELD

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.store_automatic_title()
        if self.starts_at is not None:
            self.date = self.starts_at.astimezone(self.zone).date()
        # A write path that did not validate (a command, a fixture) still gets the default.
        if self.programme_id is None:
            Programme.attribute(self, self.community if self.community_id else None, self.date)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        round_to_stored(self)  # the phone's many decimals, before the field's own check of 5
        super().clean_fields(exclude)

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        # Every constraint of the model is a rule that clean() checks in Python: the participants'
        # written from the same PARTICIPANT_GROUPS (tests/negotiators/test_event_constraints.py proves
        # it for each), the location's in privacy.location.location_errors. Django would check each
        # again with its own query and savepoint: five per save, a third of a 10,000-event
        # spreadsheet's import. The database still enforces them.
        return None

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
        errors.update(self._schedule_errors())
        if self.date and self.date < EARLIEST_RECORD_DATE:
            errors["date"] = EARLIEST_DATE_MESSAGE
        errors.update(location_errors(self))
        if errors:
            raise ValidationError(errors)
        if self.community_id:
            Programme.attribute(self, self.community, self.date)
        check_campaign(self)

    def _schedule_errors(self) -> dict[str, str | Promise]:
        """The status against the calendar and the life cycle, the place, the links, the languages,
        the series and registration."""
        if self.time_zone:
            try:
                ZoneInfo(self.time_zone)
            except (ZoneInfoNotFoundError, ValueError):
                message = _("Unknown time zone “%(zone)s”: give one such as Europe/Kyiv.") % {"zone": self.time_zone}
                return {"time_zone": message}
        if self.starts_at is not None:
            self.date = self.starts_at.astimezone(self.zone).date()
        return {
            **self._status_errors(),
            **self._format_errors(),
            **self._series_errors(),
            **self._registration_errors(),
        }

    def _status_errors(self) -> dict[str, str | Promise]:
        errors: dict[str, str | Promise] = {}
        if self.starts_at is not None:
            in_future = self.starts_at > timezone.now()
        else:
            in_future = bool(self.date and self.date > timezone.localdate())
        if self.status == EventStatus.HELD and in_future:
            errors["date"] = _("A held event cannot be in the future: plan it, or log it once it has taken place.")
        if self.status == EventStatus.PLANNED and self.date and self.is_over:
            errors["status"] = _("This event is over: mark it held or cancelled, or give it a new date.")
        previous = self._stored_status()
        if previous and previous != self.status and self.status not in EVENT_STATUS_MOVES[previous]:
            errors["status"] = _("An event cannot go from “%(old)s” to “%(new)s”.") % {
                "old": EventStatus(previous).label,
                "new": EventStatus(self.status).label,
            }
        return errors

    def _format_errors(self) -> dict[str, str | Promise]:
        errors: dict[str, str | Promise] = {}
        online = self.format in (EventFormat.ONLINE, EventFormat.HYBRID)
        if online and not (self.meeting_link or self.stream_link):
            errors["meeting_link"] = _("An online or hybrid event needs a meeting link or a stream link.")
        in_person = self.format in (EventFormat.IN_PERSON, EventFormat.HYBRID)
        if in_person and not self.place and self.status == EventStatus.PLANNED:
            errors["place"] = _("Say where the event takes place.")
        if not isinstance(self.languages, list) or any(code not in EventLanguage.values for code in self.languages):
            errors["languages"] = _("Choose languages from the list.")
        return errors

    def _series_errors(self) -> dict[str, str | Promise]:
        if (self.series_id is None) != (self.part is None):
            return {"part": _("A part number goes with a series, and a series needs the part number.")}
        series = self.series if self.series_id else None
        if series is not None and self.part is not None and self.part > series.parts:
            return {"part": _("The series has %(parts)d parts.") % {"parts": series.parts}}
        return {}

    def _registration_errors(self) -> dict[str, str | Promise]:
        errors: dict[str, str | Promise] = {}
        if self.registration_open:
            if not self.slug:
                errors["slug"] = _("An event open for registration needs an address for its public page.")
            if self.starts_at is None:
                errors["starts_at"] = _("An event open for registration needs its start date and time.")
            if self.status != EventStatus.PLANNED:
                errors["registration_open"] = _("Only a planned event takes registrations.")
        return errors

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return OutreachEvent.objects.filter(pk=self.pk).values_list("status", flat=True).first()


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
