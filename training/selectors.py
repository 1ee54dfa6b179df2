"""Reads of the School. The module catalogue is programme-wide: every role sees it. A session is
seen by staff and programme managers everywhere, by the others where it touches their communities
(hosted there, or attended by their negotiators); attendance only where the negotiator is."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from access.capabilities import Capability
from access.viewer import Viewer
from communities.selectors import sees_every_community, visible_communities
from negotiators.selectors import visible_negotiators
from training.models import Attendance, TrainingModule, TrainingSession


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
