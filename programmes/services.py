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
    Agreement,
    Campaign,
    ConsortiumMember,
    ConsortiumRole,
    Deliverable,
    Document,
    Donor,
    Funding,
    Indicator,
    Milestone,
    MilestoneStatus,
    NetworkMembership,
    Participation,
    Programme,
    ProgrammeRisk,
    ReportedValue,
    Result,
    RiskReview,
    RiskStatus,
    Target,
    Tranche,
)


def programme_touch(*, programme_ids: Iterable[int | None]) -> None:
    """Count the programmes as changed for the API's incremental sync (``updated_at``) when what
    the API shows of them lives in other rows: their funding and donors, tranches, consortium and
    participations (the change log hears of those rows itself)."""
    touch(Programme, [pk for pk in programme_ids if pk is not None])


def programme_records_touch(*, programme_ids: Iterable[int | None]) -> None:
    """Count the records seen through the programmes (their documents, outputs, campaigns and
    agreements) as changed when who sees the programmes changes (a community joins or leaves, a
    consortium member comes or goes): the change feed follows them through the programme's
    communities and consortium. Called before a write that may take a programme out of
    someone's scope (they then read the records as gone) and after one that may bring it in."""
    ids = [pk for pk in programme_ids if pk is not None]
    if ids:
        for model in (Document, Deliverable, Campaign, Agreement):
            touch(model, model._default_manager.filter(programme_id__in=ids).values_list("pk", flat=True))


SCOPE_PARTS = (ConsortiumMember, Participation)


@transaction.atomic
def programme_save(*, programme: Programme) -> Programme:
    """Save ``programme`` as edited. Its dates must still hold every participation period."""
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def programme_delete(*, programme: Programme) -> None:
    """Delete ``programme`` with its funding, tranches, consortium and network. Refused while
    communities take part in it (activities are attributed to a programme through them) and while
    it has documents, outputs, campaigns or agreements: nothing entered is lost on the way."""
    refusal = ValidationError(
        _("%(programme)s has participating communities: remove their participation first.")
        % {"programme": programme.code}
    )
    if programme.participations.exists():
        raise refusal
    try:
        programme.delete()
    except ProtectedError as error:
        if programme.participations.exists():  # a participation added meanwhile
            raise refusal from error
        kinds = sorted({str(record._meta.verbose_name_plural) for record in error.protected_objects})
        raise ValidationError(
            _("%(programme)s still has records of its own (%(records)s): delete them first.")
            % {"programme": programme.code, "records": ", ".join(kinds)}
        ) from error


@transaction.atomic
def donor_save(*, donor: Donor) -> Donor:
    """Save ``donor`` as edited; the programmes it funds show its name and kind, so they count as
    changed."""
    donor.full_clean()
    donor.save()
    programme_touch(programme_ids=donor.fundings.values_list("programme_id", flat=True))
    return donor


@transaction.atomic
def programme_part_save(
    *, part: Funding | Tranche | ConsortiumMember | Participation | NetworkMembership | ProgrammeRisk
) -> None:
    """Save a row of a programme (its funding, a tranche, a consortium member, a participation) as
    edited in the admin, whose form has validated it; its programme, and the one it was moved
    from, count as changed."""
    previous = type(part)._default_manager.filter(pk=part.pk).values_list("programme_id", flat=True).first()
    scope = isinstance(part, SCOPE_PARTS)
    if scope:
        programme_records_touch(programme_ids=[previous])
    part.save()
    programme_touch(programme_ids=[part.programme_id, previous])
    if scope:
        programme_records_touch(programme_ids=[part.programme_id, previous])


@transaction.atomic
def programme_parts_delete(*, parts: QuerySet[Any]) -> None:
    """Delete rows of programmes (the admin's deletions); their programmes count as changed."""
    programme_ids = list(parts.values_list("programme_id", flat=True))
    scope = issubclass(parts.model, SCOPE_PARTS)
    if scope:
        programme_records_touch(programme_ids=programme_ids)
    parts.model._default_manager.filter(pk__in=list(parts.values_list("pk", flat=True))).delete()
    programme_touch(programme_ids=programme_ids)
    if scope:
        programme_records_touch(programme_ids=programme_ids)


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
    programme_records_touch(programme_ids=[programme.pk])
    return member


@transaction.atomic
def consortium_member_remove(*, member: ConsortiumMember) -> None:
    """Take a partner organisation out of the consortium (a mistake, or a member the programme no
    longer shares its data with): it no longer sees the programme, unless one of its communities
    takes part. A member that left but stays on record keeps its row, with ``left_on``."""
    programme_records_touch(programme_ids=[member.programme_id])
    member.delete()
    programme_touch(programme_ids=[member.programme_id])
    programme_records_touch(programme_ids=[member.programme_id])


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
    programme_records_touch(programme_ids=[participation.programme_id])
    return participation


@transaction.atomic
def participation_end(*, participation: Participation, left_on: date) -> Participation:
    """Close a participation period on ``left_on``."""
    participation.left_on = left_on
    participation.full_clean()
    participation.save()
    programme_touch(programme_ids=[participation.programme_id])
    programme_records_touch(programme_ids=[participation.programme_id])
    return participation


@transaction.atomic
def participation_save(*, participation: Participation) -> Participation:
    """Save a participation period as edited (the admin's inline)."""
    participation.full_clean()
    participation.save()
    programme_touch(programme_ids=[participation.programme_id])
    programme_records_touch(programme_ids=[participation.programme_id])
    return participation


