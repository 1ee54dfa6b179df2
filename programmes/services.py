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
from django.utils import timezone
from django.utils.translation import gettext as _

from api.changes import touch
from communities.models import Community, PartnerOrganisation
from programmes.models import (
    SELF_APPROVAL_MESSAGE,
    ConsortiumMember,
    ConsortiumRole,
    Document,
    Donor,
    Funding,
    Indicator,
    Participation,
    Programme,
    ReportedValue,
    Result,
    Target,
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


# --- the results framework ------------------------------------------------------------------------


@transaction.atomic
def result_save(*, result: Result) -> Result:
    """Save a goal, outcome or output of a programme's results framework, checked for its place
    in the tree."""
    result.full_clean()
    result.save()
    return result


@transaction.atomic
def indicator_save(*, indicator: Indicator) -> Indicator:
    """Save an indicator: a computed one must name a figure the portal computes, its SDG targets
    must be on the shipped list and its code unique in the programme."""
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def target_save(*, target: Target) -> Target:
    """Save a target: not negative, for a period within the programme's dates, one per
    indicator, period, region and partner organisation."""
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def reported_value_save(*, reported_value: ReportedValue, actor: Any = None) -> ReportedValue:
    """Save a reported value with its evidence. A new one records ``actor`` as who entered it;
    a changed value, period or evidence must be approved again."""
    if reported_value.pk is None:
        if reported_value.entered_by_id is None and actor is not None:
            reported_value.entered_by = actor
    else:
        before = ReportedValue.objects.get(pk=reported_value.pk)
        fields = ("value", "period", "evidence_document_id", "evidence_link")
        if any(getattr(before, name) != getattr(reported_value, name) for name in fields):
            reported_value.approved_by, reported_value.approved_at = None, None
    reported_value.full_clean()
    reported_value.save()
    return reported_value


@transaction.atomic
def reported_value_approve(*, reported_value: ReportedValue, actor: Any) -> ReportedValue:
    """Approve a reported value: four eyes, so ``actor`` may not be who entered it."""
    if actor is None or actor.pk == reported_value.entered_by_id:
        raise ValidationError(SELF_APPROVAL_MESSAGE)
    reported_value.approved_by = actor
    reported_value.approved_at = timezone.now()
    reported_value.full_clean()
    reported_value.save(update_fields=["approved_by", "approved_at", "updated_at"])
    return reported_value
