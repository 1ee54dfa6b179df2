"""Where a record was logged, from the phone's position: the rules and who may see it exactly.

An incident or an event may carry the phone's position (``latitude``, ``longitude`` and
``location_accuracy_m``), taken only when the user taps "use my location". It is personal data
(it can point at someone's home): partners never get it (they get the community's location), and
:func:`visible_location` is the one place that decides what a viewer sees of it: the stored point
for those who read personal data, the point rounded to ``LOCATION_DECIMALS_WITHOUT_PERSONAL_DATA``
decimals for everyone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.visibility import personal_data_shown

STORED_DECIMALS = 5  # ~1 m: the model's DecimalField(8, 5)
METRES_PER_DEGREE = 111_320
MAX_ACCURACY_M = 100_000  # a position less precise than 100 km says nothing a place name does not

BOTH_OR_NEITHER = _("A location needs both its latitude and its longitude.")
LATITUDE_RANGE = _("The latitude must be between -90 and 90.")
LONGITUDE_RANGE = _("The longitude must be between -180 and 180.")
ACCURACY_RANGE = _("The location's precision must be between 0 and 100 km.")
ACCURACY_WITHOUT_POINT = _("A precision was given without a location.")


# The fields that hold the phone's position, named alike on every record that has one.
POSITION_FIELDS = ("latitude", "longitude", "location_accuracy_m")


def location_fields() -> tuple[models.DecimalField, models.DecimalField, models.PositiveIntegerField]:
    """A record's ``latitude``, ``longitude`` and ``location_accuracy_m``, new fields each call."""
    return (
        models.DecimalField(_("latitude"), max_digits=8, decimal_places=STORED_DECIMALS, null=True, blank=True),
        models.DecimalField(_("longitude"), max_digits=8, decimal_places=STORED_DECIMALS, null=True, blank=True),
        models.PositiveIntegerField(
            _("location's precision (m)"),
            null=True,
            blank=True,
            help_text=_("Within how many metres the phone placed it, when its location was added."),
        ),
    )


def location_constraints(prefix: str) -> list[models.CheckConstraint]:
    """The database's own checks of those fields (``<prefix>_latitude_in_range``, …)."""
    return [
        models.CheckConstraint(
            condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
            name=f"{prefix}_latitude_in_range",
        ),
        models.CheckConstraint(
            condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
            name=f"{prefix}_longitude_in_range",
        ),
        models.CheckConstraint(
            condition=Q(location_accuracy_m__isnull=True) | Q(location_accuracy_m__lte=MAX_ACCURACY_M),
            name=f"{prefix}_location_accuracy_in_range",
        ),
    ]


def redact_text(record: Any, names: Sequence[str], marker: str, *, place: str) -> list[str]:
    """Write ``marker`` over ``record``'s text fields ``names`` (an empty one stays empty), not
    saved; the field ``place`` takes the phone's position with it. Returns the model fields
    changed, for the change history to be overwritten with them."""
    changed: list[str] = []
    for name in names:
        setattr(record, name, marker if getattr(record, name) else "")
        changed.append(name)
        if name == place:
            for position in POSITION_FIELDS:
                setattr(record, position, None)
            changed += POSITION_FIELDS
    return changed


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def round_to_stored(record: Any) -> None:
    """Round ``record``'s point to the ~1 m it is stored with (a phone gives more decimals), before
    the model's field checks; a value that is not a number is left for :func:`location_errors`."""
    step = Decimal(1).scaleb(-STORED_DECIMALS)
    for name in ("latitude", "longitude"):
        value = _decimal(getattr(record, name))
        if value is not None and abs(value) <= 180:
            setattr(record, name, value.quantize(step, rounding=ROUND_HALF_EVEN))


def location_errors(record: Any) -> dict[str, Any]:
    """The errors of ``record``'s position (for its ``clean()``): both coordinates or neither, each
    in its range, a precision only with a point."""
    errors: dict[str, Any] = {}
    latitude, longitude = _decimal(record.latitude), _decimal(record.longitude)
    if (record.latitude not in (None, "") and latitude is None) or (latitude is not None and not -90 <= latitude <= 90):
        errors["latitude"] = LATITUDE_RANGE
    if (record.longitude not in (None, "") and longitude is None) or (
        longitude is not None and not -180 <= longitude <= 180
    ):
        errors["longitude"] = LONGITUDE_RANGE
    if not errors and (latitude is None) != (longitude is None):
        errors["latitude"] = BOTH_OR_NEITHER
    accuracy = record.location_accuracy_m
    if accuracy is not None and not 0 <= accuracy <= MAX_ACCURACY_M:
        errors["location_accuracy_m"] = ACCURACY_RANGE
    elif accuracy is not None and latitude is None and longitude is None:
        errors["location_accuracy_m"] = ACCURACY_WITHOUT_POINT
    return errors


@dataclass(frozen=True)
class ShownLocation:
    latitude: Decimal
    longitude: Decimal
    accuracy_m: int | None
    """Within how many metres: the phone's precision, or the rounding's when that is coarser."""
    rounded: bool

    def __str__(self) -> str:
        text = f"{self.latitude}, {self.longitude}"
        return f"{text} ±{self.accuracy_m} m" if self.accuracy_m is not None else text


def rounding_metres(decimals: int) -> int:
    """How far a point rounded to ``decimals`` may be from the true one (half a step, north-south)."""
    return round(METRES_PER_DEGREE * 10.0**-decimals / 2)


def visible_location(record: Any, *, exact: bool | None = None) -> ShownLocation | None:
    """What a viewer may see of ``record``'s position: ``None`` without one; the stored point for a
    viewer who reads personal data (``exact``; default: the current request's viewer, as
    :func:`~privacy.visibility.personal_data_shown` says), else the point rounded to the setting's
    decimals, with a precision no finer than the rounding. Partners get neither: their API never
    has these fields."""
    latitude, longitude = _decimal(record.latitude), _decimal(record.longitude)
    if latitude is None or longitude is None:
        return None
    accuracy = record.location_accuracy_m
    if personal_data_shown() if exact is None else exact:
        return ShownLocation(latitude, longitude, accuracy, rounded=False)
    decimals = settings.LOCATION_DECIMALS_WITHOUT_PERSONAL_DATA
    step = Decimal(1).scaleb(-decimals)
    coarse = rounding_metres(decimals)
    return ShownLocation(
        latitude.quantize(step, rounding=ROUND_HALF_EVEN),
        longitude.quantize(step, rounding=ROUND_HALF_EVEN),
        max(accuracy or 0, coarse),
        rounded=True,
    )


def visible_coordinate(value: Any) -> Any:
    """One stored coordinate (a change history's old or new value) as the current viewer may see
    it: as stored for those who read personal data, else rounded like :func:`visible_location`."""
    number = _decimal(value)
    if number is None or personal_data_shown():
        return value
    step = Decimal(1).scaleb(-settings.LOCATION_DECIMALS_WITHOUT_PERSONAL_DATA)
    return number.quantize(step, rounding=ROUND_HALF_EVEN)
