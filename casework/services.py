"""Writes of case work: registering a person with their consent, a case's life cycle, needs,
the individual plan, contacts and referrals. The admin, the field app, the API and the demo all
call these, so the rules (a basis in force, status moves only along ``CASE_MOVES`` and
``REFERRAL_MOVES``, the supervisor's approvals, dates in order) are written once.

Each function validates (``ValidationError`` with the messages in the user's language), writes
the status logs and the history's "who", and runs in one transaction. ``by`` is the user doing
it; a user who may not work the case gets ``PermissionDenied`` (the edges have already answered
"not found" through ``casework.selectors``).
"""

import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from access.capabilities import Capability
from access.viewer import Viewer
from casework.models import (
    CASE_MOVES,
    REFERRAL_MOVES,
    ActionResponsible,
    ActionStatus,
    Agency,
    Beneficiary,
    BeneficiaryIdentity,
    Case,
    CaseContact,
    CaseOutcome,
    CaseStatus,
    CaseStatusChange,
    Consent,
    ConsentMethod,
    Goal,
    GoalStatus,
    LegalBasis,
    Need,
    NeedDomain,
    NeedLevel,
    NeedsAssessment,
    PlanAction,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    Vulnerability,
    age_group_of,
)
from casework.selectors import sees_every_case, visible_cases, visible_referrals
from communities.models import Community
from communities.selectors import writable_communities
from incidents.models import Incident
from programmes.models import Programme

IDENTITY_FIELDS = (
    "full_name",
    "year_of_birth",
    "phone",
    "email",
    "address",
    "document_kind",
    "document_number",
    "notes",
)
CONSENT_FIELDS = ("basis", "purpose", "given_on", "method")
# Tries at a free case code before giving up (a million codes a country: a clash is rare).
CODE_ATTEMPTS = 50


def _saved(record: Model, by: User | None, **full_clean: Any) -> None:
    record.full_clean(**full_clean)
    record._history_user = by  # type: ignore[attr-defined]  # simple_history's way
    record.save()


def _not_in_future(field: str, on: date, message: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: message})


def _unknown_keys(field: str, given: Iterable[str], allowed: Iterable[str]) -> None:
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ValidationError({field: _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}})


def ensure_works_cases(user: User | None) -> None:
    """Only users who work cases (staff, negotiators, case workers) write case work."""
    if user is None or not Viewer.for_user(user).can(Capability.WORKS_CASES):
        raise PermissionDenied(_("You do not work cases."))


def ensure_works_case(user: User | None, case: Case) -> None:
    """``user`` works ``case``: its case worker, its supervisor, or staff who see every case."""
    ensure_works_cases(user)
    if not visible_cases(Viewer.for_user(user)).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You do not work this case."))


def approves(user: User | None, case: Case) -> bool:
    """Whether ``user`` approves ``case``'s plan and closure: its supervisor, or, for a case
    without one, staff who read personal data."""
    if user is None:
        return False
    if case.supervisor_id is not None:
        return bool(user.pk == case.supervisor_id)
    return sees_every_case(Viewer.for_user(user))


def basis_in_force(beneficiary: Beneficiary, on: date) -> bool:
    """Whether a consent or another legal basis of ``beneficiary`` is in force on ``on``."""
    return any(consent.in_force(on) for consent in beneficiary.consents.all())


# --- the person -----------------------------------------------------------------------------------


def new_case_code(community: Community) -> str:
    """``<country>-<6 digits>``: the community's country and a random number not yet taken."""
    country = community.region.country
    for _attempt in range(CODE_ATTEMPTS):
        code = f"{country}-{secrets.randbelow(1_000_000):06d}"
        if not Beneficiary.objects.filter(code=code).exists():
            return code
    raise ValidationError({"community": _("No free case code is left for this country.")})


def _vulnerability_flags(vulnerabilities: Iterable[str]) -> dict[str, bool]:
    chosen = set(vulnerabilities)
    unknown = sorted(chosen - set(Vulnerability.values))
    if unknown:
        raise ValidationError(
            {"vulnerabilities": _("Unknown vulnerabilities: %(values)s.") % {"values": ", ".join(unknown)}}
        )
    return {f"vulnerable_{value}": value in chosen for value in Vulnerability.values}


