"""Writes of the support to municipalities: every activity and recommendation goes through here,
so the engagement's line flags, its place in the API's sync and the history's "who" stay right."""

from collections.abc import Iterable, Sequence
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.changes import touch
from communities.models import Engagement, engagement_event_errors
from negotiators.models import OutreachEvent
from support.models import (
    RECOMMENDATION_MOVES,
    Activity,
    Mediator,
    Recommendation,
    RecommendationStatus,
    line_flag,
)


def engagement_touch(*, engagement_ids: Iterable[int | None]) -> None:
    """Count the engagements as changed for the API's sync: their ``activities`` and
    ``recommendations`` changed."""
    touch(Engagement, [pk for pk in engagement_ids if pk is not None])


def engagement_line_mark(*, engagement: Engagement, line: str) -> None:
    """Tick the engagement's service line: an engagement with an activity of a line delivers it.
    The flags stay stored (they also say which lines were agreed before any activity was
    logged), so this only ever sets one, never clears it."""
    field = line_flag(line)
    if not getattr(engagement, field):
        setattr(engagement, field, True)
        engagement.save(update_fields=[field, "updated_at"])


def activity_events_errors(*, activity: Activity, events: Sequence[OutreachEvent]) -> list[str]:
    return engagement_event_errors(activity.engagement, events)


@transaction.atomic
def activity_save(
    *,
    activity: Activity,
    actor: User | None,
    staff: Sequence[User] | None = None,
    mediators: Sequence[Mediator] | None = None,
    events: Sequence[OutreachEvent] | None = None,
) -> Activity:
    """Save ``activity`` (new or edited) with who did it and the events it was. Someone must have
    done it: a member of staff or a mediator of the roster (``None`` keeps what is stored). The
    engagement's line is ticked and the engagement counts as changed (the one it was moved from
    too)."""
    activity.full_clean(exclude=["staff", "mediators", "events"])
    stored_staff = list(activity.staff.all()) if activity.pk else []
    stored_mediators = list(activity.mediators.all()) if activity.pk else []
    doers = (stored_staff if staff is None else list(staff)) + (
        stored_mediators if mediators is None else list(mediators)
    )
    if not doers:
        raise ValidationError({"staff": _("Say who did it: a member of staff or a mediator.")})
    if events:
        errors = activity_events_errors(activity=activity, events=events)
        if errors:
            raise ValidationError({"events": errors})
    previous = Activity.objects.filter(pk=activity.pk).values_list("engagement_id", flat=True).first()
    activity._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    activity.save()
    if staff is not None:
        activity.staff.set(staff)
    if mediators is not None:
        activity.mediators.set(mediators)
    if events is not None:
        activity.events.set(events)
    engagement_line_mark(engagement=activity.engagement, line=activity.line)
    engagement_touch(engagement_ids=[activity.engagement_id, previous])
    return activity


@transaction.atomic
def activity_delete(*, activities: Iterable[Activity]) -> int:
    """Delete activities; their engagements count as changed (the line flags stay: a line once
    delivered, or agreed, is not undone by correcting a record)."""
    rows = list(Activity.objects.filter(pk__in=[activity.pk for activity in activities]))
    for activity in rows:
        activity.delete()
    engagement_touch(engagement_ids={activity.engagement_id for activity in rows})
    return len(rows)


@transaction.atomic
def recommendation_make(
    *, engagement: Engagement, line: str, text: str, made_on: date, actor: User | None
) -> Recommendation:
    """A new recommendation, *proposed* on ``made_on``."""
    recommendation = Recommendation(
        engagement=engagement,
        line=line,
        text=text,
        made_on=made_on,
        status=RecommendationStatus.PROPOSED,
        status_on=made_on,
    )
    return recommendation_save(recommendation=recommendation, actor=actor)


@transaction.atomic
def recommendation_save(*, recommendation: Recommendation, actor: User | None) -> Recommendation:
    """Save a recommendation's line, text and dates as edited. Its status does not change here
    (:func:`recommendation_move`): a new one is *proposed* on the day it was made."""
    stored = Recommendation.objects.filter(pk=recommendation.pk).values("status", "engagement_id").first()
    if stored is None:
        recommendation.status = RecommendationStatus.PROPOSED
        recommendation.status_on = recommendation.status_on or recommendation.made_on
    elif recommendation.status != stored["status"]:
        raise ValidationError({"status": _("The status changes only by moving the recommendation on.")})
    recommendation.full_clean()
    recommendation._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    recommendation.save()
    engagement_touch(engagement_ids=[recommendation.engagement_id, stored["engagement_id"] if stored else None])
    return recommendation


def recommendation_move_errors(*, recommendation: Recommendation, status: str, on: date) -> dict[str, str]:
    """What is wrong with moving ``recommendation`` to ``status`` on ``on`` (the admin's form
    asks before saving)."""
    current = RecommendationStatus(recommendation.status)
    target = RecommendationStatus(status)
    if target not in RECOMMENDATION_MOVES[current]:
        return {
            "status": _("A recommendation that is “%(from)s” cannot move to “%(to)s”.")
            % {"from": current.label, "to": target.label}
        }
    if on > timezone.localdate():
        return {"status_on": _("The date of the status cannot be in the future.")}
    if on < recommendation.status_on:
        return {"status_on": _("The new status cannot date from before the current one.")}
    return {}


@transaction.atomic
def recommendation_move(
    *, recommendation: Recommendation, status: str, on: date, actor: User | None, evidence: str = ""
) -> Recommendation:
    """Move ``recommendation`` to ``status`` on ``on`` along ``RECOMMENDATION_MOVES``; the history
    records who made the move and when. ``evidence`` (what shows it) is required for
    *implemented* and replaces the stored evidence when given."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    errors = recommendation_move_errors(recommendation=recommendation, status=status, on=on)
    if errors:
        raise ValidationError(errors)
    recommendation.status = status
    recommendation.status_on = on
    if evidence:
        recommendation.evidence = evidence
    recommendation.full_clean()
    recommendation._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    recommendation.save()
    engagement_touch(engagement_ids=[recommendation.engagement_id])
    return recommendation


@transaction.atomic
def recommendation_delete(*, recommendations: Iterable[Recommendation]) -> int:
    rows = list(Recommendation.objects.filter(pk__in=[row.pk for row in recommendations]))
    for row in rows:
        row.delete()
    engagement_touch(engagement_ids={row.engagement_id for row in rows})
    return len(rows)
