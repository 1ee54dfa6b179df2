"""Reads of the School. The module catalogue is programme-wide: every role sees it. A session is
seen by staff and programme managers everywhere, by the others where it touches their communities
(hosted there, or attended by their negotiators); attendance only where the negotiator is."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from access.capabilities import Capability
from access.viewer import Viewer
from communities.selectors import sees_every_community, visible_communities
from negotiators.models import Negotiator
from negotiators.selectors import visible_negotiators
from training.models import Attendance, ModuleLevel, TrainingModule, TrainingSession


def visible_modules(viewer: Viewer) -> QuerySet[TrainingModule]:
    modules = TrainingModule.objects.all()
    return modules if viewer.role is not None else modules.none()


def visible_sessions(viewer: Viewer) -> QuerySet[TrainingSession]:
    """Every session for staff and programme managers. A partner organisation (or its member)
    sees the sessions hosted in its communities or attended by their negotiators: another
    community's session (its place, its attendance) is not found. A negotiator sees the same for
    their community, and also every session not yet over: the School's schedule, which they may
    join wherever it is held (the field app lists it)."""
    sessions = TrainingSession.objects.all()
    if sees_every_community(viewer):
        return sessions
    if viewer.role is None:
        return sessions.none()
    communities = visible_communities(viewer)
    # Exists, not a join on attendances: the collection counts attendances per session.
    attended = Exists(Attendance.objects.filter(session=OuterRef("pk"), negotiator__community__in=communities))
    scope = Q(host_community__in=communities) | Q(attended)
    if viewer.can(Capability.SEES_OWN_COMMUNITY):
        scope |= Q(ends_on__gte=timezone.localdate())
    return sessions.filter(scope)


def visible_attendance(viewer: Viewer) -> QuerySet[Attendance]:
    return Attendance.objects.filter(negotiator__in=visible_negotiators(viewer))


def completed_modules(negotiators: Iterable[Negotiator]) -> dict[int, dict[int, date]]:
    """For each negotiator, the active modules they completed and the end of the last session they
    completed it at: what certification follows from (``training.services``)."""
    rows = (
        Attendance.objects.filter(negotiator__in=list(negotiators), completed=True, session__module__is_active=True)
        .values("negotiator_id", "session__module_id")
        .annotate(completed_on=Max("session__ends_on"))
    )
    completed: dict[int, dict[int, date]] = {}
    for row in rows:
        completed.setdefault(row["negotiator_id"], {})[row["session__module_id"]] = row["completed_on"]
    return completed


class ModuleProgress(TypedDict):
    module: TrainingModule
    completed_on: date | None
    attended: bool


class SessionAhead(TypedDict):
    session: TrainingSession
    needed: bool


@dataclass(frozen=True)
class TrainingProgress:
    """Where a negotiator stands: each active module (completed when, attended at all), the count
    done of each level, and the sessions ahead (``needed``: of a module not yet completed)."""

    rows: list[ModuleProgress]
    levels: dict[str, dict[str, int]]
    sessions: list[SessionAhead]


def training_progress(viewer: Viewer, *, negotiator: Negotiator, sessions_ahead: int) -> TrainingProgress:
    """The progress of ``negotiator`` (one ``viewer`` sees) towards certification."""
    completed_on = completed_modules([negotiator]).get(negotiator.pk, {})
    attended = set(
        visible_attendance(viewer)
        .filter(negotiator=negotiator, present=True)
        .values_list("session__module_id", flat=True)
    )
    rows = [
        ModuleProgress(module=module, completed_on=completed_on.get(module.pk), attended=module.pk in attended)
        for module in visible_modules(viewer).filter(is_active=True)
    ]
    levels = {
        level: {
            "done": sum(1 for row in rows if row["module"].level == level and row["completed_on"]),
            "total": sum(1 for row in rows if row["module"].level == level),
        }
        for level in ModuleLevel.values
    }
    sessions = [
        SessionAhead(session=session, needed=session.module_id not in completed_on)
        for session in visible_sessions(viewer)
        .filter(ends_on__gte=timezone.localdate(), module__is_active=True)
        .select_related("module", "host_community")
        .order_by("starts_on")[:sessions_ahead]
    ]
    return TrainingProgress(rows=rows, levels=levels, sessions=sessions)
