"""Incidents (cases) as they are described, without their parties: names of people are not
imported from spreadsheets. The status moves along the workflow, as it does in the admin."""

from __future__ import annotations

import re
from collections import deque
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from imports.cells import CellError, normalise_name, parse_bool, parse_date, parse_decimal, parse_text
from imports.specs import (
    Lookups,
    RecordType,
    choice_column,
    community_columns,
    field_column,
    programme_column,
    register,
    resolve_community,
    resolve_programme,
    text_cell,
)
from incidents.models import TRANSITIONS, Incident, IncidentStatus
from incidents.services import incident_report, incident_transition, incident_update

TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::\d{2})?")
# A case whose time of day is not known happened at midday, as referrals dated by day are logged.
MIDDAY = time(12)
MOMENT_HELP = _lazy("DD.MM.YYYY, with the time (HH:MM) when it is known.")


def parse_moment(value: Any) -> datetime:
    """A date (and time) cell as a moment in the portal's time zone; a date alone is midday."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    day = parse_date(value)
    moment = MIDDAY
    if isinstance(value, str) and (match := TIME.search(value.strip()[8:])):
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours > 23 or minutes > 59:
            raise CellError(_("There is no such time as %(value)s.") % {"value": match.group(0)})
        moment = time(hours, minutes)
    return timezone.make_aware(datetime.combine(day, moment))


def _coordinate(value: Any) -> Any:
    return parse_decimal(value, places=5)


def status_path(start: str, goal: str) -> list[str]:
    """The moves the workflow allows from ``start`` to ``goal`` (none: ``goal`` is ``start``);
    ValidationError when no path leads there."""
    paths: deque[list[str]] = deque([[start]])
    seen = {start}
    while paths:
        path = paths.popleft()
        if path[-1] == goal:
            return path[1:]
        for following in TRANSITIONS[IncidentStatus(path[-1])]:
            if following not in seen:
                seen.add(following)
                paths.append([*path, following])
    raise ValidationError(
        {
            "status": _("A case that is “%(from)s” cannot become “%(to)s”.")
            % {"from": IncidentStatus(start).label, "to": IncidentStatus(goal).label}
        }
    )


@register
class Incidents(RecordType):
    key = "incidents"
    label = _lazy("incidents")
    model = Incident
    columns = (
        *community_columns(),
        field_column(Incident, "occurred_at", parse_moment, required=True, help=MOMENT_HELP),
        choice_column(Incident, "category", required=True),
        field_column(Incident, "title", text_cell(200), required=True),
        choice_column(Incident, "severity", default=None),
        choice_column(
            Incident,
            "status",
            default=None,
            help=_lazy("Empty: reported (a new case) or as it is; a case moves only along the workflow."),
        ),
        field_column(
            Incident,
            "closed_at",
            parse_moment,
            help=_lazy("When a closed case was closed; empty: the day of the import."),
        ),
        field_column(Incident, "description", parse_text, default=""),
        field_column(Incident, "location", text_cell(200), default=""),
        field_column(Incident, "latitude", _coordinate),
        field_column(Incident, "longitude", _coordinate),
        choice_column(Incident, "source", default=None),
        field_column(Incident, "police_involved", parse_bool, default=False, help=_lazy("Yes or no.")),
        field_column(Incident, "internal_notes", parse_text, default=""),
        programme_column(),
    )

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        values = resolve_programme(resolve_community(values, lookups))
        if values.get("severity") is not None:
            values["severity"] = int(values["severity"])
        return values

    def _day(self, values: dict[str, Any]) -> date:
        return timezone.localdate(values["occurred_at"])

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["community"].pk, self._day(values), normalise_name(values["title"]))

    def find(self, values: dict[str, Any]) -> Model | None:
        title = normalise_name(values["title"])
        same_day = Incident.objects.filter(community=values["community"], occurred_at__date=self._day(values))
        return next((incident for incident in same_day.order_by("pk") if normalise_name(incident.title) == title), None)

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = super().fields(values)
        # Found by its community, day and title; the status (and when it closed) moves in related().
        for name in ("community", "title", "status", "closed_at"):
            fields.pop(name, None)
        for name in ("severity", "source"):  # empty: as it is
            if fields.get(name) is None:
                fields.pop(name, None)
        return fields

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        described = {
            name: value
            for name, value in values.items()
            if name not in ("status", "closed_at", "latitude", "longitude") and value is not None
        }
        incident = incident_report(actor=actor, **described)
        if values.get("latitude") is not None or values.get("longitude") is not None:
            incident.latitude, incident.longitude = values.get("latitude"), values.get("longitude")
            incident_update(incident=incident, actor=actor)
        return incident

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, Incident)
        return incident_update(incident=instance, actor=actor)

    def related(self, instance: Model, values: dict[str, Any], *, actor: User) -> bool:
        """The status, moved along the workflow (a resolved case passes through in progress)."""
        assert isinstance(instance, Incident)
        goal = values.get("status")
        if not goal or goal == instance.status:
            return False
        try:
            for status in status_path(instance.status, goal):
                instance = incident_transition(
                    incident=instance, to_status=status, actor=actor, performed_at=values.get("closed_at")
                )
        except ValidationError as error:
            # The moment of the moves is the row's closing date.
            if hasattr(error, "error_dict") and "performed_at" in error.error_dict:
                raise ValidationError({"closed_at": error.message_dict["performed_at"]}) from error
            raise
        return True

    def describe(self, values: dict[str, Any]) -> str:
        moment = values.get("occurred_at")
        parts = [timezone.localdate(moment) if isinstance(moment, datetime) else moment, values.get("community")]
        return " · ".join(str(part) for part in [*parts, values.get("title")] if part not in (None, ""))
