"""The programme's geography and its partners: regions, communities, their partnership history,
partner organisations (with their API keys and the log of what they pulled), safety assessments
and support engagements."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# No programme record is dated before this: an earlier date is a typing mistake (0001-01-01).
EARLIEST_RECORD_DATE = date(2000, 1, 1)


EARLIEST_DATE_MESSAGE = _("Dates before 1 January 2000 are not accepted: check the year.")


class Timestamped(models.Model):
    """Every record carries when it was created and last changed (``updated_at`` drives the
    API's incremental sync)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Country(models.TextChoices):
    UKRAINE = "UA", _("Ukraine")
    CZECHIA = "CZ", _("Czech Republic")
    KAZAKHSTAN = "KZ", _("Kazakhstan")
    KYRGYZSTAN = "KG", _("Kyrgyzstan")
    UZBEKISTAN = "UZ", _("Uzbekistan")


class Topic(models.TextChoices):
    """What an outreach event or an engagement is about (DOMAIN.md, programmes 1, 2 and 4)."""

    FEELING_OF_SAFETY = "feeling_of_safety", _("Safety and the feeling of safety")
    POLICE_COMMUNITY = "police_community", _("Police-community interaction")
    NEIGHBOURLY_COEXISTENCE = "neighbourly_coexistence", _("Neighbourly coexistence")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence prevention")
    YOUTH = "youth", _("Youth")
    ROAD_FIRE_SAFETY = "road_fire_safety", _("Road and fire safety")
    IDP_INTEGRATION = "idp_integration", _("Integration of IDPs")
    VETERANS = "veterans", _("Veterans' reintegration")
    HOUSING = "housing", _("Housing")
    EDUCATION = "education", _("Education")
    SOCIAL_SERVICES = "social_services", _("Social services")
    HEALTH_CARE = "health_care", _("Access to health care")
    MIGRATION_MINORITIES = "migration_minorities", _("Labour migration, refugees and minorities")
    NEGOTIATOR_STATUS = "negotiator_status", _("Legal status of social negotiators")
    OTHER = "other", _("Other")


class Region(Timestamped):
    """An oblast, kraj or province."""

    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="region_unique_name_per_country"),
        ]

    def __str__(self) -> str:
        return self.name


class CommunityKind(models.TextChoices):
    HROMADA = "hromada", _("Hromada (territorial community)")
    OBEC = "obec", _("Municipality (obec)")
    MAHALLA = "mahalla", _("Mahalla")
    CITY = "city", _("City")


class Community(Timestamped):
    """A hromada, obec or mahalla the programme works in. Its name is kept in the local language."""

    name = models.CharField(_("name"), max_length=120, help_text=_("In the local language."))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communities", verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=16, choices=CommunityKind.choices, default=CommunityKind.HROMADA)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    history = HistoricalRecords(verbose_name=_("historical community"))

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="community_unique_name_per_region"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="community_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="community_longitude_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LeaveReason(models.TextChoices):
    ELECTIONS = "elections", _("Elections changed the community's leadership")
    LOW_MOTIVATION = "low_motivation", _("Low motivation")
    POLICE_STRATEGY = "police_strategy", _("Police strategy changed")
    FUNDING = "funding", _("Funding ended")
    PROGRAMME_ENDED = "programme_ended", _("Programme ended")
    OTHER = "other", _("Other")


def periods_overlap(first: tuple[date, date | None], second: tuple[date, date | None]) -> bool:
    """Whether two ``(joined_on, left_on)`` periods share a day (``left_on`` ``None``: still open)."""
    (first_start, first_end), (second_start, second_end) = first, second
    return (first_end is None or second_start <= first_end) and (second_end is None or first_start <= second_end)


def open_between(start: date, end: date | None) -> Q:
    """Partnership periods sharing a day with ``start``..``end`` (``end`` ``None``: from ``start`` on):
    :func:`periods_overlap` as a query."""
    condition = Q(left_on__isnull=True) | Q(left_on__gte=start)
    return condition if end is None else condition & Q(joined_on__lte=end)


OVERLAP_MESSAGE = _("This period overlaps another partnership period of the same community.")


