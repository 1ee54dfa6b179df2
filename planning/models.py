"""Community safety planning (seed 001): a community's risk and potential analysis, the strategies
and plans drafted from it and taken through the council, their measures, the initiatives the
community runs itself, and the regulations the council adopts."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import PROGRAMME_HELP, Community, Timestamped, attribute_to_programme
from incidents.models import Incident
from negotiators.models import Negotiator, OutreachEvent
from programmes.models import Document, Programme

# Likelihood, impact, influence, interest and the conflict potential: 1 (lowest) to 5 (highest).
SCALE_MIN, SCALE_MAX = 1, 5
SCALE_VALIDATORS = [MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
SCALE_MESSAGE = _("Give a value from 1 to 5.")


def _in_scale(field: str) -> Q:
    return Q(**{f"{field}__gte": SCALE_MIN, f"{field}__lte": SCALE_MAX})


def _scale_field(verbose_name: Any, help_text: Any = "") -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=SCALE_VALIDATORS,
        help_text=help_text,
        error_messages={"min_value": SCALE_MESSAGE, "max_value": SCALE_MESSAGE},
    )


class Attributed(Timestamped):
    """A record of the programme's work in a community on a date: its programme defaults to the
    one the community takes part in on that date (``Programme.attribute``)."""

    # The field whose date decides the programme.
    attribution_date = ""

    class Meta:
        abstract = True

    def _attribute(self) -> None:
        record: Any = self
        community = record.community if record.community_id else None
        attribute_to_programme(self, community, getattr(self, self.attribution_date))

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A write path that did not validate (a command, a fixture) still gets the default.
        if getattr(self, "programme_id", None) is None:
            self._attribute()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if getattr(self, "community_id", None):
            self._attribute()


# --- the analysis ---------------------------------------------------------------------------------


class RiskCategory(models.TextChoices):
    """Seed 001's broad notion of safety: crime and conflict, and what makes daily life unsafe."""

    CRIME = "crime", _("Crime")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    NEIGHBOUR_CONFLICT = "neighbour_conflict", _("Conflicts between residents")
    INTERGROUP_TENSION = "intergroup_tension", _("Interethnic or IDP-host tension")
    POLICE_COMMUNITY = "police_community", _("Police-community conflict")
    ROAD_SAFETY = "road_safety", _("Road safety")
    FIRE_SAFETY = "fire_safety", _("Fire safety")
    PUBLIC_ORDER = "public_order", _("Public order, alcohol and drugs")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure and street lighting")
    ENVIRONMENT = "environment", _("Environment and natural hazards")
    HEALTH_CARE = "health_care", _("Access to health care")
    WAR = "war", _("War-related risks (mines, shelling, air raids)")
    OTHER = "other", _("Other")


class Trend(models.TextChoices):
    RISING = "rising", _("Rising")
    STABLE = "stable", _("Stable")
    FALLING = "falling", _("Falling")


