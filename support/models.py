"""Support to municipalities delivered step by step (seed 003): the activities of an engagement
per service line, the recommendations it leaves and their way to implementation, and the roster of
mediators and facilitators who deliver it.

The engagement itself is ``communities.Engagement``; this app sits above it (and above the
incidents and events it links), so the engagement knows nothing of its activities. An activity or
a recommendation belongs to its engagement's programme: it has no programme of its own to
disagree with it.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import EARLIEST_DATE_MESSAGE, EARLIEST_RECORD_DATE, Engagement, Timestamped
from events.models import Person
from negotiators.models import OutreachEvent


class ServiceLine(models.TextChoices):
    """The four service lines of seed 003; each is a flag on the engagement (``line_<value>``)."""

    COMMUNICATION = "communication", _("Communication")
    PROCESS_MAPPING = "process_mapping", _("Process mapping")
    PARTICIPATION = "participation", _("Participation")
    MEDIATION = "mediation", _("Mediation")


class Step(models.TextChoices):
    """The concrete steps of the service lines (which line each belongs to: ``LINE_STEPS``)."""

    AUDIENCE_ANALYSIS = "audience_analysis", _("Audience analysis")
    CRISIS_PLAN = "crisis_plan", _("Crisis communication plan and risk scenarios")
    SUPERVISION = "supervision", _("Supervision")
    INTERNAL_COMMUNICATION = "internal_communication", _("Internal communication")
    SEMINAR = "seminar", _("Seminar")
    TEXT_HELP = "text_help", _("Help with texts")
    DOCUMENT_ANALYSIS = "document_analysis", _("Document analysis")
    STAFF_INTERVIEWS = "staff_interviews", _("Interviews with office staff")
    USER_INTERVIEWS = "user_interviews", _("Interviews with service users")
    PROCESS_MAP = "process_map", _("Process map")
    RECOMMENDATIONS = "recommendations", _("Recommendations")
    IMPLEMENTATION_CONSULTATION = "implementation_consultation", _("Consultation on implementation")
    FOLLOW_UP = "follow_up", _("Follow-up")
    PUBLIC_MEETING = "public_meeting", _("Public meeting")
    ROUND_TABLE = "round_table", _("Round table")
    VULNERABLE_GROUPS = "vulnerable_groups", _("Involving vulnerable groups")
    MEDIATION_SESSION = "mediation_session", _("Mediation session")
    PREPARATORY_MEETING = "preparatory_meeting", _("Preparatory meeting")
    AGREEMENT_FOLLOW_UP = "agreement_follow_up", _("Agreement follow-up")


# The steps of each line, in the order they are usually taken; written once.
LINE_STEPS: dict[str, tuple[str, ...]] = {
    ServiceLine.COMMUNICATION: (
        Step.AUDIENCE_ANALYSIS,
        Step.CRISIS_PLAN,
        Step.SUPERVISION,
        Step.INTERNAL_COMMUNICATION,
        Step.SEMINAR,
        Step.TEXT_HELP,
    ),
    ServiceLine.PROCESS_MAPPING: (
        Step.DOCUMENT_ANALYSIS,
        Step.STAFF_INTERVIEWS,
        Step.USER_INTERVIEWS,
        Step.PROCESS_MAP,
        Step.RECOMMENDATIONS,
        Step.IMPLEMENTATION_CONSULTATION,
        Step.FOLLOW_UP,
    ),
    ServiceLine.PARTICIPATION: (Step.PUBLIC_MEETING, Step.ROUND_TABLE, Step.VULNERABLE_GROUPS),
    ServiceLine.MEDIATION: (Step.MEDIATION_SESSION, Step.PREPARATORY_MEETING, Step.AGREEMENT_FOLLOW_UP),
}
LINE_OF_STEP: dict[str, str] = {step: line for line, steps in LINE_STEPS.items() for step in steps}


def line_flag(line: str) -> str:
    """The engagement's yes/no field of ``line`` (``line_mediation``)."""
    return f"line_{line}"


class Mediator(Timestamped):
    """A mediator or facilitator of the roster. The person is one of the directory of speakers and
    officials (``events.Person``): the name and organisation are public there, the contacts
    encrypted, and subject access and erasure already know them. Hours delivered are counted from
    the activities (``support.selectors.with_hours_delivered``), never stored."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="mediator", verbose_name=_("person"))
    training = models.TextField(_("training"), blank=True, help_text=_("Courses in mediation or facilitation taken."))
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    certification_body = models.CharField(_("certification body"), max_length=200, blank=True)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("The languages they mediate in, separated by commas.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mediator or facilitator")
        verbose_name_plural = _("mediators and facilitators")
        ordering = ["person__full_name", "pk"]

    def __str__(self) -> str:
        return str(self.person)

    def clean(self) -> None:
        if self.certified_on and self.certified_on < EARLIEST_RECORD_DATE:
            raise ValidationError({"certified_on": EARLIEST_DATE_MESSAGE})
        if self.certified_on and not self.certification_body:
            raise ValidationError({"certification_body": _("Say which body certified them.")})


def _engagement_of(record: Any) -> Engagement | None:
    """The record's engagement, also when it is not saved yet (a new one typed on the same page)."""
    try:
        return record.engagement
    except Engagement.DoesNotExist:
        return None


