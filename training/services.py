"""Attendance and the certification that follows from it.

The rule, written once here: a negotiator is *certified* once they have completed every active
basic module (or was certified before, as pilot graduates were), *advanced* once certified and
every active advanced module is completed, *trained* with at least one module completed, and a
*candidate* otherwise.

Every change of attendance (recorded, corrected, deleted with its session, or edited in the
admin), and every edit of a session's module or dates, goes through :func:`attendance_change`, so
the sessions count as changed for the API's incremental sync and a certification that attendance
had earned is earned again or withdrawn. A change of the catalogue (:func:`module_save`,
:func:`module_delete`) recomputes everyone's status, keeping the certifications already given.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from api.changes import touch
from negotiators.models import Negotiator, NegotiatorStatus
from training.models import Attendance, ModuleLevel, TrainingModule, TrainingSession
from training.selectors import completed_modules


def _status_for(certified_on: date | None, completed_module_ids: set[int], module_levels: dict[int, str]) -> str:
    basic = {pk for pk, level in module_levels.items() if level == ModuleLevel.BASIC}
    advanced = {pk for pk, level in module_levels.items() if level == ModuleLevel.ADVANCED}
    certified = certified_on is not None or (basic and basic <= completed_module_ids)
    if certified and advanced and advanced <= completed_module_ids:
        return NegotiatorStatus.ADVANCED
    if certified:
        return NegotiatorStatus.CERTIFIED
    if completed_module_ids:
        return NegotiatorStatus.TRAINED
    return NegotiatorStatus.CANDIDATE


def _active_module_levels() -> dict[int, str]:
    return dict(TrainingModule.objects.filter(is_active=True).values_list("pk", "level"))


def _earned_on(done: dict[int, date], basic: list[int]) -> date | None:
    """The certification date the completed modules give: the end of the last basic one."""
    if basic and set(basic) <= set(done):
        return max(done[pk] for pk in basic)
    return None


def certifications_earned_by_attendance(*, negotiators: Iterable[Negotiator]) -> set[int]:
    """The ids of ``negotiators`` whose certification date is the one their recorded attendance
    gives (rather than an earlier one kept from before, as pilot graduates have)."""
    negotiators = [negotiator for negotiator in negotiators if negotiator.certified_on is not None]
    if not negotiators:
        return set()
    basic = [pk for pk, level in _active_module_levels().items() if level == ModuleLevel.BASIC]
    completed = completed_modules(negotiators)
    return {
        negotiator.pk
        for negotiator in negotiators
        if _earned_on(completed.get(negotiator.pk, {}), basic) == negotiator.certified_on
    }


@transaction.atomic
def negotiator_refresh_status(
    *, negotiators: Iterable[Negotiator], earned_by_attendance: Iterable[int] = (), actor: User | None = None
) -> None:
    """Recompute the status (and certification date) of ``negotiators`` from their completed
    modules, in a fixed number of queries. A negotiator in ``earned_by_attendance`` (ids, from
    :func:`certifications_earned_by_attendance` before attendance changed) keeps a certification
    only if the attendance recorded now still earns it."""
    negotiators = list(negotiators)
    if not negotiators:
        return
    reconsidered = set(earned_by_attendance)
    module_levels = _active_module_levels()
    completed = completed_modules(negotiators)
    basic = [pk for pk, level in module_levels.items() if level == ModuleLevel.BASIC]
    for negotiator in negotiators:
        done = completed.get(negotiator.pk, {})
        kept = None if negotiator.pk in reconsidered else negotiator.certified_on
        certified_on = kept or _earned_on(done, basic)
        status = _status_for(certified_on, set(done), module_levels)
        if status != negotiator.status or certified_on != negotiator.certified_on:
            negotiator.status = status
            negotiator.certified_on = certified_on
            if actor is not None:
                negotiator._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
            negotiator.save(update_fields=["status", "certified_on", "updated_at"])


@dataclass
class AttendanceChange:
    """What a change of attendance touches; add what is only known after the change."""

    negotiator_ids: set[int] = field(default_factory=set)
    session_ids: set[int] = field(default_factory=set)


@contextmanager
def attendance_change(
    *, negotiator_ids: Iterable[int], session_ids: Iterable[int] = (), actor: User | None = None
) -> Iterator[AttendanceChange]:
    """Around any change of attendance rows: afterwards the sessions count as changed
    (``updated_at``: their attendees and completions are part of them in the API) and the
    negotiators' status is recomputed, a certification their attendance had earned included."""
    with transaction.atomic():
        change = AttendanceChange(set(negotiator_ids) - {None}, set(session_ids) - {None})
        earned = certifications_earned_by_attendance(
            negotiators=Negotiator.objects.filter(pk__in=change.negotiator_ids)
        )
        yield change
        if change.session_ids:
            touch(TrainingSession, change.session_ids)
        negotiator_refresh_status(
            negotiators=Negotiator.objects.filter(pk__in=change.negotiator_ids),
            earned_by_attendance=earned,
            actor=actor,
        )