class Analysis(Attributed):
    """A community's risk and potential analysis on one date: its risks, its resources (growth
    points), its stakeholders, and its conflict potential with the needs that drive it."""

    attribution_date = "analysed_on"

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="analyses", verbose_name=_("community")
    )
    analysed_on = models.DateField(_("analysed on"))
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        blank=True,
        related_name="analyses",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    conflict_potential = _scale_field(
        _("conflict potential"), _("From 1 (calm) to 5 (open conflict likely), as the analysis judged it.")
    )
    conflict_needs = models.TextField(_("needs behind the conflict potential"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords(verbose_name=_("historical risk and potential analysis"))

    class Meta:
        verbose_name = _("risk and potential analysis")
        verbose_name_plural = _("risk and potential analyses")
        ordering = ["-analysed_on", "community"]
        constraints = [
            models.CheckConstraint(condition=_in_scale("conflict_potential"), name="analysis_conflict_potential_1_5"),
        ]
        indexes = [models.Index(fields=["community", "analysed_on"], name="analysis_community_date")]

    def __str__(self) -> str:
        return f"{self.community} ({self.analysed_on})"


class Risk(Timestamped):
    """One safety risk of an analysis, placed on the matrix by its likelihood and impact."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="risks", verbose_name=_("analysis"))
    category = models.CharField(_("category"), max_length=24, choices=RiskCategory.choices)
    description = models.TextField(_("description"))
    likelihood = _scale_field(_("likelihood"), _("From 1 (rare) to 5 (almost certain)."))
    impact = _scale_field(_("impact"), _("From 1 (minor) to 5 (severe)."))
    trend = models.CharField(_("trend"), max_length=8, choices=Trend.choices, default=Trend.STABLE)
    groups_affected = models.CharField(
        _("groups affected"), max_length=300, blank=True, help_text=_("For example: youth, IDPs, older people.")
    )
    incidents = models.ManyToManyField(
        Incident,
        blank=True,
        related_name="risks",
        verbose_name=_("linked incidents"),
        help_text=_("Incidents of the same community."),
    )

    history = HistoricalRecords(verbose_name=_("historical risk"))

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["analysis", "-likelihood", "-impact", "pk"]
        constraints = [
            models.CheckConstraint(condition=_in_scale("likelihood"), name="risk_likelihood_1_5"),
            models.CheckConstraint(condition=_in_scale("impact"), name="risk_impact_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.likelihood}×{self.impact}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class ResourceKind(models.TextChoices):
    PEOPLE = "people", _("People and local leaders")
    ORGANISATIONS = "organisations", _("Organisations")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    FUNDING = "funding", _("Funding")
    TRADITION = "tradition", _("Traditions and practices")
    OTHER = "other", _("Other")


class Resource(Timestamped):
    """A resource or growth point of the community's safety potential."""

    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, related_name="resources", verbose_name=_("analysis")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    description = models.TextField(_("description"))
    held_by = models.CharField(
        _("held by"), max_length=200, blank=True, help_text=_("An organisation or a group, not a person's name.")
    )

    history = HistoricalRecords(verbose_name=_("historical resource"))

    class Meta:
        verbose_name = _("resource or growth point")
        verbose_name_plural = _("resources and growth points")
        ordering = ["analysis", "kind", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class StakeholderKind(models.TextChoices):
    POLICE = "police", _("Police unit")
    COUNCIL = "council", _("Council or local government")
    SCHOOL = "school", _("School")
    NGO = "ngo", _("NGO")
    RELIGIOUS = "religious", _("Church or religious community")
    BUSINESS = "business", _("Business")
    HEALTH = "health", _("Health care")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


class Stakeholder(Timestamped):
    """A body with a stake in the community's safety, by its influence and interest."""

    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, related_name="stakeholders", verbose_name=_("analysis")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=StakeholderKind.choices)
    name = models.CharField(_("name"), max_length=200, help_text=_("The body or organisation, not a person."))
    influence = _scale_field(_("influence"), _("From 1 (little) to 5 (decisive)."))
    interest = _scale_field(_("interest"), _("From 1 (indifferent) to 5 (committed)."))

    history = HistoricalRecords(verbose_name=_("historical stakeholder"))

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["analysis", "kind", "name"]
        constraints = [
            models.CheckConstraint(condition=_in_scale("influence"), name="stakeholder_influence_1_5"),
            models.CheckConstraint(condition=_in_scale("interest"), name="stakeholder_interest_1_5"),
        ]

    def __str__(self) -> str:
        return self.name


# --- strategies and plans -------------------------------------------------------------------------


class PlanKind(models.TextChoices):
    SAFETY_STRATEGY = "safety_strategy", _("Community safety strategy")
    DEVELOPMENT_PLAN = "development_plan", _("Community development plan")
    LOCAL_PROGRAMME = "local_programme", _("Local programme")
    VETERANS_REINTEGRATION = "veterans_reintegration", _("Veterans' reintegration plan")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONSULTATION = "consultation", _("Public consultation")
    SUBMITTED = "submitted", _("Submitted to the council")
    ADOPTED = "adopted", _("Adopted")
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")
    EVALUATED = "evaluated", _("Evaluated")
    EXPIRED = "expired", _("Expired")


# The life cycle, written once: where each status may go next. The council may send a submitted
# plan back for redrafting; an adopted plan is implemented, then evaluated or left to expire.
PLAN_STATUS_MOVES: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.CONSULTATION, PlanStatus.SUBMITTED}),
    PlanStatus.CONSULTATION: frozenset({PlanStatus.DRAFT, PlanStatus.SUBMITTED}),
    PlanStatus.SUBMITTED: frozenset({PlanStatus.DRAFT, PlanStatus.ADOPTED}),
    PlanStatus.ADOPTED: frozenset({PlanStatus.IN_IMPLEMENTATION, PlanStatus.EXPIRED}),
    PlanStatus.IN_IMPLEMENTATION: frozenset({PlanStatus.EVALUATED, PlanStatus.EXPIRED}),
    PlanStatus.EVALUATED: frozenset(),
    PlanStatus.EXPIRED: frozenset(),
}
# The statuses of a plan the council adopted: each needs the body, the date and the decision.
ADOPTED_STATUSES = frozenset(
    {PlanStatus.ADOPTED, PlanStatus.IN_IMPLEMENTATION, PlanStatus.EVALUATED, PlanStatus.EXPIRED}
)


