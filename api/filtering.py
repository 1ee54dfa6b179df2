"""What every collection's filter set shares: ``updated_since`` for incremental sync, the
``date_after``/``date_before`` pair on the collection's own date, ``community``/``region`` and
``ordering``. Bad values are a 400 naming the parameter, never a silent empty page."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField


class IntegerFilter(django_filters.Filter):
    """A whole number (``NumberFilter`` would accept ``1.5``)."""

    field_class = forms.IntegerField


class IdFilter(IntegerFilter):
    """A record id: within the database's bigint, so that no value reaches the database as an
    overflow (SQLite raises instead of finding nothing)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class MomentField(IsoDateTimeField):
    """An ISO 8601 moment, normalised to UTC: PostgreSQL refuses offsets beyond ±15:59 that
    Python accepts, and a moment that does not fit in UTC is simply not a valid value."""

    def to_python(self, value: str | datetime | date | None) -> datetime | None:
        moment: datetime | None = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(_("This moment is out of range."), code="invalid") from None


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


def day_start(day: date) -> datetime:
    """The first moment of ``day`` in the portal's time zone, in UTC (``OverflowError`` if that
    moment does not fit: 0001-01-01 in Kyiv begins on 31 December of year 0 in UTC)."""
    return timezone.make_aware(datetime.combine(day, time.min)).astimezone(UTC)


class DayField(forms.DateField):
    """A date whose day (for ``until``, the day after it) begins at a moment that fits in UTC, so
    that a far-off date is a 400 naming the parameter rather than a crash in the query."""

    def __init__(self, *args: Any, until: bool = False, **kwargs: Any) -> None:
        self.until = until
        super().__init__(*args, **kwargs)

    def to_python(self, value: str | datetime | date | None) -> date | None:
        day = super().to_python(value)
        if day is None or (self.until and day == date.max):
            return day
        try:
            day_start(day + timedelta(days=1) if self.until else day)
        except OverflowError:
            raise forms.ValidationError(_("This date is out of range."), code="invalid") from None
        return day


class DayStartFilter(django_filters.DateFilter):
    """A date compared with a date-and-time field: whole days in the portal's time zone, as the
    field's index can serve (``__date`` lookups cannot use it)."""

    field_class = DayField

    def __init__(self, *args: Any, until: bool = False, **kwargs: Any) -> None:
        self.until = until
        super().__init__(*args, until=until, **kwargs)

    def filter(self, qs: QuerySet[Any], value: date | None) -> QuerySet[Any]:
        # None is among EMPTY_VALUES; testing it apart lets mypy narrow value to a date.
        if value is None or value in django_filters.constants.EMPTY_VALUES:
            return qs
        if self.until:
            if value == date.max:
                return qs
            value += timedelta(days=1)
        lookup = "lt" if self.until else "gte"
        filtered: QuerySet[Any] = self.get_method(qs)(**{f"{self.field_name}__{lookup}": day_start(value)})
        return filtered


def date_range(field_name: str, *, moment: bool = False) -> tuple[django_filters.Filter, django_filters.Filter]:
    """``date_after`` and ``date_before`` (both inclusive, ``YYYY-MM-DD``) on ``field_name``."""
    after_help = _("Only records on or after this date (YYYY-MM-DD).")
    before_help = _("Only records on or before this date (YYYY-MM-DD).")
    if moment:
        return (
            DayStartFilter(field_name=field_name, help_text=after_help),
            DayStartFilter(field_name=field_name, until=True, help_text=before_help),
        )
    return (
        django_filters.DateFilter(field_name=field_name, lookup_expr="gte", help_text=after_help),
        django_filters.DateFilter(field_name=field_name, lookup_expr="lte", help_text=before_help),
    )


def community_filter(field_name: str = "community_id") -> IdFilter:
    return IdFilter(field_name=field_name, help_text=_("Only records of this community (its id)."))


def region_filter(field_name: str = "community__region_id") -> IdFilter:
    return IdFilter(field_name=field_name, help_text=_("Only records of communities in this region (its id)."))


def ordering(*fields: str) -> django_filters.OrderingFilter:
    return django_filters.OrderingFilter(
        fields=fields,
        help_text=_("Sort by these fields, comma-separated; a leading minus sorts descending."),
    )


class ApiFilterSet(django_filters.FilterSet):
    updated_since = MomentFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_(
            "Only records created or changed at or after this moment (ISO 8601, e.g. 2025-07-01T00:00:00Z): "
            "for incremental sync."
        ),
    )

    def get_form_class(self) -> type[forms.Form]:
        # django-filter builds a new form class on every request; the filters here do not depend
        # on the request, so one class per filter set does (about a millisecond a request).
        cls = type(self)
        form_class: type[forms.Form] | None = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._form_class = form_class
        return form_class

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        after = self.form.cleaned_data.get("date_after")
        before = self.form.cleaned_data.get("date_before")
        if after and before and after > before:
            self.form.add_error("date_before", _("The end of the period is before its start."))
            return False
        return True
