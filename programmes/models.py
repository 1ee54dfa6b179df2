"""Funded programmes: their donors and funding, tranches, consortium of partner organisations and
the communities taking part over periods. Activities will be attributed to a programme, so a
programme with participations cannot be deleted."""

import hashlib
import re
import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import (
    EARLIEST_DATE_MESSAGE,
    EARLIEST_RECORD_DATE,
    Community,
    Country,
    PartnerOrganisation,
    Timestamped,
    open_between,
)
from programmes import figures
from programmes.documents import EXTENSIONS, check_upload
from programmes.sdg import sdg_targets


class DonorKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    MULTILATERAL = "multilateral", _("Multilateral organisation")
    FOUNDATION = "foundation", _("Foundation")
    CORPORATE = "corporate", _("Corporate")
    OTHER = "other", _("Other")


class Donor(Timestamped):
    """Who funds programmes: a government agency, a multilateral body, a foundation, a company."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    country = models.CharField(
        _("country"), max_length=60, blank=True, help_text=_("An ISO code or a name, e.g. US, SE or EU.")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DonorKind.choices)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


def validate_countries(value: object) -> None:
    """A non-empty list of distinct country codes the portal knows (``communities.Country``)."""
    if not isinstance(value, list):
        raise ValidationError(_('Give the countries as a list of codes, e.g. ["UA", "CZ"].'), code="invalid_countries")
    if not value:
        raise ValidationError(_("Give at least one country."), code="invalid_countries")
    unknown = [code for code in value if code not in Country.values]
    if unknown:
        raise ValidationError(
            _("Unknown country codes: %(codes)s. Use %(known)s.")
            % {"codes": ", ".join(map(str, unknown)), "known": ", ".join(Country.values)},
            code="invalid_countries",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A country is listed twice."), code="invalid_countries")


currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Use the three capital letters of an ISO 4217 code, e.g. UAH."))
code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$", _("Use letters, digits, hyphens and underscores, e.g. ISN-2018.")
)


class Programme(Timestamped):
    """A funded programme: its period, countries, budget and status. Its donors, tranches,
    consortium and communities are rows of their own."""

    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[code_validator], help_text=_("Short, e.g. ISN-2018.")
    )
    name = models.CharField(_("name"), max_length=300, help_text=_("In the language of its country."))
    name_en = models.CharField(_("name in English"), max_length=300)
    implementing_organisation = models.CharField(_("implementing organisation"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    countries = models.JSONField(
        _("countries"), default=list, validators=[validate_countries], help_text=_('Country codes, e.g. ["UA"].')
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)], help_text=_("In its currency.")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ProgrammeStatus.choices, default=ProgrammeStatus.PLANNED
    )
    donors = models.ManyToManyField(Donor, through="Funding", related_name="programmes", verbose_name=_("donors"))
    on_track_from = models.PositiveSmallIntegerField(
        _("on track from, %"),
        default=90,
        validators=[MaxValueValidator(1000)],
        help_text=_("An indicator at this share of its target or more is on track."),
    )
    at_risk_from = models.PositiveSmallIntegerField(
        _("at risk from, %"),
        default=60,
        validators=[MaxValueValidator(1000)],
        help_text=_("From this share up to the on-track one it is at risk; below it, off track."),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="programme_ends_after_start"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="programme_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(at_risk_from__lt=F("on_track_from")), name="programme_at_risk_below_on_track"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name_en}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_on and self.starts_on < EARLIEST_RECORD_DATE:
            errors["starts_on"] = EARLIEST_DATE_MESSAGE
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("A programme ends after it starts.")
        if self.at_risk_from is not None and self.on_track_from is not None and self.at_risk_from >= self.on_track_from:
            errors["at_risk_from"] = _("The at-risk threshold must be below the on-track one.")
        if not errors and self.pk is not None and self.starts_on and self.ends_on:
            outside = Q(joined_on__lt=self.starts_on) | Q(joined_on__gt=self.ends_on) | Q(left_on__gt=self.ends_on)
            if Participation.objects.filter(outside, programme=self).exists():
                errors["starts_on"] = _("Some communities take part outside these dates: change their periods first.")
        if errors:
            raise ValidationError(errors)

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    # Attribution of activity records (``programmes.attribution`` is the entry point; the methods
    # live here so that ``communities`` reaches them through its records' ``programme`` field
    # without importing this app).

    @classmethod
    def current_for(cls, community: Community | None, on: date) -> "Programme | None":
        """The programme ``community`` takes part in on ``on`` (the most recently started if
        several); without a community, the most recently started programme running that day."""
        if community is None:
            running = cls.objects.filter(starts_on__lte=on, ends_on__gte=on)
        else:
            running = cls.objects.filter(pk__in=Participation.objects.taking_part(community, on).values("programme_id"))
        return running.order_by("-starts_on", "-pk").first()

    def takes_part(self, community: Community, on: date) -> bool:
        """Whether ``community`` takes part in this programme on ``on``."""
        return Participation.objects.taking_part(community, on).filter(programme=self).exists()

    def check_attribution(self, community: Community | None, on: date) -> None:
        """Refuse a record of ``community`` dated ``on`` attributed to this programme when the
        community does not take part in it that day (a record without a community: when the
        programme does not run that day)."""
        if community is None:
            if not self.covers(on):
                raise ValidationError(
                    {
                        "programme": _("Programme %(code)s runs from %(start)s to %(end)s, not on %(date)s.")
                        % {"code": self.code, "start": self.starts_on, "end": self.ends_on, "date": on}
                    },
                    code="programme_not_running",
                )
        elif not self.takes_part(community, on):
            raise ValidationError(
                {
                    "programme": _("Community %(community)s does not take part in programme %(code)s on %(date)s.")
                    % {"community": community, "code": self.code, "date": on}
                },
                code="community_not_in_programme",
            )

    @classmethod
    def attribute(cls, record: models.Model, community: Community | None, on: date | None) -> None:
        """Give ``record`` (any activity with a ``programme`` field) its programme: check the one it
        names, or default to the programme ``community`` takes part in on ``on``."""
        if on is None:
            return  # The date's own validation speaks.
        chosen = getattr(record, "programme", None) if getattr(record, "programme_id", None) else None
        if chosen is not None:
            chosen.check_attribution(community, on)
            return
        current = cls.current_for(community, on)
        if current is None:
            if community is None:
                message = _("No programme runs on %(date)s: choose a programme.") % {"date": on}
            else:
                message = _("Community %(community)s takes part in no programme on %(date)s: choose a programme.") % {
                    "community": community,
                    "date": on,
                }
            raise ValidationError({"programme": message}, code="no_programme")
        record.programme = current  # type: ignore[attr-defined]


class FundingInstrument(models.TextChoices):
    GRANT = "grant", _("Grant")
    CONTRACT = "contract", _("Contract")
    COOPERATIVE_AGREEMENT = "cooperative_agreement", _("Cooperative agreement")
    SUBGRANT = "subgrant", _("Sub-grant")
    IN_KIND = "in_kind", _("In-kind support")
    OTHER = "other", _("Other")


class Funding(Timestamped):
    """A donor's funding of a programme: the instrument and the grant reference its reports cite."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("programme")
    )
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="fundings", verbose_name=_("donor"))
    instrument = models.CharField(_("funding instrument"), max_length=24, choices=FundingInstrument.choices)
    grant_reference = models.CharField(_("grant reference"), max_length=100, blank=True)
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("In the programme's currency."),
    )

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        ordering = ["programme", "donor__name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "donor"], name="funding_one_per_donor_and_programme"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="funding_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor} → {self.programme.code}"