def move_refused(old: str, new: str) -> str:
    """The error for a move the life cycle does not allow, with the moves it does."""
    allowed = ", ".join(str(PlanStatus(status).label) for status in sorted(PLAN_STATUS_MOVES[old]))
    return _("A plan cannot go from “%(old)s” to “%(new)s”; from “%(old)s” it may go to: %(allowed)s.") % {
        "old": PlanStatus(old).label,
        "new": PlanStatus(new).label,
        "allowed": allowed or _("nowhere, its life cycle is over"),
    }


class Plan(Attributed):
    """A strategy or plan of a community, from its draft through the council's decision to its
    implementation. Its status changes only through ``planning.services.plan_move``, which logs
    each move (:class:`PlanStatusChange`)."""

    attribution_date = "starts_on"

    kind = models.CharField(_("kind"), max_length=24, choices=PlanKind.choices)
    title = models.CharField(_("title"), max_length=300)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="plans", verbose_name=_("community")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        blank=True,
        related_name="plans",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    starts_on = models.DateField(_("period starts on"))
    ends_on = models.DateField(_("period ends on"))
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    analysis = models.ForeignKey(
        Analysis,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("analysis it builds on"),
    )
    consultation_events = models.ManyToManyField(
        OutreachEvent, blank=True, related_name="plans", verbose_name=_("consultation events")
    )
    adopted_by = models.CharField(
        _("adopted by"), max_length=200, blank=True, help_text=_("The body that adopted it, e.g. the council.")
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    document = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("document"),
        help_text=_("The adopted text, in the document library."),
    )

    history = HistoricalRecords(verbose_name=_("historical plan"))

    class Meta:
        verbose_name = _("strategy or plan")
        verbose_name_plural = _("strategies and plans")
        ordering = ["-starts_on", "community", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="plan_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(ADOPTED_STATUSES))
                | (Q(adopted_on__isnull=False) & ~Q(adopted_by="") & ~Q(decision_number="")),
                name="plan_adopted_has_decision",
            ),
        ]
        indexes = [models.Index(fields=["community", "status"], name="plan_community_status")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The period ends before it starts.")
        if self.status in ADOPTED_STATUSES:
            missing = _("An adopted plan needs the body that adopted it, the date and the decision number.")
            for field in ("adopted_by", "adopted_on", "decision_number"):
                if not getattr(self, field):
                    errors[field] = missing
        previous = self.stored_status()
        if previous and previous != self.status and self.status not in PLAN_STATUS_MOVES[previous]:
            errors["status"] = move_refused(previous, self.status)
        analysis = self.analysis if self.analysis_id else None
        if analysis is not None and self.community_id and analysis.community_id != self.community_id:
            errors["analysis"] = _("Choose an analysis of the same community.")
        if errors:
            raise ValidationError(errors)

    def stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return Plan.objects.filter(pk=self.pk).values_list("status", flat=True).first()


class PlanStatusChange(models.Model):
    """One move of a plan along its life cycle: from, to, who and when (``from_status`` empty: the
    plan was recorded in that status)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("plan"))
    from_status = models.CharField(_("from"), max_length=20, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PlanStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("plan status change")
        verbose_name_plural = _("plan status changes")
        ordering = ["plan", "at", "pk"]
        indexes = [models.Index(fields=["plan", "at"], name="plan_status_change_at")]

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_to_status_display()}"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Measure(Timestamped):
    """A measure of a plan: who does what by when, with its budget and the evidence it was done."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plan"))
    title = models.CharField(_("title"), max_length=300)
    risk = models.ForeignKey(
        Risk,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("risk it addresses"),
    )
    responsible = models.CharField(
        _("responsible"), max_length=200, blank=True, help_text=_("The body or organisation, not a person.")
    )
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO code, e.g. UAH."))
    budget_source = models.CharField(_("source of funding"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_link = models.URLField(_("link to the evidence"), max_length=500, blank=True)

    history = HistoricalRecords(verbose_name=_("historical measure"))

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | ~Q(status="done"),
                name="measure_done_has_date",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="measure_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        plan = self.plan if self.plan_id else None
        if plan is not None and self.due_on and plan.starts_on and plan.ends_on:  # noqa: SIM102
            if not plan.starts_on <= self.due_on <= plan.ends_on:
                errors["due_on"] = _("The due date must fall within the plan's period, %(start)s to %(end)s.") % {
                    "start": plan.starts_on,
                    "end": plan.ends_on,
                }
        if self.status == MeasureStatus.DONE and not self.done_on:
            errors["done_on"] = _("Give the date the measure was done.")
        if self.budget is not None and not self.currency:
            errors["currency"] = _("Give the budget's currency.")
        risk = self.risk if self.risk_id else None
        if plan is not None and risk is not None and risk.analysis.community_id != plan.community_id:
            errors["risk"] = _("Choose a risk of the plan's community.")
        if errors:
            raise ValidationError(errors)


# --- what the community does itself, and what the council adopts ---------------------------------


class InitiativeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class Initiative(Attributed):
    """A community safety initiative the community runs itself (a neighbourhood watch, a lit path
    to school), recorded by staff or by the community's negotiator."""

    attribution_date = "started_on"

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("community")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        blank=True,
        related_name="initiatives",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("Short and without names."))
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("started on"))
    status = models.CharField(
        _("status"), max_length=12, choices=InitiativeStatus.choices, default=InitiativeStatus.RUNNING
    )
    run_by = models.CharField(
        _("run by"), max_length=200, blank=True, help_text=_("A group or organisation, e.g. the residents' council.")
    )
    negotiator = models.ForeignKey(
        Negotiator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("negotiator"),
    )

    history = HistoricalRecords(verbose_name=_("historical initiative"))

    class Meta:
        verbose_name = _("community safety initiative")
        verbose_name_plural = _("community safety initiatives")
        ordering = ["-started_on", "community", "title"]
        indexes = [models.Index(fields=["community", "started_on"], name="initiative_community_start")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        negotiator = self.negotiator if self.negotiator_id else None
        if negotiator is not None and self.community_id and negotiator.community_id != self.community_id:
            raise ValidationError({"negotiator": _("Choose a negotiator of the same community.")})


class RegulationKind(models.TextChoices):
    NEGOTIATOR_STATUS = "negotiator_status", _("Status of social negotiators")
    SAFETY = "safety", _("Community safety")
    PUBLIC_ORDER = "public_order", _("Public order")
    OTHER = "other", _("Other")


class Regulation(Attributed):
    """A regulation a local body adopted, e.g. the negotiator's status in a local regulation."""

    attribution_date = "adopted_on"

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="regulations", verbose_name=_("community")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        blank=True,
        related_name="regulations",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=RegulationKind.choices)
    adopted_by = models.CharField(_("adopted by"), max_length=200, help_text=_("The body that adopted it."))
    adopted_on = models.DateField(_("adopted on"))
    number = models.CharField(_("number"), max_length=60)
    document = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="regulations",
        verbose_name=_("document"),
        help_text=_("The adopted text, in the document library."),
    )

    history = HistoricalRecords(verbose_name=_("historical regulation"))

    class Meta:
        verbose_name = _("regulation adopted")
        verbose_name_plural = _("regulations adopted")
        ordering = ["-adopted_on", "community"]
        indexes = [models.Index(fields=["community", "adopted_on"], name="regulation_community_date")]

    def __str__(self) -> str:
        return self.title
