"""Writes of incidents: reporting a case, moving it along its workflow and logging actions.

Every change of status goes through :func:`incident_transition`, which also writes the action log,
so the log always explains the status.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypedDict

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.viewer import Viewer
from api.changes import touch
from communities.models import Community
from communities.selectors import ensure_can_log_in
from incidents.models import (
    CLOCK_SKEW,
    CLOSED_STATUSES,
    WORKFLOW_ACTION_KINDS,
    ActionKind,
    Incident,
    IncidentAction,
    IncidentParty,
    IncidentStatus,
)
from negotiators.corrections import FIELD_APP_REASON, ensure_can_correct
from negotiators.models import Negotiator
from negotiators.selectors import acting_negotiator
from privacy.location import redact_text
from programmes.models import Programme

# People named in one case: more is a mistake or an attack, not a mediation.
MAX_PARTIES = 50


class PartyData(TypedDict, total=False):
    role: str
    full_name: str
    phone: str
    is_minor: bool
    sex: str
    age_group: str
    vulnerable_group: str
    notes: str


def ensure_action_moment(*, incident: Incident, performed_at: datetime | None) -> None:
    """Refuse a date for an entry of ``incident``'s log (an action, a change of status) that is
    before the incident happened or in the future; ``None`` (now) is always fine. Forms that
    take such a date (the admin's) call this in their ``clean`` so the error shows on the form."""
    if performed_at is None:
        return
    if performed_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"performed_at": _("An action cannot be logged in the future.")})
    if incident.occurred_at and performed_at < incident.occurred_at:
        raise ValidationError({"performed_at": _("An action cannot be dated before the incident happened.")})


@transaction.atomic
def incident_report(
    *,
    actor: User,
    community: Community,
    category: str,
    occurred_at: datetime,
    title: str,
    severity: int = 2,
    description: str = "",
    location: str = "",
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    location_accuracy_m: int | None = None,
    source: str = "resident",
    police_involved: bool = False,
    negotiator: Negotiator | None = None,
    internal_notes: str = "",
    parties: Iterable[PartyData] = (),
    reported_at: datetime | None = None,
    programme: Programme | None = None,
) -> Incident:
    """Open a case in ``community`` with status *reported* and its first log entry.

    ``programme`` defaults to the one the community takes part in on the day it happened. An empty
    ``title`` makes it automatic: the category, shown in each reader's language.
    ``latitude``, ``longitude`` and ``location_accuracy_m`` are the phone's position, optional
    beside the typed ``location``: both coordinates or neither, in range (``privacy.location``).

    The negotiator in charge defaults to the reporting user when that user is a negotiator of the
    community.
    """
    ensure_can_log_in(Viewer.for_user(actor), community)
    parties = list(parties)
    if len(parties) > MAX_PARTIES:
        raise ValidationError(
            {
                "parties": _("A case names at most %(max)d people; list the others in the description.")
                % {"max": MAX_PARTIES}
            }
        )
    if negotiator is None:
        negotiator = acting_negotiator(actor, community)
    incident = Incident(
        programme=programme,
        community=community,
        category=category,
        severity=severity,
        occurred_at=occurred_at,
        title=title,
        title_is_automatic=not title.strip(),
        description=description,
        location=location,
        latitude=latitude,
        longitude=longitude,
        location_accuracy_m=location_accuracy_m,
        source=source,
        police_involved=police_involved,
        negotiator=negotiator,
        internal_notes=internal_notes,
    )
    incident_open(incident=incident, actor=actor, reported_at=reported_at)
    for party in parties:
        row = IncidentParty(incident=incident, **party)
        row.full_clean(exclude=["incident"])
        row.save()
    return incident


@transaction.atomic
def incident_open(*, incident: Incident, actor: User, reported_at: datetime | None = None) -> Incident:
    """Save a new, unsaved ``incident`` (built by :func:`incident_report` or by a form) as
    *reported*, with the first entry of its log, dated ``reported_at`` (default: now)."""
    ensure_can_log_in(Viewer.for_user(actor), incident.community)
    incident.status = IncidentStatus.REPORTED
    incident.closed_at = None
    incident.created_by = actor
    incident.store_automatic_title()
    incident.full_clean()
    incident._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    incident.save()
    IncidentAction.objects.create(
        incident=incident,
        kind=ActionKind.REPORTED,
        performed_at=reported_at or timezone.now(),
        actor=actor,
        to_status=IncidentStatus.REPORTED,
    )
    return incident


