"""Outreach events with their participants' breakdown."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from imports.cells import normalise_name, parse_bool, parse_date, parse_int
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
    words,
)
from negotiators.models import OutreachEvent
from negotiators.services import event_log, event_update

BREAKDOWN = (
    "participants_women",
    "participants_men",
    "participants_youth",
    "participants_idps",
    "participants_veterans",
    "participants_vulnerable",
)
PRESENT = ("police_present", "local_government_present", "ngos_present")


@register
class Events(RecordType):
    key = "events"
    label = _("outreach events")
    model = OutreachEvent
    columns = (
        *community_columns(),
        field_column(OutreachEvent, "date", parse_date, required=True, help=_("DD.MM.YYYY or YYYY-MM-DD.")),
        choice_column(OutreachEvent, "kind", required=True),
        field_column(OutreachEvent, "title", text_cell(200), required=True),
        choice_column(OutreachEvent, "topic", required=True),
        field_column(OutreachEvent, "place", text_cell(200), default=""),
        field_column(OutreachEvent, "participants_total", parse_int, required=True, help=_("Everyone who took part.")),
        *(
            field_column(OutreachEvent, name, parse_int, default=0, help=_("Part of the participants; 0 if unknown."))
            for name in BREAKDOWN
        ),
        *(field_column(OutreachEvent, name, parse_bool, default=False, help=_("Yes or no.")) for name in PRESENT),
        field_column(OutreachEvent, "summary", text_cell(), default=""),
        field_column(OutreachEvent, "internal_notes", text_cell(), default=""),
        programme_column(),
    )

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        return resolve_programme(resolve_community(values, lookups))

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["community"].pk, values["date"], values["kind"], normalise_name(values["title"]))

    def find(self, values: dict[str, Any]) -> Model | None:
        title = normalise_name(values["title"])
        same_day = OutreachEvent.objects.filter(community=values["community"], date=values["date"], kind=values["kind"])
        return next((event for event in same_day if normalise_name(event.title) == title), None)

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = super().fields(values)
        fields.pop("title")  # found by its title: a variant spelling is the same event
        return fields

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        return event_log(actor=actor, **values)

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, OutreachEvent)
        return event_update(event=instance, actor=actor)

    def describe(self, values: dict[str, Any]) -> str:
        return words([values.get("date"), values.get("community"), values.get("title")])