class Tranche(Timestamped):
    """A instalment of a programme's funding: how much, when it is expected, when it came, and on
    what condition (a report accepted, an audit)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="tranches", verbose_name=_("programme")
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    expected_on = models.DateField(_("expected on"))
    received_on = models.DateField(_("received on"), null=True, blank=True)
    condition = models.TextField(_("condition"), blank=True)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["programme", "expected_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="tranche_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.expected_on}: {self.amount}"


class ConsortiumRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTNER = "partner", _("Partner")
    ASSOCIATE = "associate", _("Associate")


PERIOD_ORDER_MESSAGE = _("The leaving date is before the joining date.")


class ConsortiumMember(Timestamped):
    """A partner organisation in a programme's consortium, with its role, from when to when. It
    sees the programme through the API while it is recorded here."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="consortium", verbose_name=_("programme")
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="consortium_memberships",
        verbose_name=_("partner organisation"),
    )
    role = models.CharField(_("role"), max_length=12, choices=ConsortiumRole.choices, default=ConsortiumRole.PARTNER)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium")
        ordering = ["programme", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "partner"], name="consortium_one_row_per_partner"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="consortium_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.get_role_display()}, {self.programme.code})"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            errors["left_on"] = PERIOD_ORDER_MESSAGE
        if errors:
            raise ValidationError(errors)