@transaction.atomic
def incident_update(*, incident: Incident, actor: User) -> Incident:
    """Save the changes made to a reported ``incident``'s description (category, severity, dates,
    texts...) under the rules of :func:`incident_report`. Its status moves only through
    :func:`incident_transition`."""
    ensure_can_log_in(Viewer.for_user(actor), incident.community)
    stored = Incident.objects.filter(pk=incident.pk).values_list("status", "closed_at").get()
    if stored != (incident.status, incident.closed_at):
        raise ValidationError({"status": _("The status changes only along the workflow.")})
    incident.full_clean()
    incident._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    incident.save()
    return incident


@transaction.atomic
def incident_correct(
    *, incident: Incident, actor: User, changes: dict[str, Any], reason: str = FIELD_APP_REASON
) -> Incident:
    """Correct a reported ``incident``'s description after it was sent (``changes``: field name to
    new value; an empty ``title`` makes it automatic again), under the rules of
    :func:`incident_update`. Only whoever reported it, within ``FIELD_EDIT_DAYS`` of its creation,
    or staff at any time (``negotiators.corrections``); the history names ``actor`` and ``reason``."""
    viewer = Viewer.for_user(actor)
    sent_by_viewer = incident.created_by_id is not None and incident.created_by_id == actor.pk
    ensure_can_correct(viewer, created_at=incident.created_at, sent_by_viewer=sent_by_viewer)
    for name, value in changes.items():
        if name == "title":
            incident.title_is_automatic = not value.strip()
        setattr(incident, name, value)
    incident.store_automatic_title()
    incident._change_reason = reason  # type: ignore[attr-defined]  # simple_history's way
    return incident_update(incident=incident, actor=actor)


@transaction.atomic
def incident_transition(
    *,
    incident: Incident,
    to_status: str,
    actor: User,
    note: str = "",
    response_mode: str = "",
    performed_at: datetime | None = None,
) -> Incident:
    """Move ``incident`` to ``to_status`` if the workflow allows it, and log who did it and why.

    Closing it stamps ``closed_at``; reopening clears it. Raises ``ValidationError`` for a move
    the workflow does not allow (referring is no move: the case gets a referral and stays open),
    or for a ``performed_at`` before the incident happened or in the future.
    """
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    ensure_can_log_in(Viewer.for_user(actor), incident.community)
    ensure_action_moment(incident=incident, performed_at=performed_at)
    to_status = IncidentStatus(to_status)
    from_status = IncidentStatus(incident.status)
    if to_status == IncidentStatus.REFERRED:
        raise ValidationError(
            {
                "to_status": _(
                    "Referring a case no longer closes it: add a referral to the agency instead; the case "
                    "stays open while the agency works on it."
                )
            }
        )
    if to_status not in incident.allowed_transitions():
        raise ValidationError(
            {
                "to_status": _("A case that is “%(from)s” cannot move to “%(to)s”.")
                % {"from": from_status.label, "to": to_status.label}
            }
        )
    when = performed_at or timezone.now()
    incident.status = to_status
    if to_status == IncidentStatus.IN_PROGRESS and response_mode:
        incident.response_mode = response_mode
    incident.closed_at = max(when, incident.occurred_at) if to_status in CLOSED_STATUSES else None
    incident.full_clean()
    incident._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    incident.save()
    IncidentAction.objects.create(
        incident=incident,
        kind=ActionKind.STATUS_CHANGE,
        performed_at=when,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        description=note,
    )
    return incident


