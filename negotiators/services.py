"""Writes of negotiators, outreach events and media mentions: the one path the admin, the API and the
field pages share."""

from collections.abc import Iterable, Sequence
from contextlib import suppress
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.capabilities import Capability
from access.viewer import Viewer
from communities.models import Community
from communities.selectors import ensure_can_log_in
from negotiators.corrections import FIELD_APP_REASON, ensure_can_correct
from negotiators.models import (
    EventFormat,
    EventSeries,
    EventStatus,
    Gender,
    MediaMention,
    Negotiator,
    NegotiatorContact,
    OutreachEvent,
)
from negotiators.selectors import acting_negotiator
from privacy.location import redact_text
from programmes.models import Programme


@transaction.atomic
def event_log(
    *,
    actor: User,
    community: Community,
    kind: str,
    title: str,
    date: date | None = None,
    topic: str,
    participants_total: int,
    participants_women: int = 0,
    participants_men: int = 0,
    participants_youth: int = 0,
    participants_idps: int = 0,
    participants_veterans: int = 0,
    participants_vulnerable: int = 0,
    police_present: bool = False,
    local_government_present: bool = False,
    ngos_present: bool = False,
    place: str = "",
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    location_accuracy_m: int | None = None,
    summary: str = "",
    internal_notes: str = "",
    organisers: Iterable[Negotiator] = (),
    programme: Programme | None = None,
    status: str = EventStatus.HELD,
    starts_at: datetime | None = None,
    duration_minutes: int | None = None,
    time_zone: str = "",
    format: str = EventFormat.IN_PERSON,
    meeting_link: str = "",
    stream_link: str = "",
    languages: Iterable[str] = (),
    interpretation: bool = False,
    series: EventSeries | None = None,
    part: int | None = None,
    audience_communities: Iterable[Community] = (),
    agenda: str = "",
    registration_open: bool = False,
    slug: str | None = None,
    capacity: int | None = None,
) -> OutreachEvent:
    """Record an outreach event in ``community``: one that took place (``status`` held, the
    default) or one planned ahead (planned, with its start, format, links, series, agenda and
    registration).

    Raises ``PermissionDenied`` if ``actor`` may not log in that community and ``ValidationError``
    (with per-field messages) if the event breaks the rules (breakdown within the total, a held
    event not in the future, a planned one not over, a link for an online event...). ``date``
    follows ``starts_at`` when that is given. Organisers must be negotiators of the same community.
    ``programme`` defaults to the one the community takes part in on ``date``
    (``programmes.attribution``); a programme it does not take part in then is refused. An empty
    ``title`` makes it automatic: the kind and the place, shown in each reader's language.
    ``latitude``, ``longitude`` and ``location_accuracy_m`` are the phone's position, optional
    beside the typed ``place``: both coordinates or neither, in range (``privacy.location``).
    """
    ensure_can_log_in(Viewer.for_user(actor), community)
    event = OutreachEvent(
        programme=programme,
        community=community,
        kind=kind,
        title=title,
        title_is_automatic=not title.strip(),
        status=status,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        time_zone=time_zone,
        format=format,
        meeting_link=meeting_link,
        stream_link=stream_link,
        languages=list(languages),
        interpretation=interpretation,
        series=series,
        part=part,
        agenda=agenda,
        registration_open=registration_open,
        slug=slug or None,
        capacity=capacity,
        topic=topic,
        participants_total=participants_total,
        participants_women=participants_women,
        participants_men=participants_men,
        participants_youth=participants_youth,
        participants_idps=participants_idps,
        participants_veterans=participants_veterans,
        participants_vulnerable=participants_vulnerable,
        police_present=police_present,
        local_government_present=local_government_present,
        ngos_present=ngos_present,
        place=place,
        latitude=latitude,
        longitude=longitude,
        location_accuracy_m=location_accuracy_m,
        summary=summary,
        internal_notes=internal_notes,
        created_by=actor,
    )
    if date is not None:
        event.date = date
    if starts_at is not None:
        # In the portal's zone while the event's is unknown: the model's validation names that.
        event.date = timezone.localtime(starts_at).date()
        with suppress(ZoneInfoNotFoundError, ValueError):
            event.date = starts_at.astimezone(event.zone).date()
    event.store_automatic_title()
    event.full_clean()
    organisers = list(organisers)
    ensure_organisers_of(community=community, organisers=organisers)
    event.save()
    if not organisers and (negotiator := acting_negotiator(actor, community)):
        organisers = [negotiator]
    event.organisers.set(organisers)
    event.audience_communities.set(list(audience_communities))
    return event


def ensure_organisers_of(*, community: Community | None, organisers: Iterable[Negotiator]) -> None:
    """Organisers of an event are negotiators of the event's community."""
    if community is not None and any(negotiator.community_id != community.pk for negotiator in organisers):
        raise ValidationError({"organisers": _("Organisers must be negotiators of the event's community.")})


@transaction.atomic
def event_update(*, event: OutreachEvent, actor: User, organisers: Iterable[Negotiator] | None = None) -> OutreachEvent:
    """Save the changes made to ``event`` (and its ``organisers``, when given) under the rules of
    :func:`event_log`: the same figures, and organisers from the event's community."""
    ensure_can_log_in(Viewer.for_user(actor), event.community)
    event.store_automatic_title()
    event.full_clean()
    if organisers is not None:
        organisers = list(organisers)
        ensure_organisers_of(community=event.community, organisers=organisers)
    event.save()
    if organisers is not None:
        event.organisers.set(organisers)
    return event


