"""Attendance and the certification that follows from it.

The rule, written once here: a negotiator is *certified* once they have completed every active
basic module (or was certified before, as pilot graduates were), *advanced* once certified and
every active advanced module is completed, *trained* with at least one module completed, and a
*candidate* otherwise.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from negotiators.models import Negotiator, NegotiatorStatus
from training.models import Attendance, ModuleLevel, TrainingModule, TrainingSession


def _status_for(negotiator: Negotiator, completed_module_ids: set[int], module_levels: dict[int, str]) -> str:
    basic = {pk for pk, level in module_levels.items() if level == ModuleLevel.BASIC}
    advanced = {pk for pk, level in module_levels.items() if level == ModuleLevel.ADVANCED}
    certified = negotiator.certified_on is not None or (basic and basic <= completed_module_ids)
    if certified and advanced and advanced <= completed_module_ids:
        return NegotiatorStatus.ADVANCED
    if certified:
        return NegotiatorStatus.CERTIFIED
    if completed_module_ids:
        return NegotiatorStatus.TRAINED
    return NegotiatorStatus.CANDIDATE


@transaction.atomic
def negotiator_refresh_status(*, negotiators: Iterable[Negotiator]) -> None:
    """Recompute the status (and certification date) of ``negotiators`` from their completed
    modules, in a fixed number of queries."""
    negotiators = list(negotiators)
    if not negotiators:
        return
    module_levels = dict(TrainingModule.objects.filter(is_active=True).values_list("pk", "level"))
    completions = (
        Attendance.objects.filter(negotiator__in=negotiators, completed=True, session__module__is_active=True)
        .values("negotiator_id", "session__module_id")
        .annotate(completed_on=Max("session__ends_on"))
    )
    completed: dict[int, dict[int, object]] = {}
    for row in completions:
        completed.setdefault(row["negotiator_id"], {})[row["session__module_id"]] = row["completed_on"]
    basic = [pk for pk, level in module_levels.items() if level == ModuleLevel.BASIC]
    for negotiator in negotiators:
        done = completed.get(negotiator.pk, {})
        status = _status_for(negotiator, set(done), module_levels)
        certified_on = negotiator.certified_on
        if certified_on is None and basic and set(basic) <= set(done):
            certified_on = max(done[pk] for pk in basic)
        if status != negotiator.status or certified_on != negotiator.certified_on:
            negotiator.status = status
            negotiator.certified_on = certified_on
            negotiator.save(update_fields=["status", "certified_on", "updated_at"])


@transaction.atomic
def attendance_record(
    *, session: TrainingSession, negotiator: Negotiator, present: bool = True, completed: bool = False
) -> Attendance:
    """Record (or correct) whether ``negotiator`` attended ``session`` and completed its module,
    then update their status."""
    attendance = Attendance.objects.filter(session=session, negotiator=negotiator).first()
    if attendance is not None and (attendance.present, attendance.completed) == (present, completed):
        return attendance
    attendance = attendance or Attendance(session=session, negotiator=negotiator)
    attendance.present = present
    attendance.completed = completed
    attendance.full_clean()
    attendance.save()
    negotiator_refresh_status(negotiators=[negotiator])
    return attendance
