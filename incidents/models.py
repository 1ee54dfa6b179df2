"""Safety incidents (cases) a negotiator works on, their parties and the log of every action.

Status only moves along ``TRANSITIONS`` and only through ``incidents.services``, which writes the
action log at the same time.
"""

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import EARLIEST_DATE_MESSAGE, EARLIEST_RECORD_DATE, PROGRAMME_HELP, Community, Timestamped
from negotiators.models import Negotiator
from privacy.anonymous import person_label
from privacy.categories import AgeGroup, Sex, Vulnerability
from privacy.crypto import IndexKind
from privacy.fields import BlindIndexField, EncryptedCharField, EncryptedTextField
from privacy.location import location_constraints, location_errors, location_fields, round_to_stored
from privacy.screening import shared_text_errors
from privacy.visibility import personal_data_shown
from programmes.models import Programme


class IncidentCategory(models.TextChoices):
    NEIGHBOUR_DISPUTE = "neighbour_dispute", _("Neighbour dispute")
    DOMESTIC_CONFLICT = "domestic_conflict", _("Domestic conflict")
    PUBLIC_ORDER = "public_order", _("Public order")
    YOUTH = "youth", _("Youth")
    INTERGROUP_TENSION = "intergroup_tension", _("Interethnic or IDP-host tension")
    POLICE_COMMUNITY = "police_community", _("Police-community conflict")
    ROAD_SAFETY = "road_safety", _("Road safety")
    FIRE_SAFETY = "fire_safety", _("Fire safety")
    OTHER = "other", _("Other")


def automatic_incident_title(category: str) -> str:
    """The title of an incident reported without one, in the active language: its category."""
    return str(IncidentCategory(category).label) if category in IncidentCategory.values else category