PARTICIPATION_OVERLAP_MESSAGE = _("This period overlaps another period of the same community in this programme.")


class ParticipationQuerySet(models.QuerySet["Participation"]):
    def taking_part(self, community: Community, on: date) -> "ParticipationQuerySet":
        """The periods in which ``community`` takes part on ``on`` (in a programme running that day:
        a period left open does not outlast its programme)."""
        return self.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=on),
            community=community,
            joined_on__lte=on,
            programme__starts_on__lte=on,
            programme__ends_on__gte=on,
        )


class Participation(Timestamped):
    """A period a community takes part in a programme. A community may take part in several
    programmes at once, and in one programme over several periods that do not overlap."""

    programme = models.ForeignKey(
        # PROTECT: activities will be attributed to the programme through its communities.
        Programme,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("programme"),
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="participations", verbose_name=_("community")
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation in a programme")
        verbose_name_plural = _("participating communities")
        ordering = ["programme", "community", "joined_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="participation_left_after_joined",
            ),
            models.UniqueConstraint(
                fields=["programme", "community"],
                condition=Q(left_on__isnull=True),
                name="participation_one_open_per_community",
            ),
        ]
        indexes = [models.Index(fields=["community", "programme"], name="participation_community")]

    def __str__(self) -> str:
        return f"{self.community} ({self.joined_on} – {self.left_on or '…'})"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            errors["left_on"] = PERIOD_ORDER_MESSAGE
        # In the admin's inline on a new programme the programme is set but not saved yet.
        programme = self.programme if self.programme_id or Participation.programme.is_cached(self) else None
        if programme is not None and self.joined_on:
            if not programme.covers(self.joined_on):
                errors["joined_on"] = _("The programme runs from %(start)s to %(end)s: join within it.") % {
                    "start": programme.starts_on,
                    "end": programme.ends_on,
                }
            if self.left_on and not programme.covers(self.left_on) and "left_on" not in errors:
                errors["left_on"] = _("The programme runs from %(start)s to %(end)s: leave within it.") % {
                    "start": programme.starts_on,
                    "end": programme.ends_on,
                }
        saved = programme is not None and programme.pk is not None
        if saved and self.community_id and self.joined_on and "joined_on" not in errors:
            others = Participation.objects.filter(programme=programme, community_id=self.community_id)
            if others.exclude(pk=self.pk).filter(open_between(self.joined_on, self.left_on)).exists():
                errors["joined_on"] = PARTICIPATION_OVERLAP_MESSAGE
        if errors:
            raise ValidationError(errors)


class DocumentKind(models.TextChoices):
    REPORT = "report", _("Report")
    PUBLICATION = "publication", _("Publication")
    AGREEMENT = "agreement", _("Agreement")
    STRATEGY = "strategy", _("Strategy")
    PRESENTATION = "presentation", _("Presentation")
    PHOTO = "photo", _("Photo")
    STUDY = "study", _("Study")
    EVIDENCE = "evidence", _("Evidence")
    OTHER = "other", _("Other")


class DocumentLanguage(models.TextChoices):
    UKRAINIAN = "uk", _("Ukrainian")
    ENGLISH = "en", _("English")
    CZECH = "cs", _("Czech")
    RUSSIAN = "ru", _("Russian")
    KAZAKH = "kk", _("Kazakh")
    KYRGYZ = "ky", _("Kyrgyz")
    UZBEK = "uz", _("Uzbek")
    OTHER = "other", _("Other")


FILE_OR_LINK = _("Give either a file or a link, not both and not neither.")