class Partnership(Timestamped):
    """One stretch of time a community was a partner of the programme. A community that leaves
    and later rejoins has two rows; at most one may be open (no ``left_on``)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("community")
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=20, choices=LeaveReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnership history")
        ordering = ["community", "joined_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="partnership_left_after_joined",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, leave_reason="") | Q(left_on__isnull=False) & ~Q(leave_reason=""),
                name="partnership_reason_iff_left",
            ),
            models.UniqueConstraint(
                fields=["community"], condition=Q(left_on__isnull=True), name="partnership_one_open_per_community"
            ),
        ]
        indexes = [models.Index(fields=["community", "joined_on"], name="partnership_community_joined")]

    def __str__(self) -> str:
        return f"{self.community} ({self.joined_on} – {self.left_on or '…'})"

    def clean(self) -> None:
        errors = {}
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            errors["left_on"] = _("A community cannot leave before it joined.")
        if self.left_on and not self.leave_reason:
            errors["leave_reason"] = _("Say why the community left.")
        if self.leave_reason and not self.left_on:
            errors["left_on"] = _("Give the date the community left, or clear the reason.")
        if self.community_id and self.joined_on:
            others = Partnership.objects.filter(community_id=self.community_id).exclude(pk=self.pk)
            if others.filter(open_between(self.joined_on, self.left_on)).exists():
                errors["joined_on"] = OVERLAP_MESSAGE
        if errors:
            raise ValidationError(errors)


class PartnerOrganisation(Timestamped):
    """A civil-society organisation of the network. It sees the data of the communities it covers,
    through the API, and never personal data."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    communities = models.ManyToManyField(
        Community, related_name="partner_organisations", blank=True, verbose_name=_("communities covered")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="partner_organisations",
        blank=True,
        verbose_name=_("member users"),
        help_text=_("Users who act for this organisation."),
    )

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class SurveyMethod(models.TextChoices):
    """How an assessment's residents were surveyed (the data-quality page of a report says it)."""

    FACE_TO_FACE = "face_to_face", _("Face-to-face interviews")
    # Not "phone": a key the partner API never shows (a person's number), and the methods are keys.
    TELEPHONE = "telephone", _("Telephone interviews")
    ONLINE = "online", _("Online questionnaire")
    MIXED = "mixed", _("Mixed methods")


class HalfYear(models.IntegerChoices):
    H1 = 1, _("January–June")
    H2 = 2, _("July–December")


# The dimensions of the first assessment instrument (the seven the portal scored before
# instruments could be configured), 1 (worst) to 5 (best). Their codes stay the keys of the
# indicators' ``assessments.dimensions`` and of the API's seven score fields.
ASSESSMENT_DIMENSIONS = (
    "perceived_safety",
    "trust_in_police",
    "police_interaction",
    "cohesion",
    "stakeholder_communication",
    "inclusion",
    "infrastructure_safety",
)

# The first instrument, by ``(code, version)``: the one every assessment recorded before
# instruments existed was migrated to, and whose figures the indicators show under their old keys.
FIRST_INSTRUMENT = ("SAFETY", 1)


PROGRAMME_HELP = _("Leave empty for the programme the community takes part in on that date.")


def attribute_to_programme(record: models.Model, community: "Community | None", on: date | None) -> None:
    """Check or default ``record``'s programme (``Programme.attribute``), reached through the
    record's own field: the programmes app sits above this one and is never imported here."""
    programme_model: Any = record._meta.get_field("programme").related_model
    programme_model.attribute(record, community, on)


class DimensionGroup(models.TextChoices):
    RISK = "risk", _("Risk")
    POTENTIAL = "potential", _("Potential")
    COHESION = "cohesion", _("Cohesion")
    POLICE_COMMUNITY = "police_community", _("Police-community interaction")
    OTHER = "other", _("Other")


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher", _("Higher is better")
    LOWER_IS_BETTER = "lower", _("Lower is better")


INSTRUMENT_IN_USE_MESSAGE = _(
    "This instrument has assessments: its dimensions can no longer be changed or removed. "
    "Make a new version of the instrument instead."
)


