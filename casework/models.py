"""Case work for people (seed 004, and seed 001's veterans): a beneficiary known everywhere by a
pseudonymous case code, their identifying data in a separate encrypted record, the consent or
other legal basis the work rests on, cases with their life cycle, needs assessments, individual
plans, referrals to state bodies followed to the end, and the mediation agreements of seed 003
with their follow-up.

The most sensitive data of the portal: identifying data and free text about a person are
encrypted at rest (``privacy.fields``); who may open a case is decided per object
(``casework.selectors``), never by the role alone; partners and programme managers get aggregates
only, with small cells suppressed.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import PROGRAMME_HELP, Community, Country, Region, Timestamped
from incidents.models import Incident, IncidentParty
from planning.models import Attributed
from privacy.categories import AgeGroup as AgeGroup
from privacy.categories import Sex as Sex
from privacy.categories import Vulnerability as Vulnerability
from privacy.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField, EncryptedTextField
from privacy.screening import shared_text_errors
from programmes.models import Programme
from support.models import Mediator

USER = settings.AUTH_USER_MODEL


def _user(verbose_name: Any, related_name: str = "+", **kwargs: Any) -> models.ForeignKey:
    kwargs.setdefault("on_delete", models.PROTECT)
    return models.ForeignKey(USER, related_name=related_name, verbose_name=verbose_name, **kwargs)


def _recorded_by() -> models.ForeignKey:
    return models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )


# --- the person -----------------------------------------------------------------------------------


def age_group_of(year_of_birth: str | int | None, on: date) -> str:
    if not year_of_birth or not str(year_of_birth).isdigit():
        return AgeGroup.UNKNOWN
    age = on.year - int(year_of_birth)
    if age < 18:
        return AgeGroup.CHILD
    if age < 30:
        return AgeGroup.YOUNG
    if age < 60:
        return AgeGroup.ADULT
    return AgeGroup.OLDER


class Beneficiary(Timestamped):
    """A person the programme supports, known by a pseudonymous case code shown everywhere by
    default. Sex and age group are statistical categories kept here for the figures; the name,
    year of birth, contacts and documents are in :class:`BeneficiaryIdentity`, encrypted."""

    code = models.CharField(
        _("case code"),
        max_length=20,
        unique=True,
        editable=False,
        help_text=_("Pseudonymous: shown instead of the person's name everywhere."),
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="beneficiaries", verbose_name=_("community")
    )
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, default=Sex.UNDISCLOSED)
    age_group = models.CharField(
        _("age group"), max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN, editable=False
    )
    vulnerable_refugee = models.BooleanField(Vulnerability.REFUGEE.label, default=False)
    vulnerable_disability = models.BooleanField(Vulnerability.DISABILITY.label, default=False)
    vulnerable_veteran = models.BooleanField(Vulnerability.VETERAN.label, default=False)
    vulnerable_displaced = models.BooleanField(Vulnerability.DISPLACED.label, default=False)
    vulnerable_older_person = models.BooleanField(Vulnerability.OLDER_PERSON.label, default=False)
    vulnerable_single_parent = models.BooleanField(Vulnerability.SINGLE_PARENT.label, default=False)
    vulnerable_other = models.BooleanField(Vulnerability.OTHER.label, default=False)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("The languages the person speaks, separated by commas.")
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(verbose_name=_("historical beneficiary"))

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def vulnerabilities(self) -> list[str]:
        return [value for value in Vulnerability.values if getattr(self, f"vulnerable_{value}")]

    def view_log_label(self) -> str:
        return f"{self._meta.verbose_name} {self.code}"


class DocumentKind(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    ID_CARD = "id_card", _("Identity card")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    REFUGEE_CERTIFICATE = "refugee_certificate", _("Refugee or asylum certificate")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    DISABILITY_CERTIFICATE = "disability_certificate", _("Disability certificate")
    VETERAN_CERTIFICATE = "veteran_certificate", _("Veteran's certificate")
    NONE = "none", _("No document")
    OTHER = "other", _("Other")


class BeneficiaryIdentity(Timestamped):
    """Who the person is: every field encrypted at rest, readable only by the case's worker, its
    supervisor and staff who read personal data (``casework.selectors``); every opening logged."""

    beneficiary = models.OneToOneField(
        Beneficiary, on_delete=models.CASCADE, related_name="identity", verbose_name=_("beneficiary")
    )
    full_name = EncryptedCharField(_("full name"), max_length=200)
    year_of_birth = EncryptedCharField(
        _("year of birth"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^(19|20)\d\d$", _("Give the year as four digits, for instance 1984."))],
    )
    phone = EncryptedCharField(_("phone"), max_length=40, blank=True)
    email = EncryptedEmailField(_("e-mail"), max_length=254, blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    document_kind = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices, blank=True)
    document_number = EncryptedCharField(_("document number"), max_length=60, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    search = BlindIndexField(sources={"full_name": "name", "phone": "phone", "email": "email"})

    history = HistoricalRecords(verbose_name=_("historical beneficiary identity"))

    class Meta:
        verbose_name = _("identifying data")
        verbose_name_plural = _("identifying data")

    def __str__(self) -> str:
        from privacy.visibility import personal_data_shown

        if personal_data_shown():
            return self.full_name
        return str(self.beneficiary)

    def view_log_label(self) -> str:
        return f"{self._meta.verbose_name}: {self.beneficiary.code}"


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent of the person")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    VITAL_INTERESTS = "vital_interests", _("Vital interests of the person")
    PUBLIC_TASK = "public_task", _("Task in the public interest")
    CONTRACT = "contract", _("Contract with the person")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Signed in writing")
    ORAL = "oral", _("Orally, with a witness")
    ELECTRONIC = "electronic", _("Electronically")
    GUARDIAN = "guardian", _("By a parent or guardian")
    NOT_APPLICABLE = "not_applicable", _("Not applicable (another legal basis)")


class Consent(Timestamped):
    """The consent (or another legal basis) the case work rests on. A case is opened only on a
    basis in force; a withdrawal is recorded, never deleted."""

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="consents", verbose_name=_("beneficiary")
    )
    basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.CONSENT)
    purpose = models.TextField(_("purpose"), help_text=_("What the data is used for, as the person was told."))
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how given"), max_length=16, choices=ConsentMethod.choices)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = _recorded_by()

    history = HistoricalRecords(verbose_name=_("historical consent"))

    class Meta:
        verbose_name = _("consent or legal basis")
        verbose_name_plural = _("consents and legal bases")
        ordering = ["-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} ({self.given_on})"

    def in_force(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.given_on <= on and (self.withdrawn_on is None or self.withdrawn_on > on)

    def clean(self) -> None:
        if self.given_on and self.withdrawn_on and self.withdrawn_on < self.given_on:
            raise ValidationError({"withdrawn_on": _("A consent cannot be withdrawn before it was given.")})
        if self.basis == LegalBasis.CONSENT and self.method == ConsentMethod.NOT_APPLICABLE:
            raise ValidationError({"method": _("Say how the person gave their consent.")})


# --- the case -------------------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    OPENED = "opened", _("Opened")
    ASSESSED = "assessed", _("Needs assessed")
    PLAN_AGREED = "plan_agreed", _("Plan agreed")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


# Where a case may move next; any open case may be closed. Reopening (from closed) needs a reason.
CASE_MOVES: dict[str, tuple[str, ...]] = {
    CaseStatus.OPENED: (CaseStatus.ASSESSED, CaseStatus.CLOSED),
    CaseStatus.ASSESSED: (CaseStatus.PLAN_AGREED, CaseStatus.CLOSED),
    CaseStatus.PLAN_AGREED: (CaseStatus.IN_PROGRESS, CaseStatus.CLOSED),
    CaseStatus.IN_PROGRESS: (CaseStatus.CLOSED,),
    CaseStatus.CLOSED: (CaseStatus.OPENED, CaseStatus.IN_PROGRESS),
}
OPEN_CASE_STATUSES = (CaseStatus.OPENED, CaseStatus.ASSESSED, CaseStatus.PLAN_AGREED, CaseStatus.IN_PROGRESS)


class CaseOutcome(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    PARTLY_MET = "partly_met", _("Goals partly met")
    REFERRED_ON = "referred_on", _("Referred on")
    PERSON_LEFT = "person_left", _("Person left")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")


class Case(Attributed):
    """Individual support to one beneficiary, from opening to closure. The case worker (a staff,
    negotiator or volunteer login) works it; the supervisor approves its plan and its closure."""

    attribution_date = "opened_on"

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.PROTECT, related_name="cases", verbose_name=_("beneficiary")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="cases", verbose_name=_("community")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        blank=True,
        related_name="cases",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    case_worker = _user(_("case worker"), related_name="cases_worked")
    supervisor = _user(_("supervisor"), related_name="cases_supervised", null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPENED)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CaseOutcome.choices, blank=True)
    summary = EncryptedTextField(
        _("summary"), blank=True, help_text=_("Internal: never shared with partners, encrypted at rest.")
    )
    origin_incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("from incident"),
    )
    plan_approved_by = _user(_("plan approved by"), null=True, blank=True, editable=False, on_delete=models.SET_NULL)
    plan_approved_on = models.DateField(_("plan approved on"), null=True, blank=True, editable=False)
    closure_approved_by = _user(
        _("closure approved by"), null=True, blank=True, editable=False, on_delete=models.SET_NULL
    )
    closure_approved_on = models.DateField(_("closure approved on"), null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(verbose_name=_("historical case"))

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False) & ~Q(outcome="")
                | ~Q(status="closed") & Q(closed_on__isnull=True),
                name="case_closed_has_date_and_outcome",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "opened_on"], name="case_status_opened"),
            models.Index(fields=["community", "opened_on"], name="case_community_opened"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary.code}/{self.pk}" if self.pk else self.beneficiary.code

    def view_log_label(self) -> str:
        return f"{self._meta.verbose_name} {self}"

    def allowed_moves(self) -> tuple[str, ...]:
        return CASE_MOVES[CaseStatus(self.status)]

    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class CaseStatusChange(models.Model):
    """The log of a case's moves, with the reason (required to reopen)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("case"))
    from_status = models.CharField(_("from"), max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=CaseStatus.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CaseOutcome.choices, blank=True)
    reason = EncryptedTextField(_("reason"), blank=True)
    changed_on = models.DateField(_("on"))
    changed_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    changed_by = _recorded_by()

    class Meta:
        verbose_name = _("status change of a case")
        verbose_name_plural = _("status changes of cases")
        ordering = ["case", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class ContactKind(models.TextChoices):
    VISIT = "visit", _("Home visit")
    OFFICE = "office", _("Meeting at the office")
    PHONE = "phone", _("Phone call")
    MESSAGE = "message", _("Message")
    ACCOMPANIMENT = "accompaniment", _("Accompanied to an agency")
    ACTION = "action", _("Action on the person's behalf")


class CaseContact(Timestamped):
    """A contact with the person or an action taken for them, logged by the case worker (the
    field app logs these through the outbox)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("case"))
    happened_on = models.DateField(_("on"))
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = _recorded_by()

    history = HistoricalRecords(verbose_name=_("historical contact"))

    class Meta:
        verbose_name = _("contact or action")
        verbose_name_plural = _("contacts and actions")
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.happened_on})"


# --- needs and the individual plan ----------------------------------------------------------------


class NeedDomain(models.TextChoices):
    DOCUMENTS = "documents", _("Documents and legal status")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    EMPLOYMENT = "employment", _("Employment")
    HOUSING = "housing", _("Housing")
    BENEFITS = "benefits", _("Social benefits")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    SAFETY = "safety", _("Safety")


class NeedLevel(models.IntegerChoices):
    NONE = 0, _("No need")
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class NeedsAssessment(Timestamped):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("case"))
    assessed_on = models.DateField(_("assessed on"))
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = _recorded_by()

    history = HistoricalRecords(verbose_name=_("historical needs assessment"))

    class Meta:
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} ({self.assessed_on})"


class Need(models.Model):
    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.CASCADE, related_name="needs", verbose_name=_("assessment")
    )
    domain = models.CharField(_("domain"), max_length=16, choices=NeedDomain.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=NeedLevel.choices, default=NeedLevel.MEDIUM)
    description = EncryptedTextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["assessment", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="need_one_per_domain"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=3), name="need_level_0_3"),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.get_level_display()}"


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    DROPPED = "dropped", _("Dropped")


class Goal(Timestamped):
    """A goal of the individual plan, in one domain of need."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals", verbose_name=_("case"))
    domain = models.CharField(_("domain"), max_length=16, choices=NeedDomain.choices)
    description = EncryptedTextField(_("goal"))
    status = models.CharField(_("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords(verbose_name=_("historical goal"))

    class Meta:
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        ordering = ["case", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_domain_display()} ({self.get_status_display()})"


class ActionResponsible(models.TextChoices):
    CASE_WORKER = "case_worker", _("Case worker")
    BENEFICIARY = "beneficiary", _("The person")
    FAMILY = "family", _("Family")
    AGENCY = "agency", _("Agency")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    TODO = "todo", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanAction(Timestamped):
    """An action towards a goal: who does it, by when. A due action is a task for its assignee
    (or the case worker)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions", verbose_name=_("goal"))
    description = EncryptedTextField(_("action"))
    responsible = models.CharField(
        _("who does it"), max_length=12, choices=ActionResponsible.choices, default=ActionResponsible.CASE_WORKER
    )
    assignee = _user(_("assigned to"), null=True, blank=True, on_delete=models.SET_NULL)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.TODO)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("historical plan action"))

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["goal", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | ~Q(status="done"),
                name="plan_action_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal} {self.due_on or ''}".strip()


# --- referrals ------------------------------------------------------------------------------------


class AgencyKind(models.TextChoices):
    PASSPORT_OFFICE = "passport_office", _("Passport office")
    MIGRATION_SERVICE = "migration_service", _("Migration service")
    SCHOOL = "school", _("School")
    CLINIC = "clinic", _("Clinic or hospital")
    EMPLOYMENT_CENTRE = "employment_centre", _("Employment centre")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")
    INSURANCE = "insurance", _("Insurance")
    LEGAL_AID = "legal_aid", _("Legal aid")
    POLICE = "police", _("Police")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    HUMANITARIAN = "humanitarian", _("Humanitarian aid")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    EMERGENCY_SERVICE = "emergency_service", _("Emergency service")
    OTHER = "other", _("Other")


class Agency(Timestamped):
    """An office people are referred to. Its contact is the office's, never a private person's."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="agencies", verbose_name=_("region")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("community"),
    )
    address = models.CharField(_("office address"), max_length=300, blank=True)
    phone = models.CharField(_("office phone"), max_length=40, blank=True)
    email = models.EmailField(_("office e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(verbose_name=_("historical agency"))

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name", "community"], name="agency_unique_name_per_place"),
        ]

    def __str__(self) -> str:
        return self.name


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    NO_ANSWER = "no_answer", _("No answer")


# Where a referral may move next. "No answer" may still be answered; completed and declined end it.
REFERRAL_MOVES: dict[str, tuple[str, ...]] = {
    ReferralStatus.SENT: (
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.COMPLETED,
        ReferralStatus.DECLINED,
        ReferralStatus.NO_ANSWER,
    ),
    ReferralStatus.ACCEPTED: (ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED, ReferralStatus.DECLINED),
    ReferralStatus.IN_PROGRESS: (ReferralStatus.COMPLETED, ReferralStatus.DECLINED),
    ReferralStatus.NO_ANSWER: (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED),
    ReferralStatus.COMPLETED: (),
    ReferralStatus.DECLINED: (),
}
FINAL_REFERRAL_STATUSES = (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.NO_ANSWER)


class Referral(Attributed):
    """A referral of a case (or an incident) to an agency, followed until the agency completes or
    declines it. Its reason and the agency's feedback are internal and encrypted."""

    attribution_date = "sent_on"

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals", verbose_name=_("case")
    )
    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("incident"),
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("community")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        blank=True,
        related_name="referrals",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("agency"))
    reason = EncryptedTextField(_("reason"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sent_on = models.DateField(_("sent on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    completed_on = models.DateField(
        _("ended on"),
        null=True,
        blank=True,
        help_text=_("When the agency completed or declined it, or gave up waiting."),
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    feedback = EncryptedTextField(_("the agency's feedback"), blank=True)
    recorded_by = _recorded_by()

    history = HistoricalRecords(verbose_name=_("historical referral"))

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(incident__isnull=False), name="referral_of_a_case_or_incident"
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=models.F("sent_on")),
                name="referral_accepted_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("sent_on")),
                name="referral_ended_after_sent",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "follow_up_on"], name="referral_status_follow_up"),
            models.Index(fields=["community", "sent_on"], name="referral_community_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.sent_on})"

    def allowed_moves(self) -> tuple[str, ...]:
        return REFERRAL_MOVES[ReferralStatus(self.status)]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.case_id is None and self.incident_id is None:
            errors["case"] = _("Refer a case or an incident.")
        if self.sent_on and self.accepted_on and self.accepted_on < self.sent_on:
            errors["accepted_on"] = _("A referral cannot be accepted before it was sent.")
        if self.sent_on and self.completed_on and self.completed_on < self.sent_on:
            errors["completed_on"] = _("A referral cannot end before it was sent.")
        if self.accepted_on and self.completed_on and self.completed_on < self.accepted_on:
            errors["completed_on"] = _("A referral cannot end before it was accepted.")
        if self.sent_on and self.sent_on > timezone.localdate():
            errors["sent_on"] = _("A referral cannot be sent in the future.")
        if errors:
            raise ValidationError(errors)
        super().clean()


class ReferralStatusChange(models.Model):
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("referral")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ReferralStatus.choices)
    changed_on = models.DateField(_("on"))
    changed_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    changed_by = _recorded_by()

    class Meta:
        verbose_name = _("status change of a referral")
        verbose_name_plural = _("status changes of referrals")
        ordering = ["referral", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


# --- mediation agreements -------------------------------------------------------------------------


class AgreementStatus(models.TextChoices):
    IN_MEDIATION = "in_mediation", _("In mediation")
    SIGNED = "signed", _("Signed")
    KEPT = "kept", _("Kept")
    PARTLY_KEPT = "partly_kept", _("Partly kept")
    BROKEN = "broken", _("Broken")
    NO_AGREEMENT = "no_agreement", _("No agreement reached")


class MediationAgreement(Attributed):
    """A mediation (seed 003, or an incident marked for mediation) and the agreement it ends in,
    followed up item by item."""

    attribution_date = "started_on"

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="mediation_agreements", verbose_name=_("community")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        blank=True,
        related_name="mediation_agreements",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mediation_agreements",
        verbose_name=_("incident"),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("Short and without names: it is shared with partners.")
    )
    started_on = models.DateField(_("mediation started on"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=AgreementStatus.choices, default=AgreementStatus.IN_MEDIATION
    )
    responsible = _user(_("followed up by"), null=True, blank=True, on_delete=models.SET_NULL)
    notes = EncryptedTextField(_("notes"), blank=True)

    history = HistoricalRecords(verbose_name=_("historical mediation agreement"))

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True) | Q(signed_on__gte=models.F("started_on")),
                name="agreement_signed_after_started",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # The title reaches partners: no phone number or e-mail address in it.
        errors = shared_text_errors(self, "title")
        if errors:
            raise ValidationError(errors)
        super().clean()


class AgreementParty(models.Model):
    """A party to the agreement: a beneficiary (by case code) or an incident's party; the label
    says which side they are on, without a name."""

    agreement = models.ForeignKey(
        MediationAgreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement")
    )
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("beneficiary")
    )
    incident_party = models.ForeignKey(
        IncidentParty,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incident party"),
    )
    side = models.CharField(
        _("side"), max_length=100, help_text=_("Without names, for instance “tenant” or “neighbour”.")
    )

    class Meta:
        verbose_name = _("party to an agreement")
        verbose_name_plural = _("parties to the agreement")
        ordering = ["agreement", "id"]

    def __str__(self) -> str:
        return self.beneficiary.code if self.beneficiary_id else self.side  # type: ignore[union-attr]