@transaction.atomic
def document_save(*, document: Document, actor: Any = None) -> Document:
    """Save ``document`` as edited. A new file is checked by its content (programmes/documents.py)
    and its type, size and checksum recorded; a file or a link, never both."""
    if document.pk is None and document.created_by_id is None and actor is not None:
        document.created_by = actor
    new = document.pk is None
    document.full_clean()
    document.save()
    if not new:
        # Outputs and agreements show the document only to those who see it (its access).
        touch(Deliverable, document.deliverables.values_list("pk", flat=True))
        touch(Agreement, document.agreements.values_list("pk", flat=True))
    return document


# --- outputs, campaigns, the network, agreements ----------------------------------------------


@transaction.atomic
def deliverable_save(*, deliverable: Deliverable, actor: Any) -> Deliverable:
    """Save an output of the register as edited: its document, if any, is one of its
    programme's library; a delivered output has a date."""
    deliverable.full_clean()
    deliverable.save()
    return deliverable


@transaction.atomic
def deliverable_delete(*, deliverable: Deliverable, actor: Any) -> None:
    deliverable.delete()


@transaction.atomic
def campaign_save(*, campaign: Campaign, actor: Any) -> Campaign:
    """Save an advocacy campaign as edited (its milestones and linked events are rows of their
    own)."""
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_delete(*, campaign: Campaign, actor: Any) -> None:
    """Delete a campaign with its milestones; its events and media mentions stay, unlinked."""
    campaign.delete()


@transaction.atomic
def milestone_add(
    *,
    campaign: Campaign,
    title: str,
    due_on: date,
    actor: Any,
    status: str = MilestoneStatus.PENDING,
    done_on: date | None = None,
) -> Milestone:
    """Add a milestone to ``campaign``; a done one has the date it was reached."""
    milestone = Milestone(campaign=campaign, title=title, due_on=due_on, status=status, done_on=done_on)
    return milestone_save(milestone=milestone, actor=actor)


@transaction.atomic
def milestone_save(*, milestone: Milestone, actor: Any) -> Milestone:
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestones_delete(*, milestones: QuerySet[Milestone], actor: Any) -> None:
    for milestone in milestones:
        milestone.delete()


@transaction.atomic
def network_member_add(
    *,
    programme: Programme,
    network: str,
    partner: PartnerOrganisation,
    joined_on: date,
    actor: Any,
    left_on: date | None = None,
) -> NetworkMembership:
    """Record that ``partner`` belongs to the programme's ``network`` (its coalition) from
    ``joined_on`` (until ``left_on``). It gives the organisation no access to the programme."""
    member = NetworkMembership(
        programme=programme, network=network, partner=partner, joined_on=joined_on, left_on=left_on
    )
    member.full_clean()
    member.save()
    programme_touch(programme_ids=[programme.pk])
    return member


@transaction.atomic
def agreement_save(
    *,
    agreement: Agreement,
    actor: Any,
    communities: Iterable[Community] | None = None,
    partners: Iterable[PartnerOrganisation] | None = None,
) -> Agreement:
    """Save an agreement as edited, with its parties when given (communities and partner
    organisations). Valid until a date after it is signed; its document is one of its
    programme's library. The parties it had hear of the change before it, so one that is no
    longer a party drops it from its copy."""
    agreement.full_clean()
    if agreement.pk is not None and (communities is not None or partners is not None):
        touch(Agreement, [agreement.pk])
    agreement.save()
    if communities is not None:
        agreement.communities.set(list(communities))
    if partners is not None:
        agreement.partners.set(list(partners))
    return agreement


@transaction.atomic
def agreement_delete(*, agreement: Agreement, actor: Any) -> None:
    agreement.delete()


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


# --- the risk register ----------------------------------------------------------------------------


@transaction.atomic
def risk_add(
    *,
    programme: Programme,
    title: str,
    likelihood: str,
    impact: str,
    mitigation: str = "",
    owner: str = "",
    description: str = "",
    status: str = RiskStatus.OPEN,
    position: int = 0,
) -> ProgrammeRisk:
    """Add a risk to ``programme``'s register (the admin edits risks as the programme's rows,
    through :func:`programme_part_save`)."""
    risk = ProgrammeRisk(
        programme=programme,
        title=title,
        description=description,
        likelihood=likelihood,
        impact=impact,
        mitigation=mitigation,
        owner=owner,
        status=status,
        position=position,
    )
    risk.full_clean()
    risk.save()
    return risk


@transaction.atomic
def risk_review_save(*, review: RiskReview) -> RiskReview:
    """Save a review of a risk (at most one a day). The risk takes the review's status when the
    review is its latest, so the register shows the status last reviewed."""
    review.full_clean()
    review.save()
    latest = RiskReview.objects.filter(risk_id=review.risk_id).order_by("-reviewed_on", "-pk").first()
    if latest is not None and latest.pk == review.pk:
        ProgrammeRisk.objects.filter(pk=review.risk_id).exclude(status=review.status).update(
            status=review.status, updated_at=timezone.now()
        )
    return review


@transaction.atomic
def risk_reviews_delete(*, reviews: QuerySet[RiskReview]) -> None:
    """Delete reviews of risks (the admin's deletions); the risks keep their status."""
    RiskReview.objects.filter(pk__in=list(reviews.values_list("pk", flat=True))).delete()
