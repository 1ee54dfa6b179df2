"""Reads of photos, always scoped to the viewer.

A photo may show people, so it is read as the record's personal data is: by those who see the
record (its community) and read personal data (``Capability.READS_PERSONAL_DATA``: staff, and the
negotiators of the record's community). Programme managers, partners, case workers of no
community: none.
"""

from django.db.models import Q, QuerySet

from access.capabilities import Capability
from access.viewer import Viewer
from incidents.selectors import visible_incidents
from negotiators.selectors import visible_events
from photos.models import Photo


def sees_photos(viewer: Viewer) -> bool:
    return viewer.can(Capability.READS_PERSONAL_DATA)


def visible_photos(viewer: Viewer) -> QuerySet[Photo]:
    if not sees_photos(viewer):
        return Photo.objects.none()
    return Photo.objects.filter(
        Q(incident__in=visible_incidents(viewer).values("pk")) | Q(event__in=visible_events(viewer).values("pk"))
    )