@transaction.atomic
def incident_assign(*, incident: Incident, negotiator: Negotiator | None, actor: User) -> Incident:
    """Put ``negotiator`` in charge of ``incident`` (``None``: nobody). Raises ``ValidationError``
    when the negotiator works in another community, or ``actor`` may not log there."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    ensure_can_log_in(Viewer.for_user(actor), incident.community)
    incident.negotiator = negotiator
    incident.full_clean()
    incident._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    incident.save()
    return incident


@transaction.atomic
def incident_referral_log(*, incident: Incident, actor: User | None, agency: str, sent_on: date) -> IncidentAction:
    """Write the entry of ``incident``'s log that says it was referred to ``agency`` (the office's
    name) on ``sent_on``; the case keeps its status. Called by ``casework`` when it records the
    referral (this app cannot know referrals: they are a layer above)."""
    now = timezone.now()
    if sent_on >= timezone.localdate(now):
        when = now
    else:
        when = max(datetime.combine(sent_on, time(12), tzinfo=timezone.get_current_timezone()), incident.occurred_at)
    action = IncidentAction.objects.create(
        incident=incident,
        kind=ActionKind.REFERRAL,
        performed_at=when,
        actor=actor,
        description=_("Referred to %(agency)s.") % {"agency": agency},
    )
    # The case changed: partners syncing by updated_at should see it again.
    touch(Incident, [incident.pk])
    return action


@transaction.atomic
def incident_action_add(
    *,
    incident: Incident,
    kind: str,
    actor: User,
    description: str = "",
    performed_at: datetime | None = None,
) -> IncidentAction:
    """Log an action on ``incident`` that does not change its status (a meeting, a call, a note),
    dated ``performed_at`` (default: now; never before the incident happened nor in the future)."""
    ensure_can_log_in(Viewer.for_user(actor), incident.community)
    if kind in WORKFLOW_ACTION_KINDS:
        raise ValidationError({"kind": _("Status changes are logged by changing the status.")})
    ensure_action_moment(incident=incident, performed_at=performed_at)
    when = performed_at or timezone.now()
    action = IncidentAction(incident=incident, kind=kind, performed_at=when, actor=actor, description=description)
    action.full_clean()
    action.save()
    # The case changed: partners syncing by updated_at should see it again.
    touch(Incident, [incident.pk])
    return action


def action_correctable(action: IncidentAction) -> bool:
    """Written by hand (a meeting, a call, a note): the workflow's own entries are never corrected."""
    return action.kind not in WORKFLOW_ACTION_KINDS


@transaction.atomic
def incident_action_correct(
    *, action: IncidentAction, actor: User, changes: dict[str, Any], reason: str = FIELD_APP_REASON
) -> IncidentAction:
    """Correct an action logged by hand (``changes``: ``kind``, ``performed_at``,
    ``description``), under the rules of :func:`incident_action_add`. Only whoever logged it,
    within ``FIELD_EDIT_DAYS`` of its creation, or staff at any time; the history names ``actor``
    and ``reason``, and partners see the case changed."""
    incident = action.incident
    ensure_can_log_in(Viewer.for_user(actor), incident.community)
    if not action_correctable(action):
        raise PermissionDenied(
            _("Entries the workflow writes (reporting, status changes, referrals) cannot be corrected.")
        )
    if changes.get("kind", action.kind) in WORKFLOW_ACTION_KINDS:
        raise ValidationError({"kind": _("Status changes are logged by changing the status.")})
    ensure_can_correct(
        Viewer.for_user(actor),
        created_at=action.created_at,
        sent_by_viewer=action.actor_id is not None and action.actor_id == actor.pk,
    )
    if "performed_at" in changes:
        ensure_action_moment(incident=incident, performed_at=changes["performed_at"])
    for name, value in changes.items():
        setattr(action, name, value)
    action.full_clean()
    action._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    action._change_reason = reason  # type: ignore[attr-defined]
    action.save()
    touch(Incident, [incident.pk])
    return action


@transaction.atomic
def incident_redact_text(*, incident: Incident, fields: Sequence[str], marker: str, actor: User | None) -> list[str]:
    """Write ``marker`` over the free text ``fields`` of ``incident`` (``"actions"``: the
    descriptions of its log; ``"location"`` takes the coordinates with it). Called by
    ``privacy.erasure.record_redact``, which also overwrites the change history with the result
    and records the redaction; returns the incident's model fields to overwrite there."""
    if "actions" in fields:
        for action in incident.actions.exclude(description=""):
            action.description = marker
            action.save()
        # Their change history keeps what they said before: overwritten as well.
        IncidentAction.history.filter(incident_id=incident.pk).exclude(description="").update(description=marker)
    model_fields = redact_text(incident, [name for name in fields if name != "actions"], marker, place="location")
    incident._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    incident.save()
    return model_fields
