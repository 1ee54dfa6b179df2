"""Tasks: every due plan action, referral follow-up and agreement check is a task for someone.

Tasks are derived from the records, never stored: the rule of whose task a record is is written
once here (:func:`action_tasks`, :func:`referral_tasks`, :func:`agreement_tasks`), and "my tasks",
a supervisor's team view and the figures all read it. A task's title carries no personal data: a
case code and a domain or an agency, or an agreement's title (itself written without names).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.models import (
    FINAL_REFERRAL_STATUSES,
    OPEN_CASE_STATUSES,
    ActionResponsible,
    ActionStatus,
    AgreementItem,
    AgreementStatus,
    Compliance,
    PlanAction,
    Referral,
)


class TaskKind(models.TextChoices):
    PLAN_ACTION = "plan_action", _("Plan action")
    REFERRAL_FOLLOW_UP = "referral_follow_up", _("Referral follow-up")
    AGREEMENT_CHECK = "agreement_check", _("Agreement check")


@dataclass(frozen=True)
class Task:
    kind: str
    title: str
    due_on: date
    overdue: bool
    # The case's code ("" for an incident's referral or an agreement check).
    case_code: str
    case_id: int | None
    # Whose task it is (a user's primary key).
    owner_id: int | None
    # The record the task comes from: a PlanAction, a Referral or an AgreementItem.
    source: Any

    @property
    def kind_label(self) -> str:
        return str(TaskKind(self.kind).label)

    @property
    def url(self) -> str:
        """Where the staff admin shows the task's record (the field app links its own pages)."""
        if self.kind == TaskKind.PLAN_ACTION:
            return reverse("admin:casework_case_change", args=[self.case_id])
        if self.kind == TaskKind.REFERRAL_FOLLOW_UP:
            return reverse("admin:casework_referral_change", args=[self.source.pk])
        return reverse("admin:casework_mediationagreement_change", args=[self.source.agreement_id])


# --- the rules: which records are tasks, and whose ------------------------------------------------

# The annotation each rule gives its records: whose task it is (a user's primary key).
OWNER = "owner_id"


def action_tasks() -> QuerySet[PlanAction]:
    """Plan actions to do, with a due date, in open cases, that someone is to do: annotated
    ``owner_id`` (the assignee, or the case worker when the case worker does it unassigned)."""
    return (
        PlanAction.objects.filter(
            status=ActionStatus.TODO,
            due_on__isnull=False,
            goal__case__status__in=OPEN_CASE_STATUSES,
            goal__case__anonymised_at__isnull=True,
        )
        .filter(Q(assignee__isnull=False) | Q(responsible=ActionResponsible.CASE_WORKER))
        .annotate(
            **{
                OWNER: models.Case(
                    models.When(assignee__isnull=False, then=F("assignee_id")),
                    default=F("goal__case__case_worker_id"),
                )
            },
        )
        .select_related("goal__case__beneficiary")
    )


def referral_tasks() -> QuerySet[Referral]:
    """Referrals not ended with a follow-up date: annotated ``owner_id`` (the case's worker, or
    for an incident's referral whoever recorded it)."""
    return (
        Referral.objects.exclude(status__in=FINAL_REFERRAL_STATUSES)
        .filter(follow_up_on__isnull=False)
        .exclude(case__anonymised_at__isnull=False)
        .annotate(
            **{
                OWNER: models.Case(
                    models.When(case__isnull=False, then=F("case__case_worker_id")),
                    default=F("recorded_by_id"),
                )
            },
        )
        .select_related("agency", "case__beneficiary")
    )


def agreement_tasks() -> QuerySet[AgreementItem]:
    """Agreement items not checked yet, of agreements someone follows up: annotated
    ``owner_id`` (the agreement's ``responsible``)."""
    return (
        AgreementItem.objects.filter(compliance=Compliance.PENDING, agreement__responsible__isnull=False)
        .exclude(agreement__status=AgreementStatus.NO_AGREEMENT)
        .annotate(**{OWNER: F("agreement__responsible_id")})
        .select_related("agreement")
    )


# --- tasks from the records -----------------------------------------------------------------------


def _action_task(action: PlanAction, today: date) -> Task:
    case = action.goal.case
    assert action.due_on is not None
    return Task(
        kind=TaskKind.PLAN_ACTION,
        title=f"{case.beneficiary.code} · {action.goal.get_domain_display()}",
        due_on=action.due_on,
        overdue=action.due_on < today,
        case_code=case.beneficiary.code,
        case_id=case.pk,
        owner_id=getattr(action, OWNER, None),
        source=action,
    )


def _referral_task(referral: Referral, today: date) -> Task:
    assert referral.follow_up_on is not None
    case = referral.case
    code = case.beneficiary.code if case is not None else ""
    about = code or (gettext("incident #%(number)s") % {"number": referral.incident_id})
    return Task(
        kind=TaskKind.REFERRAL_FOLLOW_UP,
        title=f"{about} · {referral.agency.name}",
        due_on=referral.follow_up_on,
        overdue=referral.follow_up_on < today,
        case_code=code,
        case_id=referral.case_id,
        owner_id=getattr(referral, OWNER, None),
        source=referral,
    )


def _agreement_task(item: AgreementItem, today: date) -> Task:
    return Task(
        kind=TaskKind.AGREEMENT_CHECK,
        title=item.agreement.title,
        due_on=item.due_on,
        overdue=item.due_on < today,
        case_code="",
        case_id=None,
        owner_id=getattr(item, OWNER, None),
        source=item,
    )


def _sorted(tasks: list[Task]) -> list[Task]:
    return sorted(tasks, key=lambda task: (task.due_on, task.kind, task.title))


def tasks_for(user: Any, *, today: date | None = None) -> list[Task]:
    """``user``'s tasks, the earliest due first (overdue ones flagged)."""
    today = today or timezone.localdate()
    if user is None or getattr(user, "pk", None) is None:
        return []
    return _sorted(
        [_action_task(action, today) for action in action_tasks().filter(**{OWNER: user.pk})]
        + [_referral_task(referral, today) for referral in referral_tasks().filter(**{OWNER: user.pk})]
        + [_agreement_task(item, today) for item in agreement_tasks().filter(**{OWNER: user.pk})]
    )


def team_overdue(supervisor: Any, *, today: date | None = None) -> list[Task]:
    """The overdue tasks of the cases ``supervisor`` supervises, whoever's they are."""
    today = today or timezone.localdate()
    if supervisor is None or getattr(supervisor, "pk", None) is None:
        return []
    actions = action_tasks().filter(goal__case__supervisor=supervisor, due_on__lt=today)
    referrals = referral_tasks().filter(case__supervisor=supervisor, follow_up_on__lt=today)
    return _sorted(
        [_action_task(action, today) for action in actions.select_related("assignee", "goal__case__case_worker")]
        + [_referral_task(referral, today) for referral in referrals]
    )


def overdue_referrals(queryset: QuerySet[Referral], *, today: date | None = None) -> QuerySet[Referral]:
    """The referrals of ``queryset`` not ended whose follow-up date has passed."""
    today = today or timezone.localdate()
    return queryset.exclude(status__in=FINAL_REFERRAL_STATUSES).filter(follow_up_on__lt=today)
