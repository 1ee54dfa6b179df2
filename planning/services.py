"""Writes of safety planning: every status move of a plan goes through :func:`plan_move`, which
checks it against the life cycle (``PLAN_STATUS_MOVES``) and logs who made it and when."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.viewer import Viewer
from communities.selectors import ensure_can_log_in
from incidents.models import Incident
from negotiators.models import Negotiator
from planning.models import (
    PLAN_STATUS_MOVES,
    Analysis,
    Initiative,
    InitiativeStatus,
    Plan,
    PlanStatus,
    PlanStatusChange,
    Risk,
    move_refused,
)


@transaction.atomic
def analysis_save(*, analysis: Analysis, actor: User | None) -> Analysis:
    """Save ``analysis`` as edited; a new one records who made it."""
    if analysis.pk is None and actor is not None:
        analysis.made_by = actor
    analysis.full_clean()
    analysis.save()
    return analysis


def risk_incidents_errors(*, analysis: Analysis, incidents: Iterable[Incident]) -> str | None:
    """The error for linked incidents of another community than the analysis's, or ``None``."""
    if any(incident.community_id != analysis.community_id for incident in incidents):
        return _("Link only incidents of the analysis's community.")
    return None


@transaction.atomic
def risk_link_incidents(*, risk: Risk, incidents: Iterable[Incident]) -> Risk:
    incidents = list(incidents)
    error = risk_incidents_errors(analysis=risk.analysis, incidents=incidents)
    if error:
        raise ValidationError({"incidents": error})
    risk.incidents.set(incidents)
    return risk


@transaction.atomic
def plan_create(*, plan: Plan, actor: User | None, at: datetime | None = None, note: str = "") -> Plan:
    """Record a new plan in its status (a draft, or a plan adopted before it was recorded) and log
    that status as its first entry (``from_status`` empty)."""
    plan.full_clean()
    plan.save()
    PlanStatusChange.objects.create(
        plan=plan, from_status="", to_status=plan.status, by=actor, at=at or timezone.now(), note=note
    )
    return plan


@transaction.atomic
def plan_move(
    *,
    plan: Plan,
    to_status: str,
    actor: User | None,
    note: str = "",
    at: datetime | None = None,
    **decision: Any,
) -> Plan:
    """Move ``plan`` to ``to_status`` along its life cycle and log the move.

    ``decision`` may give the council's decision with the move to adopted (``adopted_by``,
    ``adopted_on``, ``decision_number``, ``document``); an adopted plan needs the first three.
    A move the life cycle does not allow, or an adoption without its decision, is a
    ``ValidationError`` and changes nothing."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    from_status = locked.status
    if to_status not in PlanStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if to_status == from_status or to_status not in PLAN_STATUS_MOVES[from_status]:
        raise ValidationError({"status": move_refused(from_status, to_status)})
    for field, value in decision.items():
        if field not in ("adopted_by", "adopted_on", "decision_number", "document"):
            raise TypeError(field)
        setattr(plan, field, value)
    plan.status = to_status
    plan.full_clean()
    plan.save()
    PlanStatusChange.objects.create(
        plan=plan, from_status=from_status, to_status=to_status, by=actor, at=at or timezone.now(), note=note
    )
    return plan


@transaction.atomic
def initiative_add(
    *,
    viewer: Viewer,
    community: Any,
    title: str,
    started_on: date,
    description: str = "",
    run_by: str = "",
    status: str = InitiativeStatus.RUNNING,
    negotiator: Negotiator | None = None,
) -> Initiative:
    """Record a community safety initiative: staff in any community, a negotiator in their own
    (the initiative then names them)."""
    ensure_can_log_in(viewer, community)
    if negotiator is None and viewer.negotiator is not None and viewer.negotiator.community_id == community.pk:
        negotiator = viewer.negotiator
    initiative = Initiative(
        community=community,
        title=title,
        description=description,
        started_on=started_on,
        status=status,
        run_by=run_by,
        negotiator=negotiator,
    )
    initiative.full_clean()
    initiative.save()
    return initiative