def _consent_from(beneficiary: Beneficiary, consent: Mapping[str, Any], by: User | None) -> Consent:
    _unknown_keys("consent", consent, CONSENT_FIELDS)
    values = dict(consent)
    if values.get("basis", LegalBasis.CONSENT) != LegalBasis.CONSENT:
        values.setdefault("method", ConsentMethod.NOT_APPLICABLE)
    return Consent(beneficiary=beneficiary, recorded_by=by, **values)


def _clean_beneficiary(beneficiary: Any) -> None:
    beneficiary.full_clean(exclude=["code"])


def _clean_identity(record: Any) -> None:
    record.full_clean(exclude=["beneficiary"])


def _check_consent(consent: Any) -> None:
    errors: dict[str, list[str]] = {}
    try:
        consent.full_clean(exclude=["beneficiary"])
    except ValidationError as error:
        errors = error.message_dict
    if isinstance(consent.given_on, date) and consent.given_on > timezone.localdate():
        errors.setdefault("given_on", []).append(_("A consent cannot be given in the future."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def beneficiary_register(
    *,
    community: Community,
    identity: Mapping[str, Any],
    consent: Mapping[str, Any],
    sex: str = "undisclosed",
    vulnerabilities: Iterable[str] = (),
    languages: str = "",
    by: User,
) -> Beneficiary:
    """Register a person in ``community`` under a new case code, with their identifying data
    (``identity``: the fields of ``BeneficiaryIdentity``) and the consent or other legal basis
    the work rests on (``consent``: ``basis``, ``purpose``, ``given_on``, ``method``). Nobody is
    registered without one. Every error of the three records is raised at once."""
    ensure_works_cases(by)
    if not consent:
        raise ValidationError({"consent": _("Record the person's consent or another legal basis first.")})
    _unknown_keys("identity", identity, IDENTITY_FIELDS)
    beneficiary = Beneficiary(
        community=community, sex=sex, languages=languages, **_vulnerability_flags(vulnerabilities)
    )
    beneficiary.age_group = age_group_of(identity.get("year_of_birth"), timezone.localdate())
    record = BeneficiaryIdentity(beneficiary=beneficiary, **identity)
    basis = _consent_from(beneficiary, consent, by)
    errors: dict[str, list[str]] = {}
    checks: list[tuple[Callable[[Any], None], Model]] = [
        (_clean_beneficiary, beneficiary),
        (_clean_identity, record),
        (_check_consent, basis),
    ]
    for check, target in checks:
        try:
            check(target)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    beneficiary.code = new_case_code(community)
    beneficiary._history_user = by  # type: ignore[attr-defined]  # simple_history's way
    beneficiary.save()
    record.beneficiary = beneficiary
    _saved(record, by)
    basis.beneficiary = beneficiary
    _saved(basis, by)
    return beneficiary


def ensure_not_anonymised(beneficiary: Beneficiary) -> None:
    """As stored: an object read before the anonymisation does not know of it."""
    if Beneficiary.objects.filter(pk=beneficiary.pk, anonymised_at__isnull=False).exists():
        raise ValidationError(_("This person's data was anonymised: it cannot be changed."))


@transaction.atomic
def identity_save(beneficiary: Beneficiary, *, by: User, **fields: Any) -> BeneficiaryIdentity:
    """Change the identifying data of ``beneficiary`` (only the given fields); the age group
    follows the year of birth."""
    ensure_works_cases(by)
    ensure_not_anonymised(beneficiary)
    _unknown_keys("identity", fields, IDENTITY_FIELDS)
    record = BeneficiaryIdentity.objects.select_for_update().filter(beneficiary=beneficiary).first()
    if record is None:
        record = BeneficiaryIdentity(beneficiary=beneficiary)
    for name, value in fields.items():
        setattr(record, name, value)
    _saved(record, by)
    age_group = age_group_of(record.year_of_birth, timezone.localdate())
    if beneficiary.age_group != age_group:
        beneficiary.age_group = age_group
        beneficiary._history_user = by  # type: ignore[attr-defined]  # simple_history's way
        beneficiary.save()
    return record


@transaction.atomic
def consent_record(
    beneficiary: Beneficiary,
    *,
    purpose: str,
    given_on: date,
    basis: str = LegalBasis.CONSENT,
    method: str = "",
    by: User,
) -> Consent:
    """Record a further consent or legal basis of ``beneficiary`` (a renewed consent, a new
    purpose)."""
    ensure_works_cases(by)
    ensure_not_anonymised(beneficiary)
    values: dict[str, Any] = {"basis": basis, "purpose": purpose, "given_on": given_on}
    if method:
        values["method"] = method
    consent = _consent_from(beneficiary, values, by)
    _check_consent(consent)
    _saved(consent, by)
    return consent


@transaction.atomic
def consent_withdraw(consent: Consent, *, on: date, by: User) -> Consent:
    """Record that the person withdrew ``consent`` on ``on``. The case worker then closes the
    person's open cases with the outcome *consent withdrawn*."""
    ensure_works_cases(by)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError({"withdrawn_on": _("This consent was already withdrawn.")})
    _not_in_future("withdrawn_on", on, _("A consent cannot be withdrawn in the future."))
    consent.withdrawn_on = on
    _saved(consent, by)
    return consent


# --- the case -------------------------------------------------------------------------------------


def _log_move(case: Case, *, from_status: str, to_status: str, on: date, by: User | None, **extra: Any) -> None:
    CaseStatusChange.objects.create(
        case=case, from_status=from_status, to_status=to_status, changed_on=on, changed_by=by, **extra
    )


def _ensure_case_worker(user: User, field: str) -> None:
    if not Viewer.for_user(user).can(Capability.WORKS_CASES):
        raise ValidationError({field: _("%(user)s does not work cases.") % {"user": user.get_username()}})


@transaction.atomic
def case_open(
    *,
    beneficiary: Beneficiary,
    community: Community,
    case_worker: User,
    supervisor: User | None = None,
    opened_on: date,
    programme: Programme | None = None,
    origin_incident: Incident | None = None,
    summary: str = "",
    by: User,
) -> Case:
    """Open a case for ``beneficiary``, worked by ``case_worker`` and supervised by
    ``supervisor`` (both must work cases, and be two people). Refused unless a consent or other
    legal basis is in force on ``opened_on``."""
    ensure_works_cases(by)
    ensure_not_anonymised(beneficiary)
    _not_in_future("opened_on", opened_on, _("A case cannot be opened in the future."))
    if not basis_in_force(beneficiary, opened_on):
        raise ValidationError(
            {
                "opened_on": _("No consent or other legal basis of this person is in force on %(date)s.")
                % {"date": opened_on}
            }
        )
    _ensure_case_worker(case_worker, "case_worker")
    if supervisor is not None:
        _ensure_case_worker(supervisor, "supervisor")
        if supervisor.pk == case_worker.pk:
            raise ValidationError({"supervisor": _("The supervisor cannot be the case worker.")})
    case = Case(
        beneficiary=beneficiary,
        community=community,
        case_worker=case_worker,
        supervisor=supervisor,
        status=CaseStatus.OPENED,
        opened_on=opened_on,
        programme=programme,
        origin_incident=origin_incident,
        summary=summary,
    )
    _saved(case, by)
    _log_move(case, from_status="", to_status=CaseStatus.OPENED, on=opened_on, by=by)
    return case


@transaction.atomic
def case_assign(case: Case, *, case_worker: User, supervisor: User | None, by: User) -> Case:
    """Hand ``case`` to another case worker or supervisor (both must work cases, and be two
    people). The approvals already given stay as they were recorded."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    ensure_works_case(by, case)
    _ensure_open(case)
    _ensure_case_worker(case_worker, "case_worker")
    if supervisor is not None:
        _ensure_case_worker(supervisor, "supervisor")
        if supervisor.pk == case_worker.pk:
            raise ValidationError({"supervisor": _("The supervisor cannot be the case worker.")})
    case.case_worker = case_worker
    case.supervisor = supervisor
    _saved(case, by)
    return case


def case_move_errors(
    case: Case, to_status: str, *, on: date, by: User | None, outcome: str = "", reason: str = ""
) -> dict[str, str]:
    """What is wrong with moving ``case`` to ``to_status`` on ``on`` (the admin's form asks
    before saving; :func:`case_move` raises them)."""
    current = CaseStatus(case.status)
    if to_status not in CaseStatus.values:
        return {"status": _("Unknown status: %(status)s.") % {"status": to_status}}
    target = CaseStatus(to_status)
    if target not in CASE_MOVES[current]:
        return {
            "status": _("A case that is “%(from)s” cannot move to “%(to)s”.")
            % {"from": current.label, "to": target.label}
        }
    if case.anonymised_at is not None:
        return {"status": _("This case was anonymised: it cannot move.")}
    if on > timezone.localdate():
        return {"on": _("The date of the status cannot be in the future.")}
    last = case.status_changes.aggregate(last=Max("changed_on"))["last"] or case.opened_on
    if on < last:
        return {"on": _("The new status cannot date from before the current one (%(date)s).") % {"date": last}}
    in_force = basis_in_force(case.beneficiary, on)
    if target == CaseStatus.CLOSED:
        return _closing_errors(case, by=by, outcome=outcome, in_force=in_force)
    return _moving_on_errors(case, target, by=by, outcome=outcome, reason=reason, in_force=in_force)


def _moving_on_errors(
    case: Case, target: CaseStatus, *, by: User | None, outcome: str, reason: str, in_force: bool
) -> dict[str, str]:
    if outcome:
        return {"outcome": _("Only a closed case has an outcome.")}
    if not in_force:
        return {"status": _("No consent or other legal basis of this person is in force: close the case.")}
    if case.status == CaseStatus.CLOSED and not reason.strip():
        return {"reason": _("Say why the case is reopened.")}
    if target == CaseStatus.PLAN_AGREED:
        if not approves(by, case):
            return {"status": _("Only the case's supervisor approves its plan.")}
        if not case.goals.exists():
            return {"status": _("A plan needs at least one goal.")}
    return {}


def _closing_errors(case: Case, *, by: User | None, outcome: str, in_force: bool) -> dict[str, str]:
    if outcome not in CaseOutcome.values:
        return {"outcome": _("Say how the case ended: choose an outcome.")}
    if outcome == CaseOutcome.CONSENT_WITHDRAWN:
        # No approval to wait for: without a basis the work must stop now.
        if in_force:
            return {"outcome": _("The person's consent or other legal basis is still in force.")}
    elif not approves(by, case):
        return {"status": _("Only the case's supervisor approves its closure.")}
    return {}


@transaction.atomic
def case_move(case: Case, to_status: str, *, on: date, by: User, outcome: str = "", reason: str = "") -> Case:
    """Move ``case`` to ``to_status`` on ``on`` along ``CASE_MOVES`` and log the move.

    Closing needs an ``outcome`` and the supervisor's approval (for a case without a supervisor:
    staff who read personal data), except with the outcome *consent withdrawn*, which the case
    worker records once no basis is in force. Agreeing the plan needs a goal and the supervisor's
    approval, recorded on the case. Reopening a closed case needs a ``reason`` and clears its
    closure."""
    case = Case.objects.select_for_update().select_related("beneficiary").get(pk=case.pk)
    ensure_works_case(by, case)
    errors = case_move_errors(case, to_status, on=on, by=by, outcome=outcome, reason=reason)
    if errors:
        raise ValidationError(errors)
    from_status = case.status
    case.status = to_status
    if to_status == CaseStatus.CLOSED:
        case.closed_on = on
        case.outcome = outcome
        approved = approves(by, case)
        case.closure_approved_by = by if approved else None
        case.closure_approved_on = on if approved else None
    elif from_status == CaseStatus.CLOSED:
        case.closed_on = None
        case.outcome = ""
        case.closure_approved_by = None
        case.closure_approved_on = None
    if to_status == CaseStatus.PLAN_AGREED:
        case.plan_approved_by = by
        case.plan_approved_on = on
    _saved(case, by)
    _log_move(case, from_status=from_status, to_status=to_status, on=on, by=by, outcome=outcome, reason=reason)
    return case


def _ensure_open(case: Case) -> None:
    if not case.is_open():
        raise ValidationError(_("The case is closed: reopen it first."))
    if case.anonymised_at is not None:
        raise ValidationError(_("This case was anonymised: it cannot change."))


def _ensure_case_date(case: Case, field: str, on: date) -> None:
    _not_in_future(field, on, _("The date cannot be in the future."))
    if on < case.opened_on:
        raise ValidationError(
            {field: _("The date cannot be before the case was opened (%(date)s).") % {"date": case.opened_on}}
        )


@transaction.atomic
def needs_assess(
    case: Case,
    *,
    assessed_on: date,
    needs: Mapping[str, tuple[int, str]],
    notes: str = "",
    by: User,
) -> NeedsAssessment:
    """Record an assessment of ``case``'s needs: ``needs`` maps a domain (``NeedDomain``) to its
    level (``NeedLevel``) and a description. An *opened* case moves to *needs assessed*."""
    case = Case.objects.select_for_update().select_related("beneficiary").get(pk=case.pk)
    ensure_works_case(by, case)
    _ensure_open(case)
    _ensure_case_date(case, "assessed_on", assessed_on)
    if not needs:
        raise ValidationError({"needs": _("Assess at least one domain of need.")})
    unknown = sorted(set(needs) - set(NeedDomain.values))
    if unknown:
        raise ValidationError({"needs": _("Unknown domains of need: %(values)s.") % {"values": ", ".join(unknown)}})
    assessment = NeedsAssessment(case=case, assessed_on=assessed_on, notes=notes, recorded_by=by)
    _saved(assessment, by)
    for domain, (level, description) in needs.items():
        if level not in NeedLevel.values:
            raise ValidationError({"needs": _("Unknown level of need: %(value)s.") % {"value": level}})
        need = Need(assessment=assessment, domain=domain, level=level, description=description)
        need.full_clean()
        need.save()
    if case.status == CaseStatus.OPENED:
        case_move(case, CaseStatus.ASSESSED, on=assessed_on, by=by)
    return assessment


@transaction.atomic
def goal_add(case: Case, *, domain: str, description: str, by: User) -> Goal:
    """Add a goal in ``domain`` to ``case``'s individual plan (at the end)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    ensure_works_case(by, case)
    _ensure_open(case)
    position = (case.goals.aggregate(last=Max("position"))["last"] or 0) + 1
    goal = Goal(case=case, domain=domain, description=description, position=position)
    _saved(goal, by)
    return goal


@transaction.atomic
def goal_set_status(goal: Goal, status: str, *, by: User) -> Goal:
    """Mark ``goal`` open, met, partly met, not met or dropped."""
    goal = Goal.objects.select_for_update().select_related("case").get(pk=goal.pk)
    ensure_works_case(by, goal.case)
    _ensure_open(goal.case)
    if status not in GoalStatus.values:
        raise ValidationError({"status": _("Unknown status: %(status)s.") % {"status": status}})
    goal.status = status
    _saved(goal, by)
    return goal


@transaction.atomic
def goal_update(goal: Goal, *, description: str, by: User) -> Goal:
    """Reword ``goal``."""
    goal = Goal.objects.select_for_update().select_related("case").get(pk=goal.pk)
    ensure_works_case(by, goal.case)
    _ensure_open(goal.case)
    goal.description = description
    _saved(goal, by)
    return goal


def _ensure_assignee(assignee: User | None, case: Case) -> None:
    if assignee is not None and not visible_cases(Viewer.for_user(assignee)).filter(pk=case.pk).exists():
        raise ValidationError({"assignee": _("Assign the action to someone who works this case.")})


@transaction.atomic
def action_add(
    goal: Goal,
    *,
    description: str,
    responsible: str = ActionResponsible.CASE_WORKER,
    assignee: User | None = None,
    due_on: date | None = None,
    by: User,
) -> PlanAction:
    """Add an action towards ``goal``: who does it (``responsible``), the user it is a task for
    (``assignee``: someone who works the case; none: the case worker, when the case worker does
    it) and by when."""
    goal = Goal.objects.select_related("case").get(pk=goal.pk)
    ensure_works_case(by, goal.case)
    _ensure_open(goal.case)
    _ensure_assignee(assignee, goal.case)
    action = PlanAction(goal=goal, description=description, responsible=responsible, assignee=assignee, due_on=due_on)
    _saved(action, by)
    return action


ACTION_FIELDS = ("description", "responsible", "assignee", "due_on")


@transaction.atomic
def action_update(action: PlanAction, *, by: User, **fields: Any) -> PlanAction:
    """Change what ``action`` is, who does it and by when (its status changes through
    :func:`action_done` and :func:`action_cancel`)."""
    _unknown_keys("action", fields, ACTION_FIELDS)
    action = PlanAction.objects.select_for_update().select_related("goal__case").get(pk=action.pk)
    ensure_works_case(by, action.goal.case)
    _ensure_open(action.goal.case)
    for name, value in fields.items():
        setattr(action, name, value)
    _ensure_assignee(action.assignee, action.goal.case)
    _saved(action, by)
    return action


@transaction.atomic
def action_done(action: PlanAction, *, on: date, by: User) -> PlanAction:
    """Mark ``action`` done on ``on``."""
    action = PlanAction.objects.select_for_update().select_related("goal__case").get(pk=action.pk)
    ensure_works_case(by, action.goal.case)
    if action.status != ActionStatus.TODO:
        raise ValidationError({"status": _("This action is no longer to do.")})
    _ensure_case_date(action.goal.case, "done_on", on)
    action.status = ActionStatus.DONE
    action.done_on = on
    _saved(action, by)
    return action


@transaction.atomic
def action_cancel(action: PlanAction, *, by: User) -> PlanAction:
    """Cancel ``action`` (no longer needed): it stops being a task."""
    action = PlanAction.objects.select_for_update().select_related("goal__case").get(pk=action.pk)
    ensure_works_case(by, action.goal.case)
    if action.status != ActionStatus.TODO:
        raise ValidationError({"status": _("This action is no longer to do.")})
    action.status = ActionStatus.CANCELLED
    _saved(action, by)
    return action


@transaction.atomic
def contact_log(case: Case, *, kind: str, happened_on: date, note: str = "", by: User) -> CaseContact:
    """Log a contact with the person, or an action taken for them, on ``happened_on``."""
    case = Case.objects.get(pk=case.pk)
    ensure_works_case(by, case)
    _ensure_open(case)
    _ensure_case_date(case, "happened_on", happened_on)
    contact = CaseContact(case=case, kind=kind, happened_on=happened_on, note=note, recorded_by=by)
    _saved(contact, by)
    return contact


# --- referrals ------------------------------------------------------------------------------------


def _ensure_refers(by: User, case: Case | None, incident: Incident | None) -> None:
    if case is not None:
        ensure_works_case(by, case)
        return
    ensure_works_cases(by)
    viewer = Viewer.for_user(by)
    if incident is None or not writable_communities(viewer).filter(pk=incident.community_id).exists():
        raise PermissionDenied(_("You cannot refer this incident."))


@transaction.atomic
def referral_create(
    *,
    agency: Agency,
    sent_on: date,
    case: Case | None = None,
    incident: Incident | None = None,
    reason: str = "",
    follow_up_on: date | None = None,
    programme: Programme | None = None,
    by: User,
) -> Referral:
    """Refer ``case`` (or ``incident``) to ``agency`` on ``sent_on``; the referral is *sent* and
    followed up on ``follow_up_on``. Its community is the case's (or the incident's). Referring
    an incident leaves the incident as it is: it stays open while the agency works."""
    if case is None and incident is None:
        raise ValidationError({"case": _("Refer a case or an incident.")})
    _ensure_refers(by, case, incident)
    if case is not None:
        case = Case.objects.get(pk=case.pk)
        _ensure_open(case)
    if not agency.active:
        raise ValidationError({"agency": _("This agency is no longer active.")})
    if follow_up_on is not None and follow_up_on < sent_on:
        raise ValidationError({"follow_up_on": _("The follow-up cannot be before the referral was sent.")})
    community = case.community if case is not None else incident.community  # type: ignore[union-attr]
    referral = Referral(
        case=case,
        incident=incident,
        community=community,
        programme=programme,
        agency=agency,
        reason=reason,
        status=ReferralStatus.SENT,
        sent_on=sent_on,
        follow_up_on=follow_up_on,
        recorded_by=by,
    )
    _saved(referral, by)
    ReferralStatusChange.objects.create(
        referral=referral, to_status=ReferralStatus.SENT, changed_on=sent_on, changed_by=by
    )
    return referral


@transaction.atomic
def referral_update(referral: Referral, *, reason: str, follow_up_on: date | None, by: User) -> Referral:
    """Reword ``referral``'s reason or set its next follow-up (not before it was sent)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    ensure_works_cases(by)
    if not visible_referrals(Viewer.for_user(by)).filter(pk=referral.pk).exists():
        raise PermissionDenied(_("You do not follow this referral."))
    if follow_up_on is not None and follow_up_on < referral.sent_on:
        raise ValidationError({"follow_up_on": _("The follow-up cannot be before the referral was sent.")})
    referral.reason = reason
    referral.follow_up_on = follow_up_on
    _saved(referral, by)
    return referral


def referral_move_errors(
    referral: Referral, to_status: str, *, on: date, follow_up_on: date | None = None
) -> dict[str, str]:
    """What is wrong with moving ``referral`` to ``to_status`` on ``on`` (the admin's form asks
    before saving; :func:`referral_move` raises them)."""
    if to_status not in ReferralStatus.values:
        return {"status": _("Unknown status: %(status)s.") % {"status": to_status}}
    current = ReferralStatus(referral.status)
    target = ReferralStatus(to_status)
    if target not in REFERRAL_MOVES[current]:
        return {
            "status": _("A referral that is “%(from)s” cannot move to “%(to)s”.")
            % {"from": current.label, "to": target.label}
        }
    if on > timezone.localdate():
        return {"on": _("The date of the status cannot be in the future.")}
    last = referral.status_changes.aggregate(last=Max("changed_on"))["last"] or referral.sent_on
    last = max(last, referral.sent_on)
    if on < last:
        return {"on": _("The new status cannot date from before the current one (%(date)s).") % {"date": last}}
    if follow_up_on is not None and follow_up_on < on:
        return {"follow_up_on": _("The follow-up cannot be before the status's date.")}
    return {}


def _with_feedback(stored: str, feedback: str, on: date) -> str:
    """The agency's feedback so far, and the new one dated: nothing said before is lost."""
    feedback = feedback.strip()
    if not feedback:
        return stored
    entry = f"{on.isoformat()}: {feedback}"
    return f"{stored.rstrip()}\n\n{entry}" if stored.strip() else entry


@transaction.atomic
def referral_move(
    referral: Referral,
    to_status: str,
    *,
    on: date,
    feedback: str = "",
    follow_up_on: date | None = None,
    by: User,
) -> Referral:
    """Move ``referral`` to ``to_status`` on ``on`` along ``REFERRAL_MOVES`` and log the move.

    *Accepted* (and *in progress*, if not accepted yet) stamps ``accepted_on``; *completed*,
    *declined* and *no answer* stamp ``completed_on`` (an answer after *no answer* clears it).
    ``feedback`` is added, dated, to the agency's feedback so far; ``follow_up_on`` sets the next
    follow-up."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    ensure_works_cases(by)
    if not visible_referrals(Viewer.for_user(by)).filter(pk=referral.pk).exists():
        raise PermissionDenied(_("You do not follow this referral."))
    errors = referral_move_errors(referral, to_status, on=on, follow_up_on=follow_up_on)
    if errors:
        raise ValidationError(errors)
    from_status = referral.status
    referral.status = to_status
    if to_status in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS) and (
        referral.accepted_on is None or from_status == ReferralStatus.NO_ANSWER
    ):
        referral.accepted_on = on
    if to_status in (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.NO_ANSWER):
        referral.completed_on = on
    else:
        referral.completed_on = None
    referral.feedback = _with_feedback(referral.feedback, feedback, on)
    if follow_up_on is not None:
        referral.follow_up_on = follow_up_on
    _saved(referral, by)
    ReferralStatusChange.objects.create(
        referral=referral, from_status=from_status, to_status=to_status, changed_on=on, changed_by=by
    )
    return referral