def _within_engagement(engagement: Engagement | None, day: Any, field: str) -> dict[str, Any]:
    if day is None or engagement is None or engagement.starts_on is None:
        return {}
    if day < engagement.starts_on or (engagement.ends_on is not None and day > engagement.ends_on):
        return {
            field: _("The date is outside the engagement (%(start)s – %(end)s).")
            % {"start": engagement.starts_on, "end": engagement.ends_on or "…"}
        }
    return {}


class Activity(Timestamped):
    """One step of a service line delivered for an engagement: when, how many hours, by whom. The
    notes are internal (the names of those interviewed live only here), never in the API."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="activities", verbose_name=_("engagement")
    )
    line = models.CharField(_("service line"), max_length=16, choices=ServiceLine.choices)
    step = models.CharField(_("step"), max_length=32, choices=Step.choices)
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="support_activities", verbose_name=_("staff")
    )
    mediators = models.ManyToManyField(
        Mediator, blank=True, related_name="activities", verbose_name=_("mediators and facilitators")
    )
    events = models.ManyToManyField(
        OutreachEvent,
        blank=True,
        related_name="support_activities",
        verbose_name=_("events"),
        help_text=_("The public meeting or round table this step was, when it is logged as an event."),
    )
    notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never shared outside the NGO."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["date", "pk"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="support_activity_hours_positive")]
        indexes = [models.Index(fields=["engagement", "date"], name="support_activity_engagement")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} ({self.date})"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.line and self.step and LINE_OF_STEP.get(self.step) != self.line:
            errors["step"] = _("“%(step)s” is not a step of the line “%(line)s”.") % {
                "step": self.get_step_display(),
                "line": self.get_line_display(),
            }
        errors |= _within_engagement(_engagement_of(self), self.date, "date")
        if errors:
            raise ValidationError(errors)


class RecommendationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    REJECTED = "rejected", _("Rejected")


# Where a recommendation may move next; implemented and rejected are final. Written once: the
# service (``recommendation_move``) and the admin's choices read it.
RECOMMENDATION_MOVES: dict[str, tuple[str, ...]] = {
    RecommendationStatus.PROPOSED: (RecommendationStatus.ACCEPTED, RecommendationStatus.REJECTED),
    RecommendationStatus.ACCEPTED: (
        RecommendationStatus.IN_PROGRESS,
        RecommendationStatus.IMPLEMENTED,
        RecommendationStatus.REJECTED,
    ),
    RecommendationStatus.IN_PROGRESS: (RecommendationStatus.IMPLEMENTED, RecommendationStatus.REJECTED),
    RecommendationStatus.IMPLEMENTED: (),
    RecommendationStatus.REJECTED: (),
}


class Recommendation(Timestamped):
    """A recommendation an engagement left the municipality, followed to its implementation.

    ``status_on`` is the date of the current status; implemented and rejected are final, so their
    date never moves. Every move goes through ``support.services.recommendation_move`` and is in
    the history with who made it."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("engagement")
    )
    line = models.CharField(_("service line"), max_length=16, choices=ServiceLine.choices)
    text = models.TextField(_("recommendation"))
    made_on = models.DateField(_("made on"))
    status = models.CharField(
        _("status"), max_length=12, choices=RecommendationStatus.choices, default=RecommendationStatus.PROPOSED
    )
    status_on = models.DateField(_("status since"))
    evidence = models.TextField(
        _("evidence"), blank=True, help_text=_("What shows the status: a council resolution, a new procedure.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["made_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status_on__gte=models.F("made_on")), name="support_status_after_made"),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 60 else f"{self.text[:59]}…"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        errors |= _within_engagement(_engagement_of(self), self.made_on, "made_on")
        if self.made_on and self.status_on and self.status_on < self.made_on:
            errors["status_on"] = _("The status cannot date from before the recommendation was made.")
        if self.status == RecommendationStatus.IMPLEMENTED and not self.evidence.strip():
            errors["evidence"] = _("Say what shows the recommendation was implemented.")
        if errors:
            raise ValidationError(errors)

    def allowed_moves(self) -> tuple[str, ...]:
        return RECOMMENDATION_MOVES[self.status]