class Severity(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    REFERRED = "referred", _("Referred to an agency")
    CLOSED_UNRESOLVED = "closed_unresolved", _("Closed unresolved")


# "Referred" closed a case until referrals were tracked (``casework.Referral``): past cases keep
# it, closed, so past periods' figures stay as reported; no move leads there any more. A case now
# stays open while agencies work on its referrals.
CLOSED_STATUSES = (IncidentStatus.RESOLVED, IncidentStatus.REFERRED, IncidentStatus.CLOSED_UNRESOLVED)

# Where each status may move next. A closed case may be reopened (back to in progress).
TRANSITIONS = {
    IncidentStatus.REPORTED: (IncidentStatus.IN_PROGRESS, IncidentStatus.CLOSED_UNRESOLVED),
    IncidentStatus.IN_PROGRESS: (IncidentStatus.RESOLVED, IncidentStatus.CLOSED_UNRESOLVED),
    IncidentStatus.RESOLVED: (IncidentStatus.IN_PROGRESS,),
    IncidentStatus.REFERRED: (IncidentStatus.IN_PROGRESS,),
    IncidentStatus.CLOSED_UNRESOLVED: (IncidentStatus.IN_PROGRESS,),
}
# The statuses some move leads to (the admin offers a bulk action for each).
TARGET_STATUSES = tuple(status for status in IncidentStatus if any(status in moves for moves in TRANSITIONS.values()))


# Phones' clocks drift; a report a few minutes "in the future" is a clock, not a mistake.
CLOCK_SKEW = timedelta(minutes=15)


class ResponseMode(models.TextChoices):
    MEDIATION = "mediation", _("Mediation")
    ACUTE_COMMUNICATION = "acute_communication", _("Acute communication")


class Agency(models.TextChoices):
    """Whom a case was referred to when referring closed it (``referred_to``, past cases only);
    referrals now name an agency of the directory (``casework.Agency``)."""

    POLICE = "police", _("Police")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    SOCIAL_SERVICES = "social_services", _("Social services")
    HEALTH_CARE = "health_care", _("Health care")
    LEGAL_AID = "legal_aid", _("Free legal aid")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    EMERGENCY_SERVICE = "emergency_service", _("Emergency service")
    OTHER = "other", _("Other")


class ReportSource(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    NEGOTIATOR = "negotiator", _("Negotiator")
    POLICE = "police", _("Police")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


class Incident(Timestamped):
    """A safety incident or case in a community.

    ``description``, ``location`` and the coordinates may identify people: they stay inside the
    NGO. Partners see the category, severity, status and dates, generalised to the community.
    """

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("community")
    )
    category = models.CharField(_("category"), max_length=24, choices=IncidentCategory.choices)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(
        _("status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    response_mode = models.CharField(_("response"), max_length=20, choices=ResponseMode.choices, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=20, choices=Agency.choices, blank=True)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        blank=True,
        related_name="incidents",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    title = models.CharField(
        _("title"), max_length=200, help_text=_("Short and without names: it is shared with partners.")
    )
    # An automatic title is the category in each reader's language (``display_title``); ``title``
    # then keeps it in the portal's language, for search.
    title_is_automatic = models.BooleanField(
        _("automatic title"), default=False, help_text=_("The category, in each reader's language.")
    )
    description = models.TextField(_("what happened"), blank=True)
    location = models.CharField(_("where"), max_length=200, blank=True)
    latitude, longitude, location_accuracy_m = location_fields()
    source = models.CharField(
        _("reported by"), max_length=20, choices=ReportSource.choices, default=ReportSource.RESIDENT
    )
    police_involved = models.BooleanField(_("police involved"), default=False)
    negotiator = models.ForeignKey(
        Negotiator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("negotiator in charge"),
    )
    internal_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never shared outside the NGO."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )

    history = HistoricalRecords(verbose_name=_("historical incident"))

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(severity__gte=1, severity__lte=4), name="incident_severity_1_to_4"),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("occurred_at")),
                name="incident_closed_after_occurred",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in CLOSED_STATUSES], closed_at__isnull=False)
                | ~Q(status__in=[s.value for s in CLOSED_STATUSES]) & Q(closed_at__isnull=True),
                name="incident_closed_at_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(status="referred") & ~Q(referred_to="") | ~Q(status="referred"),
                name="incident_referral_names_agency",
            ),
            *location_constraints("incident"),
        ]
        indexes = [
            models.Index(fields=["community", "occurred_at"], name="incident_community_occurred"),
            models.Index(fields=["occurred_at"], name="incident_occurred"),
            models.Index(fields=["status", "occurred_at"], name="incident_status_occurred"),
            models.Index(fields=["category", "occurred_at"], name="incident_category_occurred"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.display_title}"

    @property
    def display_title(self) -> str:
        """The title to show: an automatic one in the active language, a typed one as typed."""
        return automatic_incident_title(self.category) if self.title_is_automatic else self.title

    def store_automatic_title(self) -> None:
        """Keep the stored text of an automatic title in step with its category."""
        if self.title_is_automatic:
            with translation.override(settings.LANGUAGE_CODE):
                self.title = automatic_incident_title(self.category)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.store_automatic_title()
        # A write path that did not validate (a command, a fixture) still gets the default.
        if self.programme_id is None:
            Programme.attribute(
                self,
                self.community if self.community_id else None,
                self.occurred_at and timezone.localdate(self.occurred_at),
            )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.occurred_at and self.occurred_at > timezone.now() + CLOCK_SKEW:
            errors["occurred_at"] = _("An incident cannot have happened in the future.")
        if self.occurred_at and timezone.localdate(self.occurred_at) < EARLIEST_RECORD_DATE:
            errors["occurred_at"] = EARLIEST_DATE_MESSAGE
        if self.occurred_at and self.closed_at and self.closed_at < self.occurred_at:
            errors["closed_at"] = _("A case cannot be closed before it happened.")
        if self.negotiator_id and self.community_id and self.negotiator.community_id != self.community_id:  # type: ignore[union-attr]
            errors["negotiator"] = _("The negotiator in charge must work in the incident's community.")
        errors.update(shared_text_errors(self, "title"))
        errors.update(location_errors(self))
        if errors:
            raise ValidationError(errors)
        if self.community_id and self.occurred_at:
            Programme.attribute(self, self.community, timezone.localdate(self.occurred_at))

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        round_to_stored(self)  # the phone's many decimals, before the field's own check of 5
        super().clean_fields(exclude)

    def allowed_transitions(self) -> tuple[str, ...]:
        return TRANSITIONS[IncidentStatus(self.status)]


class ActionKind(models.TextChoices):
    REPORTED = "reported", _("Case reported")
    STATUS_CHANGE = "status_change", _("Status changed")
    MEDIATION_MEETING = "mediation_meeting", _("Mediation meeting")
    POLICE_CONTACT = "police_contact", _("Contact with police")
    AUTHORITY_CONTACT = "authority_contact", _("Contact with local government")
    REFERRAL = "referral", _("Referral")
    FOLLOW_UP = "follow_up", _("Follow-up")
    NOTE = "note", _("Note")


# Written by the workflow itself (reporting the case, moving its status, referring it), never by hand.
WORKFLOW_ACTION_KINDS = frozenset({ActionKind.REPORTED, ActionKind.STATUS_CHANGE, ActionKind.REFERRAL})
# What a person logs directly, in every form (the field app, the API, the admin).
MANUAL_ACTION_KINDS = [(kind.value, kind.label) for kind in ActionKind if kind not in WORKFLOW_ACTION_KINDS]


class IncidentAction(models.Model):
    """One entry of an incident's log: who did what, when. Never deleted; one written by hand may be
    corrected by whoever logged it (``incidents.services.incident_action_correct``), with its history."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions", verbose_name=_("incident"))
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices)
    performed_at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incident_actions",
        verbose_name=_("who"),
    )
    from_status = models.CharField(_("from status"), max_length=20, choices=IncidentStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=IncidentStatus.choices, blank=True)
    description = models.TextField(_("what was done"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Moves when an entry written by hand is corrected (the field app, the admin).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(verbose_name=_("historical incident action"))

    class Meta:
        verbose_name = _("incident action")
        verbose_name_plural = _("incident actions")
        ordering = ["performed_at", "id"]
        indexes = [models.Index(fields=["incident", "performed_at"], name="action_incident_performed")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.performed_at:%Y-%m-%d})"


class PartyRole(models.TextChoices):
    COMPLAINANT = "complainant", _("Complainant")
    RESPONDENT = "respondent", _("Respondent")
    AFFECTED = "affected", _("Affected person")
    WITNESS = "witness", _("Witness")
    OTHER = "other", _("Other")


# A party's age group and vulnerable group: case work's choices (casework.models), without its
# "unknown" (blank says that here) and with "none" (asked, and in no vulnerable group).
PARTY_AGE_GROUPS = [(value, label) for value, label in AgeGroup.choices if value != AgeGroup.UNKNOWN]
NOT_VULNERABLE = "none"
PARTY_VULNERABLE_GROUPS = [(NOT_VULNERABLE, _("Not in a vulnerable group")), *Vulnerability.choices]


class IncidentParty(models.Model):
    """A person involved in an incident. Personal data: never leaves the portal."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="parties", verbose_name=_("incident"))
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices)
    # Encrypted at rest (privacy.fields), notes too: free text about a person ends up holding
    # addresses, health and documents. Searched through search_index.
    full_name = EncryptedCharField(_("full name"), max_length=200)
    phone = EncryptedCharField(_("phone"), max_length=32, blank=True)
    is_minor = models.BooleanField(_("minor"), default=False)
    # Clear, not encrypted: the reports count them (aggregates only, small counts suppressed,
    # reports.suppression). Blank: not recorded. The choices are case work's, so that both count
    # people the same way.
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, blank=True)
    age_group = models.CharField(_("age group"), max_length=8, choices=PARTY_AGE_GROUPS, blank=True)
    vulnerable_group = models.CharField(
        _("vulnerable group"),
        max_length=16,
        choices=PARTY_VULNERABLE_GROUPS,
        blank=True,
        help_text=_("The main one, if the person belongs to one; blank if it was not asked."),
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    search_index = BlindIndexField(sources={"full_name": IndexKind.NAME, "phone": IndexKind.PHONE})

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["incident", "id"]

    def __str__(self) -> str:
        if not personal_data_shown():
            return self.view_log_label()
        return f"{person_label(self.full_name)} ({self.get_role_display()})"

    def clean(self) -> None:
        """ "Minor" and the age group say the same once: a minor without an age group is under 18,
        a party under 18 is a minor, and a minor in an adult age group is an error."""
        super().clean()
        if self.is_minor and self.age_group not in ("", AgeGroup.CHILD):
            raise ValidationError({"age_group": _("A minor is under 18: choose that age group or untick “minor”.")})
        if self.is_minor:
            self.age_group = AgeGroup.CHILD
        elif self.age_group == AgeGroup.CHILD:
            self.is_minor = True

    @property
    def display_name(self) -> str:
        """The name to show: an anonymised party's in the reader's language (privacy.anonymous)."""
        return person_label(self.full_name)

    def view_log_label(self) -> str:
        """How the view log names the party, without personal data."""
        return _("Party #%(id)s of case #%(incident)s") % {"id": self.pk, "incident": self.incident_id}