class MediationSession(models.Model):
    agreement = models.ForeignKey(
        MediationAgreement, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("agreement")
    )
    held_on = models.DateField(_("held on"))
    mediator = models.ForeignKey(
        Mediator, on_delete=models.PROTECT, related_name="mediation_sessions", verbose_name=_("mediator")
    )
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["agreement", "held_on", "id"]

    def __str__(self) -> str:
        return str(self.held_on)


class Compliance(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    KEPT = "kept", _("Kept")
    PARTLY_KEPT = "partly_kept", _("Partly kept")
    NOT_KEPT = "not_kept", _("Not kept")


class AgreementItem(models.Model):
    """One commitment of the agreement, checked on its due date (a task for whoever follows the
    agreement up)."""

    agreement = models.ForeignKey(
        MediationAgreement, on_delete=models.CASCADE, related_name="items", verbose_name=_("agreement")
    )
    text = EncryptedTextField(_("commitment"))
    due_on = models.DateField(_("due on"))
    compliance = models.CharField(
        _("compliance"), max_length=12, choices=Compliance.choices, default=Compliance.PENDING
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreement item")
        verbose_name_plural = _("agreement items")
        ordering = ["agreement", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(compliance="pending") | Q(checked_on__isnull=False), name="agreement_item_checked_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.due_on}: {self.get_compliance_display()}"


class FollowUpVisit(models.Model):
    agreement = models.ForeignKey(
        MediationAgreement, on_delete=models.CASCADE, related_name="visits", verbose_name=_("agreement")
    )
    visited_on = models.DateField(_("visited on"))
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = _recorded_by()

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["agreement", "visited_on", "id"]

    def __str__(self) -> str:
        return str(self.visited_on)
