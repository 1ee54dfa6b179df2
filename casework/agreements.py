"""Writes of mediation agreements (seed 003, and incidents marked for mediation): a mediation is
started between parties, held in sessions by mediators of the roster (``support.Mediator``),
and ends in an agreement signed with its items, or in none; each item is checked on its due date
and follow-up visits are recorded.

The agreement's status follows its items once signed (:func:`status_from_items`): *signed* while
an item waits for its check, then *kept* when every item was kept, *broken* when none was, and
*partly kept* otherwise. Partners see the title and the status (the title is screened for contact
details); the items, notes and parties stay inside the NGO.

Whoever may log records in the agreement's community writes them (staff, its negotiators);
every function validates, raises ``ValidationError`` in the user's language, and runs in one
transaction.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any, TypedDict

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.viewer import Viewer
from api.changes import bulk_written
from casework.models import (
    AgreementItem,
    AgreementParty,
    AgreementStatus,
    Beneficiary,
    Compliance,
    FollowUpVisit,
    MediationAgreement,
    MediationSession,
)
from communities.models import Community
from communities.selectors import ensure_can_log_in
from incidents.models import Incident, IncidentParty
from privacy.screening import refuse_contact_details
from programmes.models import Programme
from support.models import Mediator

# The statuses an agreement ends in (nothing moves it further).
FINAL_AGREEMENT_STATUSES = (AgreementStatus.KEPT, AgreementStatus.PARTLY_KEPT, AgreementStatus.BROKEN)
# The statuses of a signed agreement (its items are followed up).
SIGNED_STATUSES = (AgreementStatus.SIGNED, *FINAL_AGREEMENT_STATUSES)


class PartyData(TypedDict, total=False):
    side: str
    beneficiary: Beneficiary | None
    incident_party: IncidentParty | None


def _saved(record: Any, by: User | None) -> None:
    record.full_clean()
    record._history_user = by  # simple_history's way (on the models that keep a history)
    record.save()


def _ensure_date(field: str, on: date, *, not_before: date, before_message: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if on < not_before:
        raise ValidationError({field: before_message % {"date": not_before}})


def _locked(agreement: MediationAgreement, by: User) -> MediationAgreement:
    agreement = MediationAgreement.objects.select_for_update().select_related("community").get(pk=agreement.pk)
    ensure_can_log_in(Viewer.for_user(by), agreement.community)
    return agreement


def _party(agreement: MediationAgreement, data: PartyData) -> AgreementParty:
    side = (data.get("side") or "").strip()
    beneficiary, incident_party = data.get("beneficiary"), data.get("incident_party")
    if not side:
        raise ValidationError({"parties": _("Say which side each party is on, without a name.")})
    refuse_contact_details("parties", side)
    if beneficiary is not None and incident_party is not None:
        raise ValidationError(
            {"parties": _("A party is a person with a case code or a party of the incident, not both.")}
        )
    if incident_party is not None and incident_party.incident_id != agreement.incident_id:
        raise ValidationError({"parties": _("A party of an incident takes part only in that incident's mediation.")})
    return AgreementParty(agreement=agreement, side=side, beneficiary=beneficiary, incident_party=incident_party)


@transaction.atomic
def agreement_start(
    *,
    community: Community,
    title: str,
    started_on: date,
    parties: Iterable[PartyData] = (),
    incident: Incident | None = None,
    responsible: User | None = None,
    notes: str = "",
    programme: Programme | None = None,
    by: User,
) -> MediationAgreement:
    """Start a mediation in ``community`` on ``started_on`` between ``parties`` (each a side,
    without names, and optionally the person's case code or the incident's party), for
    ``incident`` if it comes from one. ``title`` is shared with partners: a phone number or an
    e-mail address in it is refused. ``responsible`` follows the agreement up."""
    ensure_can_log_in(Viewer.for_user(by), community)
    refuse_contact_details("title", title)
    if incident is not None and incident.community_id != community.pk:
        raise ValidationError({"incident": _("The incident must be in the agreement's community.")})
    _ensure_date(
        "started_on",
        started_on,
        not_before=timezone.localdate(incident.occurred_at) if incident is not None else date.min,
        before_message=_("A mediation cannot start before the incident happened (%(date)s)."),
    )
    agreement = MediationAgreement(
        community=community,
        programme=programme,
        incident=incident,
        title=title,
        started_on=started_on,
        status=AgreementStatus.IN_MEDIATION,
        responsible=responsible,
        notes=notes,
    )
    _saved(agreement, by)
    for data in parties:
        party = _party(agreement, data)
        party.full_clean()
        party.save()
    return agreement


@transaction.atomic
def agreement_party_add(
    agreement: MediationAgreement,
    *,
    side: str,
    beneficiary: Beneficiary | None = None,
    incident_party: IncidentParty | None = None,
    by: User,
) -> AgreementParty:
    """Add a party on ``side`` (optionally the person's case code or the incident's party) to a
    mediation not yet ended."""
    agreement = _locked(agreement, by)
    if agreement.status != AgreementStatus.IN_MEDIATION:
        raise ValidationError({"parties": _("The mediation has ended: its parties are fixed.")})
    party = _party(agreement, {"side": side, "beneficiary": beneficiary, "incident_party": incident_party})
    party.full_clean()
    party.save()
    return party


@transaction.atomic
def agreement_session_add(
    agreement: MediationAgreement, *, held_on: date, mediator: Mediator, notes: str = "", by: User
) -> MediationSession:
    """Record a session of the mediation held on ``held_on`` by ``mediator``, an active mediator
    of the roster. Sessions are held until the mediation ends (signed or not), and after the
    signature while the items are followed up."""
    agreement = _locked(agreement, by)
    if agreement.status in (*FINAL_AGREEMENT_STATUSES, AgreementStatus.NO_AGREEMENT):
        raise ValidationError({"held_on": _("The mediation has ended: no session can be added.")})
    if not mediator.is_active:
        raise ValidationError({"mediator": _("This mediator is no longer active in the roster.")})
    _ensure_date(
        "held_on",
        held_on,
        not_before=agreement.started_on,
        before_message=_("A session cannot be held before the mediation started (%(date)s)."),
    )
    session = MediationSession(agreement=agreement, held_on=held_on, mediator=mediator, notes=notes)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def agreement_sign(
    agreement: MediationAgreement, *, signed_on: date, items: Iterable[tuple[str, date]], by: User
) -> MediationAgreement:
    """Record that the parties signed the agreement on ``signed_on`` with ``items`` (each the
    commitment and the date it is checked on). Needs two parties or more, a session held by then
    and at least one item due on or after the signature."""
    agreement = _locked(agreement, by)
    if agreement.status != AgreementStatus.IN_MEDIATION:
        raise ValidationError(
            {
                "status": _("An agreement that is “%(status)s” cannot be signed.")
                % {"status": AgreementStatus(agreement.status).label}
            }
        )
    _ensure_date(
        "signed_on",
        signed_on,
        not_before=agreement.started_on,
        before_message=_("An agreement cannot be signed before the mediation started (%(date)s)."),
    )
    if agreement.parties.count() < 2:
        raise ValidationError({"parties": _("An agreement is signed by two parties or more.")})
    if not agreement.sessions.filter(held_on__lte=signed_on).exists():
        raise ValidationError({"signed_on": _("Record the mediation session the agreement was reached in first.")})
    rows = [AgreementItem(agreement=agreement, text=text.strip(), due_on=due_on) for text, due_on in items]
    if not rows:
        raise ValidationError({"items": _("An agreement has at least one commitment.")})
    for row in rows:
        if not row.text:
            raise ValidationError({"items": _("Write down each commitment.")})
        if row.due_on < signed_on:
            raise ValidationError({"items": _("A commitment cannot be due before the agreement was signed.")})
        row.full_clean()
    AgreementItem.objects.bulk_create(rows)
    bulk_written(AgreementItem)
    agreement.signed_on = signed_on
    agreement.status = AgreementStatus.SIGNED
    _saved(agreement, by)
    return agreement


@transaction.atomic
def agreement_not_reached(agreement: MediationAgreement, *, by: User) -> MediationAgreement:
    """Record that the mediation ended without an agreement."""
    agreement = _locked(agreement, by)
    if agreement.status != AgreementStatus.IN_MEDIATION:
        raise ValidationError(
            {
                "status": _("An agreement that is “%(status)s” cannot end without agreement.")
                % {"status": AgreementStatus(agreement.status).label}
            }
        )
    agreement.status = AgreementStatus.NO_AGREEMENT
    _saved(agreement, by)
    return agreement


def status_from_items(compliances: Iterable[str]) -> str:
    """A signed agreement's status from its items' compliance: *signed* while one waits for its
    check; then *kept* when all were kept, *broken* when none was (not even partly), and *partly
    kept* otherwise."""
    checked = list(compliances)
    if not checked or Compliance.PENDING in checked:
        return AgreementStatus.SIGNED
    if all(compliance == Compliance.KEPT for compliance in checked):
        return AgreementStatus.KEPT
    if all(compliance == Compliance.NOT_KEPT for compliance in checked):
        return AgreementStatus.BROKEN
    return AgreementStatus.PARTLY_KEPT


@transaction.atomic
def agreement_item_check(item: AgreementItem, compliance: str, *, on: date, by: User) -> AgreementItem:
    """Record whether ``item`` was kept, partly kept or not kept, as checked on ``on`` (a later
    check replaces an earlier one), and update the agreement's status from its items."""
    agreement = _locked(item.agreement, by)
    item = AgreementItem.objects.select_for_update().get(pk=item.pk)
    if agreement.status not in SIGNED_STATUSES:
        raise ValidationError({"compliance": _("Only the commitments of a signed agreement are checked.")})
    if compliance not in Compliance.values or compliance == Compliance.PENDING:
        raise ValidationError({"compliance": _("Say whether the commitment was kept, partly kept or not kept.")})
    assert agreement.signed_on is not None  # a signed agreement has its date (agreement_sign)
    _ensure_date(
        "checked_on",
        on,
        not_before=max(agreement.signed_on, item.checked_on or agreement.signed_on),
        before_message=_("The check cannot date from before %(date)s."),
    )
    item.compliance = compliance
    item.checked_on = on
    item.full_clean()
    item.save()
    status = status_from_items(agreement.items.values_list("compliance", flat=True))
    if status != agreement.status:
        agreement.status = status
        _saved(agreement, by)
    return item


@transaction.atomic
def followup_visit_add(agreement: MediationAgreement, *, visited_on: date, notes: str = "", by: User) -> FollowUpVisit:
    """Record a visit to the parties after the signature, to see how the agreement holds."""
    agreement = _locked(agreement, by)
    if agreement.status not in SIGNED_STATUSES or agreement.signed_on is None:
        raise ValidationError({"visited_on": _("Follow-up visits start once the agreement is signed.")})
    _ensure_date(
        "visited_on",
        visited_on,
        not_before=agreement.signed_on,
        before_message=_("A follow-up visit cannot be before the agreement was signed (%(date)s)."),
    )
    visit = FollowUpVisit(agreement=agreement, visited_on=visited_on, notes=notes, recorded_by=by)
    visit.full_clean()
    visit.save()
    return visit
