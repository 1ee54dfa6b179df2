"""Writes of outreach events: the one path the admin, the API and the field pages share."""

from collections.abc import Iterable
from contextlib import suppress
from datetime import date, datetime
from zoneinfo import ZoneInfoNotFoundError

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.viewer import Viewer
from communities.models import Community
from communities.selectors import ensure_can_log_in
from negotiators.models import EventFormat, EventSeries, EventStatus, Negotiator, OutreachEvent
from negotiators.selectors import acting_negotiator
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
