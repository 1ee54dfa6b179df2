"""Writes that carry the rules of a community's partnership with the programme."""

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from api.changes import touch
from communities.models import OVERLAP_MESSAGE, Community, LeaveReason, Partnership, periods_overlap


def community_touch(*, community_ids: Iterable[int]) -> None:
    """Count the communities as changed for the API's incremental sync (``updated_at``) when what
    the API shows of them changes without a change of their own row: their partnerships (the
    ``partnerships`` and ``is_partner`` of ``communities/``). No history entry: nothing of the
    community itself changed."""
    touch(Community, community_ids)


@transaction.atomic
def community_save(*, community: Community) -> Community:
    """Save ``community`` as edited. A new name or region changes what the API shows of every
    record in it (``community_name``, ``region``), so those records count as changed for the
    incremental sync too."""
    before = Community.objects.filter(pk=community.pk).values("name", "region_id").first()
    community.save()
    if before is not None and (before["name"], before["region_id"]) != (community.name, community.region_id):
        records_in_community_touch(community=community)
    return community


def records_in_community_touch(*, community: Community) -> None:
    """Mark every record that belongs to ``community`` (a ``community`` foreign key) as changed,
    without a history entry: nothing of the records themselves changed. The apps above this one
    are found through the relations, so this app imports none of them."""
    for relation in Community._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or relation.field.name != "community":
            continue
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            touch(model, model._default_manager.filter(community=community).values_list("pk", flat=True))


@transaction.atomic
def partnership_start(*, community: Community, joined_on: date, note: str = "") -> Partnership:
    """Open a partnership period for ``community``. Fails if one is already open or the period
    overlaps an earlier one."""
    partnership = Partnership(community=community, joined_on=joined_on, note=note)
    partnership.full_clean()
    partnership.save()
    community_touch(community_ids=[community.pk])
    return partnership


@transaction.atomic
def partnership_end(*, community: Community, left_on: date, reason: LeaveReason, note: str = "") -> Partnership:
    """Close the open partnership of ``community`` on ``left_on`` for ``reason``."""
    partnership = Partnership.objects.select_for_update().filter(community=community, left_on__isnull=True).first()
    if partnership is None:
        raise ValidationError(_("%(community)s has no open partnership to end.") % {"community": community})
    partnership.left_on = left_on
    partnership.leave_reason = reason
    if note:
        partnership.note = f"{partnership.note}\n{note}".strip()
    partnership.full_clean()
    partnership.save()
    community_touch(community_ids=[community.pk])
    return partnership


def partnership_periods_errors(periods: Sequence[tuple[date, date | None]]) -> dict[int, dict[str, str]]:
    """The errors of a community's partnership periods taken together, as typed on its page before
    any is saved (``Partnership.clean`` compares a period only with the saved ones): at most one
    open period, and none overlapping another. Keyed by the period's index, then by field."""
    errors: dict[int, dict[str, str]] = {}
    order = sorted(range(len(periods)), key=lambda index: periods[index][0])
    open_seen = False
    for position, index in enumerate(order):
        left_on = periods[index][1]
        if left_on is None:
            if open_seen:
                errors[index] = {
                    "left_on": _("Only one partnership period of a community can be open (without a leaving date).")
                }
                continue
            open_seen = True
        if any(periods_overlap(periods[index], periods[earlier]) for earlier in order[:position]):
            errors[index] = {"joined_on": str(OVERLAP_MESSAGE)}
    return errors


@transaction.atomic
def partnership_save(*, partnership: Partnership) -> Partnership:
    """Save a partnership period as edited (the admin's form has validated it); its community,
    and the one it was moved from, count as changed."""
    previous = Partnership.objects.filter(pk=partnership.pk).values_list("community_id", flat=True).first()
    partnership.save()
    community_touch(community_ids=[partnership.community_id, previous])  # type: ignore[list-item]  # None is skipped
    return partnership


@transaction.atomic
def partnership_delete(*, partnerships: QuerySet[Partnership]) -> int:
    """Delete partnership periods; their communities count as changed."""
    rows = list(partnerships.values_list("pk", "community_id"))
    deleted, _details = Partnership.objects.filter(pk__in=[pk for pk, _community in rows]).delete()
    community_touch(community_ids=[community for _pk, community in rows])
    return deleted