def event_sent_by(event: OutreachEvent, viewer: Viewer) -> bool:
    """``viewer`` logged ``event``, or organises it: theirs to correct from the phone."""
    if viewer.user is not None and event.created_by_id == viewer.user.pk:
        return True
    return viewer.negotiator is not None and event.organisers.filter(pk=viewer.negotiator.pk).exists()


@transaction.atomic
def event_correct(
    *, event: OutreachEvent, actor: User, changes: dict[str, Any], reason: str = FIELD_APP_REASON
) -> OutreachEvent:
    """Correct ``event`` after it was sent (``changes``: field name to new value; an empty
    ``title`` makes the title automatic again), under the rules of :func:`event_update`. Only
    whoever logged or organises it, within ``FIELD_EDIT_DAYS`` of its creation, or staff at any
    time (``negotiators.corrections``); the change history names ``actor`` and ``reason``."""
    viewer = Viewer.for_user(actor)
    ensure_can_correct(viewer, created_at=event.created_at, sent_by_viewer=event_sent_by(event, viewer))
    for name, value in changes.items():
        if name == "title":
            event.title_is_automatic = not value.strip()
        setattr(event, name, value)
    event._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    event._change_reason = reason  # type: ignore[attr-defined]
    return event_update(event=event, actor=actor)


@transaction.atomic
def event_redact_text(*, event: OutreachEvent, fields: Sequence[str], marker: str, actor: User | None) -> list[str]:
    """Write ``marker`` over the free text ``fields`` of ``event`` (``"place"`` takes the
    phone's position with it). Called by ``privacy.erasure.record_redact``, which also overwrites
    the change history with the result and records the redaction; returns the model fields to
    overwrite there."""
    model_fields = redact_text(event, fields, marker, place="place")
    event._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    event.save()
    return model_fields


@transaction.atomic
def negotiator_set_active(*, negotiators: Iterable[Negotiator], is_active: bool, actor: User) -> int:
    """Mark ``negotiators`` active or inactive (one history row each, saved so the change feed
    sees them); returns how many changed."""
    changed = 0
    for negotiator in negotiators:
        if negotiator.is_active == is_active:
            continue
        negotiator.is_active = is_active
        negotiator._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
        negotiator.save()
        changed += 1
    return changed


def _ensure_can_write_people(actor: User, community: Community) -> None:
    """A negotiator's contact is personal data: only someone who reads it may write it."""
    viewer = Viewer.for_user(actor)
    ensure_can_log_in(viewer, community)
    if not viewer.can(Capability.READS_PERSONAL_DATA):
        raise PermissionDenied(_("You cannot write negotiators' personal data."))


@transaction.atomic
def negotiator_create(
    *,
    actor: User,
    community: Community,
    cohort: str,
    joined_on: date,
    full_name: str,
    gender: str = Gender.UNSPECIFIED,
    phone: str = "",
    email: str = "",
    notes: str = "",
    certified_on: date | None = None,
    is_active: bool = True,
) -> Negotiator:
    """Register a negotiator of ``community`` with their contact (the personal data), as the admin
    does: the status starts as candidate and follows their training (``training.services``).
    Raises ``ValidationError`` by field (of either record) and ``PermissionDenied`` when ``actor``
    may not log in ``community`` or does not read personal data."""
    _ensure_can_write_people(actor, community)
    negotiator = Negotiator(
        community=community, cohort=cohort, joined_on=joined_on, certified_on=certified_on, is_active=is_active
    )
    contact = NegotiatorContact(full_name=full_name, gender=gender, phone=phone, email=email, notes=notes)
    errors: dict[str, list[str]] = {}
    for record, exclude in ((negotiator, None), (contact, ["negotiator"])):
        try:
            record.full_clean(exclude=exclude)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    negotiator._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    negotiator.save()
    contact.negotiator = negotiator
    contact._history_user = actor  # type: ignore[attr-defined]
    contact.save()
    return negotiator


@transaction.atomic
def negotiator_update(*, negotiator: Negotiator, actor: User, contact: NegotiatorContact | None = None) -> Negotiator:
    """Save the changes made to ``negotiator`` (and to its ``contact``, when given) under the rules
    of :func:`negotiator_create`; each keeps its history with ``actor`` as its author."""
    _ensure_can_write_people(actor, negotiator.community)
    errors: dict[str, list[str]] = {}
    records: list[Negotiator | NegotiatorContact] = [negotiator] if contact is None else [negotiator, contact]
    for record in records:
        try:
            record.full_clean()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    for record in records:
        record._history_user = actor  # type: ignore[union-attr]  # simple_history's way
        record.save()
    return negotiator


@transaction.atomic
def media_mention_save(*, mention: MediaMention, actor: User) -> MediaMention:
    """Save a new or changed media mention under the admin's rules: the programme it names (or the
    one its community takes part in on the publication date), a campaign of that programme and a
    valid link. A mention of a community is written by whoever may log records there; one about the
    whole programme (no community) by staff who log records anywhere."""
    viewer = Viewer.for_user(actor)
    community = mention.community if mention.community_id is not None else None
    if community is not None:
        ensure_can_log_in(viewer, community)
    elif not (viewer.can(Capability.LOGS_RECORDS) and viewer.can(Capability.LOGS_IN_ANY_COMMUNITY)):
        raise PermissionDenied(_("Only staff record mentions about the whole programme."))
    mention.full_clean()
    mention.save()
    return mention
