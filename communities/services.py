"""Writes that carry the rules of a community's partnership with the programme."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communities.models import Community, LeaveReason, Partnership


@transaction.atomic
def partnership_start(*, community: Community, joined_on: date, note: str = "") -> Partnership:
    """Open a partnership period for ``community``. Fails if one is already open or the period
    overlaps an earlier one."""
    partnership = Partnership(community=community, joined_on=joined_on, note=note)
    partnership.full_clean()
    partnership.save()
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
    return partnership
