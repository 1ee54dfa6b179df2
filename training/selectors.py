"""Reads of the School. The module catalogue and the sessions are programme-wide: every role sees
them; attendance is visible only where the negotiator is."""

from django.db.models import QuerySet

from communities.models import PartnerOrganisation
from communities.roles import role_of
from negotiators.selectors import visible_negotiators
from training.models import Attendance, TrainingModule, TrainingSession


def _has_a_role(viewer) -> bool:
    if isinstance(viewer, PartnerOrganisation):
        return viewer.is_active
    return role_of(viewer) is not None


def visible_modules(viewer) -> QuerySet[TrainingModule]:
    modules = TrainingModule.objects.all()
    return modules if _has_a_role(viewer) else modules.none()


def visible_sessions(viewer) -> QuerySet[TrainingSession]:
    sessions = TrainingSession.objects.all()
    return sessions if _has_a_role(viewer) else sessions.none()


def visible_attendance(viewer) -> QuerySet[Attendance]:
    return Attendance.objects.filter(negotiator__in=visible_negotiators(viewer))