@transaction.atomic
def attendance_record(
    *,
    session: TrainingSession,
    negotiator: Negotiator,
    present: bool = True,
    completed: bool = False,
    actor: User | None = None,
) -> Attendance:
    """Record (or correct) whether ``negotiator`` attended ``session`` and completed its module,
    then update their status."""
    attendance = Attendance.objects.filter(session=session, negotiator=negotiator).first()
    if attendance is not None and (attendance.present, attendance.completed) == (present, completed):
        return attendance
    with attendance_change(negotiator_ids=[negotiator.pk], session_ids=[session.pk], actor=actor):
        attendance = attendance or Attendance(session=session, negotiator=negotiator)
        attendance.present = present
        attendance.completed = completed
        attendance.full_clean()
        attendance.save()
    negotiator.refresh_from_db(fields=["status", "certified_on", "updated_at"])
    return attendance


@transaction.atomic
def session_save(*, session: TrainingSession, actor: User | None) -> TrainingSession:
    """Save a new or changed training session, as the admin does. Its module and dates decide
    what its attendance earns, so its attendees' status follows the session as saved."""
    session.full_clean()
    attendees: set[int] = set()
    if session.pk is not None:
        attendees = set(Attendance.objects.filter(session=session).values_list("negotiator_id", flat=True))
    with attendance_change(negotiator_ids=attendees, actor=actor) as change:
        session.save()
        change.session_ids.add(session.pk)
    return session


@transaction.atomic
def attendance_delete(*, attendances: QuerySet[Attendance], actor: User | None) -> int:
    """Delete attendance rows; their negotiators' status follows from what is left."""
    rows = list(attendances.values_list("pk", "negotiator_id", "session_id"))
    with attendance_change(negotiator_ids=[row[1] for row in rows], session_ids=[row[2] for row in rows], actor=actor):
        deleted, _details = Attendance.objects.filter(pk__in=[row[0] for row in rows]).delete()
    return deleted


@transaction.atomic
def session_delete(*, sessions: QuerySet[TrainingSession], actor: User | None) -> int:
    """Delete training sessions with their attendance; the negotiators who attended them keep
    only the status their remaining attendance gives."""
    session_ids = list(sessions.values_list("pk", flat=True))
    negotiator_ids = set(Attendance.objects.filter(session_id__in=session_ids).values_list("negotiator_id", flat=True))
    with attendance_change(negotiator_ids=negotiator_ids, actor=actor):
        deleted, _details = TrainingSession.objects.filter(pk__in=session_ids).delete()
    return deleted


def _catalogue(modules: QuerySet[TrainingModule]) -> set[tuple[int, str, bool]]:
    return set(modules.values_list("pk", "level", "is_active"))


@transaction.atomic
def module_save(*, module: TrainingModule, actor: User | None) -> TrainingModule:
    """Save a module of the School's catalogue. When it is new or changes level or activity,
    every negotiator's status follows the catalogue as it now is; a certification already given
    is kept (a module added later does not take it back)."""
    before = _catalogue(TrainingModule.objects.filter(pk=module.pk))
    module.save()
    if before != _catalogue(TrainingModule.objects.filter(pk=module.pk)):
        negotiator_refresh_status(negotiators=Negotiator.objects.all(), actor=actor)
    return module


@transaction.atomic
def module_delete(*, modules: QuerySet[TrainingModule], actor: User | None) -> int:
    """Delete modules of the catalogue (only those without sessions can go); every negotiator's
    status then follows the modules that are left."""
    deleted, _details = TrainingModule.objects.filter(pk__in=list(modules.values_list("pk", flat=True))).delete()
    if deleted:
        negotiator_refresh_status(negotiators=Negotiator.objects.all(), actor=actor)
    return deleted
