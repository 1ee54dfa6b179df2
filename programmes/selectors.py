"""Reads of programmes, scoped to who is asking."""

from django.db.models import Q, QuerySet

from access.capabilities import Capability
from access.viewer import Viewer
from communities.selectors import partner_scope, sees_every_community, visible_communities
from programmes.models import Document, DocumentAccess, Indicator, Participation, Programme


def visible_programmes(viewer: Viewer) -> QuerySet[Programme]:
    """The programmes ``viewer`` may see: staff and programme managers all; a partner organisation
    (its key, or its members) those whose consortium it is in, and a negotiator or a partner those
    a community they see takes part in (the change feed follows records through their
    communities, so what a partner sees of a community it sees everywhere). Anyone else none.
    Membership and participation count whatever their dates: a programme's history stays with
    those who took part in it."""
    programmes = Programme.objects.all()
    if sees_every_community(viewer):
        return programmes
    taking_part = Q(
        pk__in=Participation.objects.filter(community__in=visible_communities(viewer)).values("programme_id")
    )
    if viewer.can(Capability.SEES_COVERED_COMMUNITIES):
        member = Q(pk__in=Programme.objects.filter(**partner_scope(viewer, "consortium__partner")).values("pk"))
        return programmes.filter(member | taking_part)
    if viewer.can(Capability.SEES_OWN_COMMUNITY):
        return programmes.filter(taking_part)
    return programmes.none()


def visible_documents(viewer: Viewer) -> QuerySet[Document]:
    """The library's documents ``viewer`` may see: staff and programme managers all; a partner
    organisation (its key or its members) the partner-visible and public documents of the
    programmes it sees; a negotiator the public ones of the programmes it sees (agreements and
    evidence shared with partners are not for every volunteer). Anyone else none."""
    documents = Document.objects.all()
    if sees_every_community(viewer):
        return documents
    if viewer.can(Capability.SEES_COVERED_COMMUNITIES):
        access = [DocumentAccess.PARTNERS, DocumentAccess.PUBLIC]
    elif viewer.can(Capability.SEES_OWN_COMMUNITY):
        access = [DocumentAccess.PUBLIC]
    else:
        return documents.none()
    return documents.filter(access__in=access, programme__in=visible_programmes(viewer))


def visible_indicators(viewer: Viewer) -> QuerySet[Indicator]:
    """The indicators of the results frameworks of the programmes ``viewer`` sees."""
    return Indicator.objects.filter(result__programme__in=visible_programmes(viewer)).select_related(
        "result__programme"
    )
