"""Writes of programmes and of their donors, tranches, consortium and participating communities,
with their rules. The admin and the demo data call these; each validates the whole record
(``full_clean``) so a rule broken anywhere is the same translated message naming the field."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.utils.translation import gettext as _

from api.changes import touch
from communities.models import Community, PartnerOrganisation
from programmes.models import (
    ConsortiumMember,
    ConsortiumRole,
    Document,
    Donor,
    Funding,
    Participation,
    Programme,
    Tranche,
)


def programme_touch(*, programme_ids: Iterable[int | None]) -> None:
    """Count the programmes as changed for the API's incremental sync (``updated_at``) when what
    the API shows of them lives in other rows: their funding and donors, tranches, consortium and
    participations (the change log hears of those rows itself)."""
    touch(Programme, [pk for pk in programme_ids if pk is not None])


def documents_touch(*, programme_ids: Iterable[int | None]) -> None:
    """Count the documents of the programmes as changed when who sees the programmes changes (a
    community joins or leaves, a consortium member comes or goes): the change feed follows a
    document through its programme's communities and consortium. Called before a write that may
    take a programme out of someone's scope (they then read the documents as gone) and after one
    that may bring it in."""
    ids = [pk for pk in programme_ids if pk is not None]
    if ids:
        touch(Document, Document.objects.filter(programme_id__in=ids).values_list("pk", flat=True))


SCOPE_PARTS = (ConsortiumMember, Participation)


@transaction.atomic
def programme_save(*, programme: Programme) -> Programme:
    """Save ``programme`` as edited. Its dates must still hold every participation period."""
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def programme_delete(*, programme: Programme) -> None:
    """Delete ``programme`` with its funding, tranches and consortium. Refused while communities
    take part in it: activities are attributed to a programme through them."""
    refusal = ValidationError(
        _("%(programme)s has participating communities: remove their participation first.")
        % {"programme": programme.code}
    )
    if programme.participations.exists():
        raise refusal
    try:
        programme.delete()
    except ProtectedError as error:  # a participation added meanwhile
        raise refusal from error


@transaction.atomic
def donor_save(*, donor: Donor) -> Donor:
    """Save ``donor`` as edited; the programmes it funds show its name and kind, so they count as
    changed."""
    donor.full_clean()
    donor.save()
    programme_touch(programme_ids=donor.fundings.values_list("programme_id", flat=True))
    return donor


@transaction.atomic
def programme_part_save(*, part: Funding | Tranche | ConsortiumMember | Participation) -> None:
    """Save a row of a programme (its funding, a tranche, a consortium member, a participation) as
    edited in the admin, whose form has validated it; its programme, and the one it was moved
    from, count as changed."""
    previous = type(part)._default_manager.filter(pk=part.pk).values_list("programme_id", flat=True).first()
    scope = isinstance(part, SCOPE_PARTS)
    if scope:
        documents_touch(programme_ids=[previous])
    part.save()
    programme_touch(programme_ids=[part.programme_id, previous])
    if scope:
        documents_touch(programme_ids=[part.programme_id, previous])


@transaction.atomic
def programme_parts_delete(*, parts: QuerySet[Any]) -> None:
    """Delete rows of programmes (the admin's deletions); their programmes count as changed."""
    programme_ids = list(parts.values_list("programme_id", flat=True))
    scope = issubclass(parts.model, SCOPE_PARTS)
    if scope:
        documents_touch(programme_ids=programme_ids)
    parts.model._default_manager.filter(pk__in=list(parts.values_list("pk", flat=True))).delete()
    programme_touch(programme_ids=programme_ids)
    if scope:
        documents_touch(programme_ids=programme_ids)


@transaction.atomic
def funding_add(
    *,
    programme: Programme,
    donor: Donor,
    instrument: str,
    grant_reference: str = "",
    amount: Decimal | None = None,
) -> Funding:
    """Record that ``donor`` funds ``programme`` through ``instrument``."""
    funding = Funding(
        programme=programme, donor=donor, instrument=instrument, grant_reference=grant_reference, amount=amount
    )
    funding.full_clean()
    funding.save()
    programme_touch(programme_ids=[programme.pk])
    return funding


@transaction.atomic
def tranche_add(
    *, programme: Programme, amount: Decimal, expected_on: date, received_on: date | None = None, condition: str = ""
) -> Tranche:
    tranche = Tranche(
        programme=programme, amount=amount, expected_on=expected_on, received_on=received_on, condition=condition
    )
    tranche.full_clean()
    tranche.save()
    programme_touch(programme_ids=[programme.pk])
    return tranche


@transaction.atomic
def consortium_member_add(
    *,
    programme: Programme,
    partner: PartnerOrganisation,
    joined_on: date,
    role: str = ConsortiumRole.PARTNER,
    left_on: date | None = None,
) -> ConsortiumMember:
    """Add ``partner`` to the consortium of ``programme``: it sees the programme from now on."""
    member = ConsortiumMember(programme=programme, partner=partner, role=role, joined_on=joined_on, left_on=left_on)
    member.full_clean()
    member.save()
    programme_touch(programme_ids=[programme.pk])
    documents_touch(programme_ids=[programme.pk])
    return member


@transaction.atomic
def consortium_member_remove(*, member: ConsortiumMember) -> None:
    """Take a partner organisation out of the consortium (a mistake, or a member the programme no
    longer shares its data with): it no longer sees the programme, unless one of its communities
    takes part. A member that left but stays on record keeps its row, with ``left_on``."""
    documents_touch(programme_ids=[member.programme_id])
    member.delete()
    programme_touch(programme_ids=[member.programme_id])
    documents_touch(programme_ids=[member.programme_id])


@transaction.atomic
def participation_start(
    *, programme: Programme, community: Community, joined_on: date, left_on: date | None = None
) -> Participation:
    """Record that ``community`` takes part in ``programme`` from ``joined_on`` (until ``left_on``,
    or the programme's end). Refused outside the programme's dates and where it would overlap
    another period of the same community in the programme."""
    participation = Participation(programme=programme, community=community, joined_on=joined_on, left_on=left_on)
    participation.full_clean()
    participation.save()
    programme_touch(programme_ids=[participation.programme_id])
    documents_touch(programme_ids=[participation.programme_id])
    return participation


@transaction.atomic
def participation_end(*, participation: Participation, left_on: date) -> Participation:
    """Close a participation period on ``left_on``."""
    participation.left_on = left_on
    participation.full_clean()
    participation.save()
    programme_touch(programme_ids=[participation.programme_id])
    documents_touch(programme_ids=[participation.programme_id])
    return participation


@transaction.atomic
def participation_save(*, participation: Participation) -> Participation:
    """Save a participation period as edited (the admin's inline)."""
    participation.full_clean()
    participation.save()
    programme_touch(programme_ids=[participation.programme_id])
    documents_touch(programme_ids=[participation.programme_id])
    return participation


@transaction.atomic
def document_save(*, document: Document, actor: Any = None) -> Document:
    """Save ``document`` as edited. A new file is checked by its content (programmes/documents.py)
    and its type, size and checksum recorded; a file or a link, never both."""
    if document.pk is None and document.created_by_id is None and actor is not None:
        document.created_by = actor
    document.full_clean()
    document.save()
    return document