class DocumentAccess(models.TextChoices):
    STAFF = "staff", _("Staff only")
    PARTNERS = "partners", _("Partner organisations of the programme")
    PUBLIC = "public", _("Public")


def document_upload_to(document: "Document", filename: str) -> str:
    """A name of our own under the private media root: the uploader's file name says nothing
    about where it is kept."""
    extension = EXTENSIONS[document.content_type][0]
    return f"documents/{document.programme_id}/{uuid.uuid4().hex}.{extension}"


class Document(Timestamped):
    """A file (PDF, DOCX, XLSX, ODT, ODS, JPG, PNG) or a link in a programme's library: evidence,
    agreements, publications. Files are kept under the private media root and served only through
    an authorised view; ``access`` says who beyond staff sees it."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="documents", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=DocumentLanguage.choices)
    communities = models.ManyToManyField(Community, blank=True, related_name="documents", verbose_name=_("communities"))
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size, bytes"), null=True, blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True, editable=False)
    access = models.CharField(_("access"), max_length=8, choices=DocumentAccess.choices, default=DocumentAccess.STAFF)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["programme", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(link="")) | (~Q(file="") & Q(link="")),
                name="document_file_or_link",
                violation_error_message=FILE_OR_LINK,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type][0] if self.content_type in EXTENSIONS else ""

    def clean(self) -> None:
        # "Either a file or a link" is the constraint's (validated with the model, one message).
        if self.file and not getattr(self.file, "_committed", True):
            self._inspect_upload()
        if self.link:
            self.content_type, self.size, self.sha256 = "", None, ""

    def _inspect_upload(self) -> None:
        """Check a new upload by its content and record its type, size and checksum."""
        upload = self.file.file
        try:
            self.content_type = check_upload(self.file.name or "", upload, upload.size)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        digest = hashlib.sha256()
        upload.seek(0)
        for chunk in iter(lambda: upload.read(1024 * 1024), b""):
            digest.update(chunk)
        upload.seek(0)
        self.size = upload.size
        self.sha256 = digest.hexdigest()


# --- the programme's other work: outputs, campaigns, its network, agreements ---------------------


class DeliverableKind(models.TextChoices):
    PUBLICATION = "publication", _("Publication")
    ONLINE_COURSE = "online_course", _("Online course")
    STUDY = "study", _("Study")
    MAP = "map", _("Map")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other")


class DeliverableStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


def document_of_programme_errors(record: Any, field: str = "document") -> dict[str, Any]:
    """A library document linked to ``record`` must be one of its programme's."""
    document_id, programme_id = getattr(record, f"{field}_id"), record.programme_id
    if document_id and programme_id and not Document.objects.filter(pk=document_id, programme_id=programme_id).exists():
        return {field: _("Choose a document of this programme's library.")}
    return {}


