"""What every collection's filter set shares: ``updated_since`` for incremental sync, the
``date_after``/``date_before`` pair on the collection's own date, ``community``/``region`` and
``ordering``. Bad values are a 400 naming the parameter, never a silent empty page; so are
parameters a collection does not take and single-value parameters given twice
(:func:`check_query`), which would otherwise be ignored and return every row."""

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.forms.utils import pretty_name
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.request import Request


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


class StrictBooleanField(forms.Field):
    """``true`` or ``false``, nothing else (django-filter's boolean reads ``maybe`` as no filter at
    all); empty is the same as leaving the parameter out."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Use true or false.")}

    def to_python(self, value: object) -> bool | None:
        if value in (None, ""):
            return None
        if value in ("true", True):
            return True
        if value in ("false", False):
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value: bool | None) -> None:
        # A boolean filter is never required, and False is a value, not an empty one.
        pass


class BooleanFilter(django_filters.BooleanFilter):
    """A yes-or-no filter: ``true`` or ``false`` (anything else is a 400)."""

    field_class = StrictBooleanField


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


def programme_filter(field_name: str = "programme_id") -> IdFilter:
    return IdFilter(field_name=field_name, help_text=_("Only records of this programme (its id)."))


def region_filter(field_name: str = "community__region_id") -> IdFilter:
    return IdFilter(field_name=field_name, help_text=_("Only records of communities in this region (its id)."))


def _descending(fmt: object, label: object) -> str:
    return str(fmt) % label


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's, with the labels of descending choices translated when shown rather than
    when the filter set is defined (in the default language: they reached the schema in
    Ukrainian)."""

    def build_choices(self, fields: dict[str, str], labels: dict[str, Any]) -> list[tuple[str, Any]]:
        descending = lazy(_descending, str)
        choices: list[tuple[str, Any]] = []
        for field, param in fields.items():
            label: Any = labels.get(field, _(pretty_name(param)))
            choices += [(param, label), (f"-{param}", labels.get(f"-{param}", descending(self.descending_fmt, label)))]
        return choices


def ordering(*fields: str) -> OrderingFilter:
    """``ordering=a,-b``, or the same repeated: ``ordering=a&ordering=-b`` (see :func:`query_data`)."""
    return OrderingFilter(
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


def multi_value_parameters(filterset_class: type[django_filters.FilterSet]) -> set[str]:
    """The parameters of a filter set that take several values (``ordering``): comma-separated, or
    the parameter repeated."""
    return {
        name
        for name, spec in filterset_class.base_filters.items()
        if isinstance(spec, django_filters.filters.BaseCSVFilter)
    }


def check_query(query: QueryDict, known: Collection[str], multi: Collection[str] = ()) -> None:
    """A 400 naming every query parameter that is not in ``known``, and every one of them but
    ``multi`` given more than once: ignored, they would quietly return unfiltered rows."""
    errors: dict[str, list[str]] = {}
    for name in query:
        if name not in known:
            errors[name] = [
                str(_("Unknown parameter; this URL takes: %(known)s.") % {"known": ", ".join(sorted(known))})
            ]
        elif name not in multi and len(query.getlist(name)) > 1:
            errors[name] = [str(_("Give this parameter once."))]
    if errors:
        raise exceptions.ValidationError(errors)


def query_data(query: QueryDict, multi: Collection[str]) -> QueryDict:
    """The query as the filter set reads it: a repeated multi-value parameter joined with commas
    (``ordering=a&ordering=-b`` is ``ordering=a,-b``)."""
    repeated = [name for name in multi if len(query.getlist(name)) > 1]
    if not repeated:
        return query
    data = query.copy()
    for name in repeated:
        data.setlist(name, [",".join(query.getlist(name))])
    return data


class ApiFilterBackend(DjangoFilterBackend):
    """django-filter's backend, reading repeated multi-value parameters as one (the parameters
    themselves are checked by the view, :meth:`api.viewsets.ScopedViewSet.check_query`)."""

    def get_filterset_kwargs(self, request: Request, queryset: QuerySet[Any], view: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_filterset_kwargs(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            kwargs["data"] = query_data(kwargs["data"], multi_value_parameters(filterset_class))
        return kwargs
