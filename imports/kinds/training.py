"""Training sessions of the School and who attended them; the negotiators' certification follows
(``training.services``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from imports.cells import CellError, normalise_name, parse_bool, parse_date
from imports.kinds.negotiators import find_negotiator
from imports.specs import (
    Column,
    Lookups,
    RecordType,
    RowRejected,
    community_columns,
    field_column,
    programme_column,
    register,
    resolve_community,
    resolve_programme,
    text_cell,
)
from negotiators.models import NegotiatorContact
from training.models import TITLE_LANGUAGES, Attendance, TrainingModule, TrainingSession
from training.services import attendance_record, session_save

DATE_HELP = _lazy("DD.MM.YYYY or YYYY-MM-DD.")


def module_column() -> Column:
    return field_column(
        TrainingSession,
        "module",
        text_cell(200),
        required=True,
        help=_lazy("The module's code (e.g. B1) or its title in any of the portal's languages."),
    )


def _titles(module: TrainingModule) -> set[str]:
    titles = [module.title, *(getattr(module, f"title_{language}") for language in TITLE_LANGUAGES)]
    return {normalise_name(title) for title in titles if title}


def find_module(text: str) -> TrainingModule:
    """The module a cell names, by its code or its title in any language; CellError otherwise."""
    modules = list(TrainingModule.objects.all())
    name = normalise_name(text)
    by_code = [module for module in modules if normalise_name(module.code) == name]
    if by_code:
        return by_code[0]
    by_title = [module for module in modules if name in _titles(module)]
    if len(by_title) == 1:
        return by_title[0]
    if by_title:
        raise CellError(_("Several modules are called “%(name)s”: write the module's code.") % {"name": text})
    raise CellError(_("No module has the code or title “%(name)s”.") % {"name": text})


def _resolve_module(values: dict[str, Any]) -> dict[str, Any]:
    try:
        return {**values, "module": find_module(values["module"])}
    except CellError as error:
        raise RowRejected({"module": str(error)}) from error


@register
class TrainingSessions(RecordType):
    key = "training-sessions"
    label = _lazy("training sessions")
    model = TrainingSession
    columns = (
        module_column(),
        field_column(TrainingSession, "starts_on", parse_date, required=True, help=DATE_HELP),
        field_column(TrainingSession, "ends_on", parse_date, help=_lazy("Empty: the day it starts.")),
        field_column(TrainingSession, "place", text_cell(200), required=True),
        field_column(
            TrainingSession,
            "host_community",
            text_cell(120),
            default=None,
            help=_lazy("Its name as in the portal, or its code; empty for a regional or online session."),
        ),
        community_columns()[1],  # the host community's region, when its name is not unique
        field_column(TrainingSession, "trainers", text_cell(300), default=""),
        field_column(TrainingSession, "notes", text_cell(), default=""),
        programme_column(),
    )

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        values = _resolve_module(values)
        region = values.pop("region", "") or ""
        if values.get("host_community"):
            try:
                values["host_community"] = lookups.community(values["host_community"], region)
            except CellError as error:
                raise RowRejected({"host_community": str(error)}) from error
        if values.get("ends_on") is None:
            values["ends_on"] = values["starts_on"]
        return resolve_programme(values)

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["module"].pk, values["starts_on"], normalise_name(values["place"]))

    def find(self, values: dict[str, Any]) -> Model | None:
        place = normalise_name(values["place"])
        sessions = TrainingSession.objects.filter(module=values["module"], starts_on=values["starts_on"])
        return next((session for session in sessions if normalise_name(session.place) == place), None)

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = super().fields(values)
        fields.pop("place")  # found by its place: a variant spelling is the same session
        return fields

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        return session_save(session=TrainingSession(**values), actor=actor)

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, TrainingSession)
        return session_save(session=instance, actor=actor)

    def describe(self, values: dict[str, Any]) -> str:
        module = values.get("module")
        parts = [getattr(module, "code", module), values.get("starts_on"), values.get("place")]
        return " · ".join(str(part) for part in parts if part not in (None, ""))


@register
class Attendances(RecordType):
    key = "attendance"
    label = _lazy("attendance")
    model = Attendance
    columns = (
        module_column(),
        field_column(
            TrainingSession,
            "starts_on",
            parse_date,
            required=True,
            help=_lazy("The day the session started: with the module, it tells which session."),
        ),
        field_column(
            TrainingSession,
            "place",
            text_cell(200),
            default="",
            help=_lazy("Only needed when the module had two sessions starting that day."),
        ),
        *community_columns(),
        field_column(
            NegotiatorContact,
            "full_name",
            text_cell(200),
            required=True,
            help=_lazy("The negotiator's name as in the portal, in the community of the row."),
        ),
        field_column(Attendance, "present", parse_bool, default=True, help=_lazy("Yes or no; empty: yes.")),
        field_column(Attendance, "completed", parse_bool, default=False, help=_lazy("Yes or no; empty: no.")),
    )

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        values = resolve_community(_resolve_module(values), lookups)
        module = values.pop("module")
        starts_on = values.pop("starts_on")
        place_text = values.pop("place", "") or ""
        place = normalise_name(place_text)
        sessions = [
            session
            for session in TrainingSession.objects.filter(module=module, starts_on=starts_on).order_by("pk")
            if not place or normalise_name(session.place) == place
        ]
        if not sessions:
            raise RowRejected(
                {
                    "starts_on": _("No session of module %(module)s started on %(date)s%(place)s: import it first.")
                    % {
                        "module": module.code,
                        "date": starts_on.strftime("%d.%m.%Y"),
                        "place": f" ({place_text})" if place_text else "",
                    }
                }
            )
        if len(sessions) > 1:
            raise RowRejected(
                {
                    "place": _("Module %(module)s had several sessions that day: write the place.")
                    % {"module": module.code}
                }
            )
        community = values.pop("community")
        negotiator = find_negotiator(community, values.pop("full_name"))
        if negotiator is None:
            raise RowRejected(
                {"full_name": _("No negotiator of %(community)s has this name.") % {"community": community}}
            )
        return {**values, "session": sessions[0], "negotiator": negotiator}

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["session"].pk, values["negotiator"].pk)

    def find(self, values: dict[str, Any]) -> Model | None:
        return Attendance.objects.filter(session=values["session"], negotiator=values["negotiator"]).first()

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        return {name: values[name] for name in ("present", "completed") if name in values}

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        return attendance_record(actor=actor, **values)

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, Attendance)
        return attendance_record(
            session=instance.session,
            negotiator=instance.negotiator,
            present=instance.present,
            completed=instance.completed,
            actor=actor,
        )

    def describe(self, values: dict[str, Any]) -> str:
        # Not the negotiator's name: the preview outlives the file.
        parts = [values.get("module"), values.get("starts_on"), values.get("community")]
        return " · ".join(str(part) for part in parts if part not in (None, ""))