class Deliverable(Timestamped):
    """An output of a programme shown to users as such: a publication (the handbook and its print
    run), an online course (its link and enrolments), a study, a map, a video. Named apart from
    the outputs of the results framework, which are levels of the logframe."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="deliverables", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DeliverableKind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Published, launched or delivered on."))
    quantity = models.PositiveIntegerField(
        _("quantity"),
        null=True,
        blank=True,
        help_text=_("The print run of a publication, the enrolments of a course, the copies of anything else."),
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliverables",
        verbose_name=_("document"),
        help_text=_("The output itself, or its record, in the programme's library."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DeliverableStatus.choices, default=DeliverableStatus.PLANNED
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("output")
        verbose_name_plural = _("outputs register")
        ordering = ["programme", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0), name="deliverable_quantity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = document_of_programme_errors(self)
        if self.date and self.date < EARLIEST_RECORD_DATE:
            errors["date"] = EARLIEST_DATE_MESSAGE
        if self.status == DeliverableStatus.DELIVERED and not self.date:
            errors["date"] = _("Give the date it was delivered.")
        if errors:
            raise ValidationError(errors)


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Goal achieved")
    PARTLY_ACHIEVED = "partly_achieved", _("Goal partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Goal not achieved")


PERIOD_END_MESSAGE = _("The end is before the start.")


class Campaign(Timestamped):
    """An advocacy campaign of a programme: its goal, the bodies it addresses, its milestones and
    result. Outreach events and media mentions point at the campaign they were part of."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=300)
    goal = models.TextField(_("goal"))
    target_bodies = models.TextField(
        _("target bodies"), blank=True, help_text=_("The councils, ministries or parliament committees addressed.")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    result = models.TextField(_("result"), blank=True)

    class Meta:
        verbose_name = _("advocacy campaign")
        verbose_name_plural = _("advocacy campaigns")
        ordering = ["programme", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_on and self.starts_on < EARLIEST_RECORD_DATE:
            errors["starts_on"] = EARLIEST_DATE_MESSAGE
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = PERIOD_END_MESSAGE
        if errors:
            raise ValidationError(errors)


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    DROPPED = "dropped", _("Dropped")


class Milestone(Timestamped):
    """A step of a campaign: due on a date, done on another (or not)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("advocacy campaign")
    )
    title = models.CharField(_("title"), max_length=300)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["campaign", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.due_on and self.due_on < EARLIEST_RECORD_DATE:
            errors["due_on"] = EARLIEST_DATE_MESSAGE
        if self.done_on and self.done_on < EARLIEST_RECORD_DATE:
            errors["done_on"] = EARLIEST_DATE_MESSAGE
        if self.status == MilestoneStatus.DONE and not self.done_on:
            errors["done_on"] = _("Give the date a done milestone was reached.")
        if self.done_on and self.status != MilestoneStatus.DONE:
            errors["status"] = _("A milestone with a date it was done on is done.")
        if errors:
            raise ValidationError(errors)


class NetworkMembership(Timestamped):
    """A partner organisation in the programme's coalition or network, from when to when. Being
    in the network shows the organisation in the programme; it gives it no access (the
    consortium does)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="network", verbose_name=_("programme")
    )
    network = models.CharField(_("network"), max_length=200, help_text=_("The name of the coalition or network."))
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="network_memberships",
        verbose_name=_("partner organisation"),
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("network member")
        verbose_name_plural = _("network")
        ordering = ["programme", "network", "joined_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="network_left_after_joined",
            ),
            models.UniqueConstraint(
                fields=["programme", "network", "partner", "joined_on"], name="network_one_row_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.network})"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.joined_on and self.joined_on < EARLIEST_RECORD_DATE:
            errors["joined_on"] = EARLIEST_DATE_MESSAGE
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            errors["left_on"] = PERIOD_ORDER_MESSAGE
        if errors:
            raise ValidationError(errors)


class AgreementKind(models.TextChoices):
    MEMORANDUM = "memorandum", _("Memorandum")
    COOPERATION = "cooperation", _("Cooperation agreement")
    DATA_SHARING = "data_sharing", _("Data sharing agreement")
    OTHER = "other", _("Other")


class AgreementStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")


class Agreement(Timestamped):
    """A memorandum or agreement of a programme with communities and partner organisations (its
    parties), signed on a date and valid until another (or with no end)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=300)
    communities = models.ManyToManyField(
        Community, blank=True, related_name="agreements", verbose_name=_("communities (parties)")
    )
    partners = models.ManyToManyField(
        PartnerOrganisation, blank=True, related_name="agreements", verbose_name=_("partner organisations (parties)")
    )
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: no end date."))
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("document"),
        help_text=_("The signed text, in the programme's library."),
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["programme", "-signed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("signed_on")),
                name="agreement_valid_after_signed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = document_of_programme_errors(self)
        if self.signed_on and self.signed_on < EARLIEST_RECORD_DATE:
            errors["signed_on"] = EARLIEST_DATE_MESSAGE
        if self.signed_on and self.valid_until and self.valid_until <= self.signed_on:
            errors["valid_until"] = _("An agreement is valid until a date after it is signed.")
        if errors:
            raise ValidationError(errors)

    def status_on(self, day: date) -> str:
        return AgreementStatus.EXPIRED if self.valid_until and self.valid_until < day else AgreementStatus.IN_FORCE

    @property
    def status(self) -> str:
        """In force until ``valid_until`` has passed (today in the portal's time zone)."""
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return str(AgreementStatus(self.status).label)


# --- the results framework (logframe) ---------------------------------------------------------------


logframe_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$", _("Use letters, digits, dots, hyphens and underscores, e.g. OP1.2.")
)


class ResultLevel(models.TextChoices):
    GOAL = "goal", _("Goal")
    OUTCOME = "outcome", _("Outcome")
    OUTPUT = "output", _("Output")


# The level a result's parent has: a goal has none, an outcome hangs under the goal, an output
# under an outcome.
PARENT_LEVEL = {ResultLevel.GOAL: None, ResultLevel.OUTCOME: ResultLevel.GOAL, ResultLevel.OUTPUT: ResultLevel.OUTCOME}


class Result(Timestamped):
    """A node of a programme's results framework: its one goal, the outcomes under it and the
    outputs under each outcome."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="results", verbose_name=_("programme")
    )
    level = models.CharField(_("level"), max_length=8, choices=ResultLevel.choices)
    code = models.CharField(
        _("code"), max_length=20, validators=[logframe_code_validator], help_text=_("E.g. G, OC1, OP1.2.")
    )
    statement = models.TextField(_("statement"), help_text=_("In the language of the programme's country."))
    statement_en = models.TextField(_("statement in English"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
        help_text=_("The goal for an outcome, an outcome for an output; none for the goal."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results framework")
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="result_code_unique_per_programme"),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(level="goal"),
                name="result_one_goal_per_programme",
                violation_error_message=_("A programme has one goal."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.statement_en[:80]}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        wanted = PARENT_LEVEL.get(ResultLevel(self.level)) if self.level in ResultLevel.values else None
        parent = self.parent if self.parent_id else None
        if self.level == ResultLevel.GOAL and parent is not None:
            errors["parent"] = _("A goal has no parent.")
        elif self.level in ResultLevel.values and self.level != ResultLevel.GOAL:
            if parent is None or parent.level != wanted:
                errors["parent"] = _("Put an outcome under the goal and an output under an outcome.")
            elif self.programme_id and parent.programme_id != self.programme_id:
                errors["parent"] = _("The parent belongs to another programme.")
        if errors:
            raise ValidationError(errors)


class Direction(models.TextChoices):
    MORE = "more", _("More is better")
    LESS = "less", _("Less is better")


class Measure(models.TextChoices):
    """What a target is set for: what the period itself achieved, or everything achieved since the
    start (an end-of-programme target such as "25 negotiators certified")."""

    PERIOD = "period", _("The period's own total")
    TO_DATE = "to_date", _("The total to date")


class IndicatorSource(models.TextChoices):
    COMPUTED = "computed", _("Computed from the records")
    REPORTED = "reported", _("Reported by staff")


class Disaggregation(models.TextChoices):
    SEX = "sex", _("Sex")
    AGE_GROUP = "age_group", _("Age group")
    VULNERABLE_GROUP = "vulnerable_group", _("Vulnerable group")
    COMMUNITY = "community", _("Community")
    REGION = "region", _("Region")


def validate_disaggregations(value: object) -> None:
    """A list of distinct disaggregations (``Disaggregation``), possibly empty."""
    if not isinstance(value, list):
        raise ValidationError(
            _('Give the disaggregations as a list, e.g. ["sex", "region"].'), code="invalid_disaggregations"
        )
    unknown = [item for item in value if item not in Disaggregation.values]
    if unknown:
        raise ValidationError(
            _("Unknown disaggregations: %(items)s. Use %(known)s.")
            % {"items": ", ".join(map(str, unknown)), "known": ", ".join(Disaggregation.values)},
            code="invalid_disaggregations",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A disaggregation is listed twice."), code="invalid_disaggregations")


def validate_sdg_targets(value: object) -> None:
    """A list of distinct SDG target codes of the shipped list (``programmes/data/sdg.json``)."""
    if not isinstance(value, list):
        raise ValidationError(
            _('Give the SDG targets as a list of codes, e.g. ["16.7", "17.17"].'), code="invalid_sdg_targets"
        )
    known = sdg_targets()
    unknown = [item for item in value if item not in known]
    if unknown:
        raise ValidationError(
            _("Unknown SDG targets: %(codes)s. Use codes such as 10.2, 16.7 or 1.a.")
            % {"codes": ", ".join(map(str, unknown))},
            code="invalid_sdg_targets",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("An SDG target is listed twice."), code="invalid_sdg_targets")


class Indicator(Timestamped):
    """What a result is measured by: computed from the portal's records (a named figure) or
    reported by staff per period, with a baseline and targets per period."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("result"))
    code = models.CharField(
        _("code"),
        max_length=20,
        validators=[logframe_code_validator],
        help_text=_("Unique in the programme, e.g. OP1.2a."),
    )
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=60, help_text=_("E.g. communities, people, events."))
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices, default=Direction.MORE)
    measure = models.CharField(
        _("targets are for"),
        max_length=8,
        choices=Measure.choices,
        default=Measure.PERIOD,
        help_text=_("Compare a target with what the period achieved, or with the total to date."),
    )
    disaggregations = models.JSONField(
        _("disaggregations"), default=list, blank=True, validators=[validate_disaggregations]
    )
    sdg_targets = models.JSONField(
        _("SDG targets"), default=list, blank=True, validators=[validate_sdg_targets], help_text=_('E.g. ["16.7"].')
    )
    source = models.CharField(_("source"), max_length=8, choices=IndicatorSource.choices)
    figure = models.CharField(
        _("figure"), max_length=120, blank=True, help_text=_("For a computed indicator: the figure it reads.")
    )
    baseline_value = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["result__order", "result__code", "order", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    @property
    def programme(self) -> Programme:
        return self.result.programme

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.source == IndicatorSource.COMPUTED:
            if not self.figure:
                errors["figure"] = _("A computed indicator names the figure it reads.")
            elif self.figure not in figures.known():
                errors["figure"] = _("“%(figure)s” is not a figure the portal computes.") % {"figure": self.figure}
        elif self.source == IndicatorSource.REPORTED and self.figure:
            errors["figure"] = _("A reported indicator names no figure.")
        if (self.baseline_value is None) != (self.baseline_date is None):
            errors["baseline_date"] = _("Give the baseline's value and date together.")
        if self.result_id and self.code:
            same = Indicator.objects.filter(result__programme_id=self.result.programme_id, code=self.code)
            if same.exclude(pk=self.pk).exists():
                errors["code"] = _("Another indicator of this programme has this code.")
        if errors:
            raise ValidationError(errors)


RESULT_PERIOD_PATTERN = r"^(?P<year>\d{4})(?:-H(?P<half>[12]))?$"
result_period_validator = RegexValidator(RESULT_PERIOD_PATTERN, _("Write a year (2025) or a half-year (2025-H1)."))


def period_dates(code: str) -> tuple[date, date] | None:
    """The first and last day of a period code (``2025``, ``2025-H1``), None if it is not one."""
    match = re.match(RESULT_PERIOD_PATTERN, code or "")
    if match is None:
        return None
    year, half = int(match.group("year")), match.group("half")
    if half == "1":
        return date(year, 1, 1), date(year, 6, 30)
    if half == "2":
        return date(year, 7, 1), date(year, 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


def period_outside_message(programme: Programme, code: str) -> str:
    return _("The period %(period)s is outside the programme's dates (%(start)s to %(end)s).") % {
        "period": code,
        "start": programme.starts_on,
        "end": programme.ends_on,
    }


def period_within(programme: Programme, code: str) -> bool:
    """Whether the period ``code`` overlaps the programme's dates."""
    dates = period_dates(code)
    return dates is not None and dates[0] <= programme.ends_on and dates[1] >= programme.starts_on


def _check_period(indicator_id: int | None, indicator: "Indicator | None", code: str, errors: dict[str, Any]) -> None:
    if indicator_id is None or indicator is None or not code or period_dates(code) is None:
        return
    programme = indicator.result.programme
    if not period_within(programme, code):
        errors["period"] = period_outside_message(programme, code)


class Target(Timestamped):
    """What an indicator should reach in a period (a year or a half-year), for the whole
    programme or for one region or partner organisation."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    period = models.CharField(
        _("period"), max_length=7, validators=[result_period_validator], help_text=_("2025, 2025-H1 or 2025-H2.")
    )
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    region = models.ForeignKey(
        "communities.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner organisation"),
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "period", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative"),
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=Q(region__isnull=True, partner__isnull=True),
                name="target_one_per_period",
                violation_error_message=_("This indicator already has a target for this period."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "region"],
                condition=Q(region__isnull=False, partner__isnull=True),
                name="target_one_per_period_and_region",
                violation_error_message=_("This indicator already has a target for this period and region."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "partner"],
                condition=Q(region__isnull=True, partner__isnull=False),
                name="target_one_per_period_and_partner",
                violation_error_message=_("This indicator already has a target for this period and partner."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "region", "partner"],
                name="target_one_per_period_region_and_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        _check_period(self.indicator_id, self.indicator if self.indicator_id else None, self.period, errors)
        if errors:
            raise ValidationError(errors)


class ReportedValue(Timestamped):
    """The value of a reported indicator in a period, with a note and its evidence (a library
    document or a link). It counts once approved, by someone other than who entered it."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="reported_values", verbose_name=_("indicator")
    )
    period = models.CharField(
        _("period"), max_length=7, validators=[result_period_validator], help_text=_("2025, 2025-H1 or 2025-H2.")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    note = models.TextField(_("note"), blank=True)
    evidence_document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_values",
        verbose_name=_("evidence document"),
    )
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="reported_value_one_per_period",
                violation_error_message=_("This indicator already has a value for this period."),
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="reported_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        indicator = self.indicator if self.indicator_id else None
        _check_period(self.indicator_id, indicator, self.period, errors)
        if indicator is not None and indicator.source != IndicatorSource.REPORTED:
            errors["indicator"] = _("Values are reported only for reported indicators.")
        if not self.evidence_document_id and not self.evidence_link:
            errors["evidence_link"] = _("Give the evidence: a document of the library or a link.")
        document = self.evidence_document if self.evidence_document_id else None
        if indicator is not None and document is not None and document.programme_id != indicator.result.programme_id:
            errors["evidence_document"] = _("The document belongs to another programme.")
        if self.approved_by_id and self.approved_by_id == self.entered_by_id:
            errors["approved_by"] = SELF_APPROVAL_MESSAGE
        if errors:
            raise ValidationError(errors)


SELF_APPROVAL_MESSAGE = _("A value is approved by someone other than who entered it.")


# --- the risk register ----------------------------------------------------------------------------


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    OCCURRED = "occurred", _("Occurred")
    CLOSED = "closed", _("Closed")


class ProgrammeRisk(Timestamped):
    """A risk of a programme's register (seed 000 lists the Institute's): how likely it is, how
    much it would hurt, how it is mitigated and by whom. Its reviews say what happened over time;
    a report prints the reviews dated in its period."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="risks", verbose_name=_("programme")
    )
    title = models.CharField(_("risk"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    likelihood = models.CharField(_("likelihood"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    impact = models.CharField(_("impact"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    mitigation = models.TextField(_("mitigation"), blank=True)
    owner = models.CharField(
        _("owner"), max_length=200, blank=True, help_text=_("The role or organisation that watches the risk.")
    )
    status = models.CharField(_("status"), max_length=8, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("The order in the register."))

    class Meta:
        verbose_name = _("programme risk")
        verbose_name_plural = _("programme risks")
        ordering = ["programme", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class RiskReview(Timestamped):
    """A risk looked at on a date: its status then and what happened."""

    risk = models.ForeignKey(ProgrammeRisk, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("risk"))
    reviewed_on = models.DateField(_("reviewed on"))
    status = models.CharField(_("status"), max_length=8, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    what_happened = models.TextField(_("what happened"), blank=True)

    class Meta:
        verbose_name = _("risk review")
        verbose_name_plural = _("risk reviews")
        ordering = ["risk", "reviewed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk", "reviewed_on"],
                name="risk_review_one_per_day",
                violation_error_message=_("This risk already has a review on this date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk} · {self.reviewed_on}"

    def clean(self) -> None:
        if self.reviewed_on and self.reviewed_on < EARLIEST_RECORD_DATE:
            raise ValidationError({"reviewed_on": EARLIEST_DATE_MESSAGE})