class AssessmentInstrument(Timestamped):
    """A questionnaire staff configure: its dimensions, each on its own scale. Once an assessment
    uses it its dimensions are fixed; a change is a new version (a new row with the same code), so
    that past assessments keep meaning what they meant."""

    code = models.SlugField(_("code"), max_length=40, help_text=_("Short, e.g. RP-BROAD; the same for every version."))
    version = models.PositiveSmallIntegerField(_("version"), default=1, validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=200)
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment_instruments",
        verbose_name=_("programme"),
        help_text=_("The programme it was designed for; empty for one every programme uses."),
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords(verbose_name=_("historical assessment instrument"))

    class Meta:
        verbose_name = _("assessment instrument")
        verbose_name_plural = _("assessment instruments")
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_unique_code_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="instrument_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code} v{self.version})"

    def in_use(self) -> bool:
        """Whether an assessment uses it (then its dimensions are fixed)."""
        return self.pk is not None and self.assessments.exists()


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class AssessmentDimension(Timestamped):
    """One thing an instrument scores, on its own scale and in its own direction."""

    instrument = models.ForeignKey(
        AssessmentInstrument, on_delete=models.CASCADE, related_name="dimensions", verbose_name=_("instrument")
    )
    code = models.SlugField(_("code"), max_length=40, help_text=_("Unique within the instrument, e.g. cctv."))
    name_uk = models.CharField(_("name in Ukrainian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_cs = models.CharField(_("name in Czech"), max_length=200, blank=True)
    name_ru = models.CharField(_("name in Russian"), max_length=200, blank=True)
    group = models.CharField(_("group"), max_length=20, choices=DimensionGroup.choices, default=DimensionGroup.OTHER)
    scale_min = models.DecimalField(_("scale minimum"), max_digits=5, decimal_places=2, default=Decimal(1))
    scale_max = models.DecimalField(_("scale maximum"), max_digits=5, decimal_places=2, default=Decimal(5))
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords(verbose_name=_("historical assessment dimension"))

    # What an assessment's score means: fixed once the instrument is in use. The names may still be
    # corrected (a typo in a translation does not change what was measured).
    MEANING_FIELDS = ("instrument_id", "code", "group", "scale_min", "scale_max", "direction")

    class Meta:
        verbose_name = _("assessment dimension")
        verbose_name_plural = _("assessment dimensions")
        ordering = ["instrument", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="dimension_unique_code_per_instrument"),
            models.CheckConstraint(condition=Q(scale_max__gt=F("scale_min")), name="dimension_scale_max_above_min"),
        ]

    def __str__(self) -> str:
        return self.localized_name()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Whatever path writes it (a command, a script): a past assessment never changes meaning.
        if self.instrument_id and self.meaning_changed() and self._frozen_instruments():
            raise ValidationError(INSTRUMENT_IN_USE_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.instrument_id and self._frozen_instruments():
            raise ValidationError(INSTRUMENT_IN_USE_MESSAGE)
        return super().delete(*args, **kwargs)

    def localized_name(self) -> str:
        """The name in the active language, else in Ukrainian, else in English."""
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        return str(getattr(self, f"name_{language}", "") or self.name_uk or self.name_en)

    def scale_text(self) -> str:
        """Its scale as people read it: ``1–5``."""
        low, high = (formats.number_format(bound.normalize()) for bound in (self.scale_min, self.scale_max))
        return f"{low}–{high}"

    def meaning_changed(self) -> bool:
        """Whether saving would change what the dimension measures (or add one to the instrument)."""
        if self.pk is None:
            return True
        saved = AssessmentDimension.objects.filter(pk=self.pk).values(*self.MEANING_FIELDS).first()
        if saved is None:
            return True
        for name in self.MEANING_FIELDS:
            mine, theirs = getattr(self, name), saved[name]
            if name.startswith("scale_"):
                mine, theirs = _decimal(mine), _decimal(theirs)
            if mine != theirs:
                return True
        return False

    def _frozen_instruments(self) -> list[int]:
        """The instruments this save touches (the one it is in, the one it leaves) that are in use."""
        ids = {self.instrument_id}
        if self.pk is not None:
            ids |= set(AssessmentDimension.objects.filter(pk=self.pk).values_list("instrument_id", flat=True))
        return list(SafetyAssessment.objects.filter(instrument_id__in=ids).values_list("instrument_id", flat=True)[:1])

    def clean(self) -> None:
        errors = {}
        if self.scale_min is not None and self.scale_max is not None and self.scale_max <= self.scale_min:
            errors["scale_max"] = _("The maximum of the scale must be above its minimum.")
        if self.instrument_id and self.meaning_changed() and self._frozen_instruments():
            errors[NON_FIELD_ERRORS] = INSTRUMENT_IN_USE_MESSAGE
        if errors:
            raise ValidationError(errors)


class SafetyAssessment(Timestamped):
    """The monitoring of one community's state of safety for one half-year with one instrument:
    a score per dimension of the instrument (:class:`AssessmentScore`), from a survey of residents."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("community")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    half = models.PositiveSmallIntegerField(_("half-year"), choices=HalfYear.choices)
    assessed_on = models.DateField(_("assessed on"))
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        blank=True,
        related_name="assessments",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    instrument = models.ForeignKey(
        AssessmentInstrument,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("instrument"),
    )
    respondents = models.PositiveIntegerField(_("respondents"))
    identified_risks = models.TextField(_("identified safety risks"), blank=True)
    safety_resources = models.TextField(_("safety potential and resources"), blank=True)
    method = models.CharField(
        _("survey method"),
        max_length=16,
        choices=SurveyMethod.choices,
        blank=True,
        help_text=_("How the respondents were surveyed; blank if not recorded."),
    )

    class Meta:
        verbose_name = _("safety assessment")
        verbose_name_plural = _("safety assessments")
        ordering = ["-year", "-half", "community"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "half"], name="assessment_one_per_community_period"),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="assessment_half_is_1_or_2"),
            models.CheckConstraint(condition=Q(respondents__gte=1), name="assessment_has_respondents"),
        ]
        indexes = [models.Index(fields=["community", "year", "half"], name="assessment_community_period")]

    def __str__(self) -> str:
        return f"{self.community} {self.year}-H{self.half}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A write path that did not validate (a command, a fixture) still gets the default.
        if self.programme_id is None:
            attribute_to_programme(self, self.community if self.community_id else None, self.assessed_on)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.community_id:
            attribute_to_programme(self, self.community, self.assessed_on)
        if self.pk is not None and self.instrument_id:
            saved = SafetyAssessment.objects.filter(pk=self.pk).values_list("instrument_id", flat=True).first()
            if saved not in (None, self.instrument_id) and self.scores.exists():
                raise ValidationError(
                    {"instrument": _("This assessment has scores on its instrument: it cannot change instrument.")}
                )

    def score_values(self) -> dict[str, Decimal]:
        """Its scores by dimension code."""
        return dict(self.scores.values_list("dimension__code", "value"))


class AssessmentScore(Timestamped):
    """An assessment's score on one dimension of its instrument, on the dimension's own scale."""

    assessment = models.ForeignKey(
        SafetyAssessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment")
    )
    dimension = models.ForeignKey(
        AssessmentDimension, on_delete=models.PROTECT, related_name="scores", verbose_name=_("dimension")
    )
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2)

    history = HistoricalRecords(verbose_name=_("historical assessment score"))

    class Meta:
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")
        ordering = ["assessment_id", "dimension__position", "dimension__code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "dimension"], name="score_one_per_dimension"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.value}"

    def clean(self) -> None:
        if not self.dimension_id:
            return
        dimension = self.dimension
        errors: dict[str, Any] = {}
        instrument_id = self.assessment.instrument_id if self.assessment_id else None
        if instrument_id and dimension.instrument_id != instrument_id:
            errors["dimension"] = _("This dimension belongs to another instrument than the assessment's.")
        if self.value is not None and not dimension.scale_min <= self.value <= dimension.scale_max:
            errors["value"] = _("The score of “%(dimension)s” must be between %(min)s and %(max)s.") % {
                "dimension": dimension.localized_name(),
                "min": formats.number_format(dimension.scale_min.normalize()),
                "max": formats.number_format(dimension.scale_max.normalize()),
            }
        if errors:
            raise ValidationError(errors)


class EngagementMode(models.TextChoices):
    ACUTE = "acute", _("Acute communication")
    SYSTEMATIC = "systematic", _("Systematic cooperation")


# How long each mode may last, in days (DOMAIN.md, programme 4: acute 1-3 months, systematic up to
# a year).
ENGAGEMENT_MAX_DAYS: dict[str, int] = {EngagementMode.ACUTE: 92, EngagementMode.SYSTEMATIC: 366}


class Engagement(Timestamped):
    """Support to a municipality: acute communication after an incident or tension (1-3 months), or
    systematic cooperation (up to a year)."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="engagements", verbose_name=_("community")
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
        verbose_name=_("partner organisation"),
    )
    mode = models.CharField(_("mode"), max_length=12, choices=EngagementMode.choices)
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Leave empty while it goes on."))
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        blank=True,
        related_name="engagements",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    trigger = models.TextField(_("what led to it"), blank=True)
    line_communication = models.BooleanField(_("communication"), default=False)
    line_process_mapping = models.BooleanField(_("process mapping"), default=False)
    line_participation = models.BooleanField(_("participation"), default=False)
    line_mediation = models.BooleanField(_("mediation"), default=False)
    outcome = models.TextField(_("outcome"), blank=True)
    # Named as strings: the incidents and events are apps above this one, which it never imports.
    trigger_incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagements",
        verbose_name=_("incident that triggered it"),
        help_text=_("For an acute engagement: the case in the same community that led to it."),
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
        verbose_name=_("follows the acute engagement"),
        help_text=_("For a systematic engagement: the acute one in the same community it grew out of."),
    )
    events = models.ManyToManyField(
        "negotiators.OutreachEvent",
        blank=True,
        related_name="engagements",
        verbose_name=_("events"),
        help_text=_("Public meetings and other events of the engagement, in the same community."),
    )

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="engagement_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["community", "starts_on"], name="engagement_community_start")]

    def __str__(self) -> str:
        return f"{self.community}: {self.get_mode_display()} ({self.starts_on})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A write path that did not validate (a command, a fixture) still gets the default.
        if self.programme_id is None:
            attribute_to_programme(self, self.community if self.community_id else None, self.starts_on)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.community_id:
            attribute_to_programme(self, self.community, self.starts_on)
        if self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                raise ValidationError({"ends_on": _("The end date is before the start date.")})
            limit = ENGAGEMENT_MAX_DAYS.get(self.mode)
            if limit and (self.ends_on - self.starts_on).days > limit:
                raise ValidationError(
                    {
                        "ends_on": _("%(mode)s lasts at most %(days)d days.")
                        % {"mode": self.get_mode_display(), "days": limit}
                    }
                )
        errors = engagement_link_errors(self)
        if errors:
            raise ValidationError(errors)


