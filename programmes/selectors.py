"""Reads of programmes, scoped to who is asking."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from access.capabilities import Capability
from access.viewer import Viewer
from communities.selectors import partner_scope, sees_every_community, visible_communities
from programmes.models import (
    Agreement,
    Campaign,
    Deliverable,
    Document,
    DocumentAccess,
    Indicator,
    Participation,
    Programme,
)


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


def visible_deliverables(viewer: Viewer) -> QuerySet[Deliverable]:
    """The outputs register as ``viewer`` may see it: the outputs of the programmes it sees
    (staff and managers all, a partner organisation and a negotiator those of their programmes)."""
    deliverables = Deliverable.objects.all()
    if sees_every_community(viewer):
        return deliverables
    return deliverables.filter(programme__in=visible_programmes(viewer))


def visible_campaigns(viewer: Viewer) -> QuerySet[Campaign]:
    """Advocacy campaigns: staff and managers all; a partner organisation (its key or members)
    those of the programmes it sees. Negotiators and anyone else none (a campaign is the
    programme team's and its partners' work)."""
    campaigns = Campaign.objects.all()
    if sees_every_community(viewer):
        return campaigns
    if viewer.can(Capability.SEES_COVERED_COMMUNITIES):
        return campaigns.filter(programme__in=visible_programmes(viewer))
    return campaigns.none()


def visible_agreements(viewer: Viewer) -> QuerySet[Agreement]:
    """Agreements: staff and managers all; a partner organisation (its key or members) those it
    or a community it covers is party to, and those of the programmes whose consortium it is in.
    Negotiators and anyone else none."""
    agreements = Agreement.objects.all()
    if sees_every_community(viewer):
        return agreements
    if not viewer.can(Capability.SEES_COVERED_COMMUNITIES):
        return agreements.none()
    party = Q(pk__in=Agreement.objects.filter(**partner_scope(viewer, "partners")).values("pk"))
    communities = Q(pk__in=Agreement.objects.filter(communities__in=visible_communities(viewer)).values("pk"))
    consortium = Q(programme__in=Programme.objects.filter(**partner_scope(viewer, "consortium__partner")))
    return agreements.filter(party | communities | consortium)


def visible_document_ids(viewer: Viewer, document_ids: Iterable[int | None]) -> set[int]:
    """Of ``document_ids``, those ``viewer`` may see (a record links a document it shows only
    then)."""
    ids = {pk for pk in document_ids if pk is not None}
    if not ids:
        return set()
    return set(visible_documents(viewer).filter(pk__in=ids).values_list("pk", flat=True))


def visible_indicators(viewer: Viewer) -> QuerySet[Indicator]:
    """The indicators of the results frameworks of the programmes ``viewer`` sees."""
    return Indicator.objects.filter(result__programme__in=visible_programmes(viewer)).select_related(
        "result__programme"
    )
