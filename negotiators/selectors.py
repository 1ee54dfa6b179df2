"""Reads of negotiators, outreach events and media mentions, scoped to who is asking."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from access.viewer import Viewer
from communities.models import Community
from communities.selectors import in_visible_communities, sees_every_community, visible_communities
from negotiators.models import MediaMention, Negotiator, OutreachEvent


def visible_negotiators(viewer: Viewer) -> QuerySet[Negotiator]:
    return in_visible_communities(Negotiator.objects.all(), viewer)


def visible_events(viewer: Viewer) -> QuerySet[OutreachEvent]:
    return in_visible_communities(OutreachEvent.objects.all(), viewer)


def visible_media_mentions(viewer: Viewer) -> QuerySet[MediaMention]:
    """Mentions about a visible community, and those about the whole programme (no community)."""
    if sees_every_community(viewer):
        return MediaMention.objects.all()
    return MediaMention.objects.filter(Q(community__in=visible_communities(viewer)) | Q(community__isnull=True))


def acting_negotiator(user: User | AnonymousUser | None, community: Community) -> Negotiator | None:
    """The negotiator record of ``user`` in ``community``, if the user is an active negotiator there."""
    if not isinstance(user, User):
        return None
    return Negotiator.objects.filter(user=user, community=community, is_active=True).first()