def engagement_link_errors(engagement: Engagement) -> dict[str, Any]:
    """What is wrong with the links of ``engagement``: the acute engagement a systematic one
    follows (same community, started no later) and the incident that triggered it (same
    community)."""
    errors: dict[str, Any] = {}
    earlier = engagement.follows if engagement.follows_id is not None else None
    if earlier is not None:
        if engagement.pk is not None and earlier.pk == engagement.pk:
            errors["follows"] = _("An engagement cannot follow itself.")
        elif engagement.mode != EngagementMode.SYSTEMATIC or earlier.mode != EngagementMode.ACUTE:
            errors["follows"] = _("Only a systematic engagement follows, and only an acute one.")
        elif earlier.community_id != engagement.community_id:
            errors["follows"] = _("The engagement it follows is in another community.")
        elif engagement.starts_on and earlier.starts_on > engagement.starts_on:
            errors["follows"] = _("The engagement it follows starts later than this one.")
    incident = engagement.trigger_incident if engagement.trigger_incident_id is not None else None
    if incident is not None and incident.community_id != engagement.community_id:
        errors["trigger_incident"] = _("The incident happened in another community.")
    return errors


def engagement_event_errors(engagement: Engagement, events: Any) -> list[str]:
    """The events (any iterable of outreach events) that cannot be linked to ``engagement``: those
    of another community, as messages."""
    return [
        _("The event “%(event)s” is in another community.") % {"event": event}
        for event in events
        if event.community_id != engagement.community_id
    ]
