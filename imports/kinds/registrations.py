"""Registrations for a webinar or another public event taken outside the portal (a paper list,
another tool's form), imported after the event has begun.

A registrant's name and address are personal data: the preview of a row names the event, the role
and the community, never the person; the import sends no mail (``events.services.registration_import``)
and the rows are registrations like the public page's, erased on request and by the retention rule.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import AudienceRole, Registration, email_token
from events.services import NO_CONSENT_MESSAGE, registration_import
from imports.cells import normalise_name, parse_bool, parse_date
from imports.specs import (
    Column,
    Lookups,
    RecordType,
    RowRejected,
    choice_column,
    community_columns,
    field_column,
    register,
    resolve_community,
    text_cell,
)
from negotiators.models import OutreachEvent

# What a spreadsheet of registrations says about the consent; only the registration's own fields
# are compared with a registration on record.
NOT_FIELDS = ("event_date", "event_title", "consent", "consented_on", "region")


def event_slug(text: str) -> str:
    """The event's address from the address itself or its public page's link (…/e/<address>/…)."""
    path = text.strip().split("?")[0].split("#")[0]
    if "/e/" in path:
        return path.split("/e/", 1)[1].strip("/").split("/")[0]
    return path.strip("/").rpartition("/")[2]


@register
class WebinarRegistrations(RecordType):
    key = "webinar-registrations"
    label = gettext_lazy("event registrations")
    model = Registration
    columns = (
        Column(
            "event",
            gettext_lazy("event"),
            text_cell(300),
            default="",
            help=gettext_lazy("The event's address (its public page /e/<address>/, or that link)."),
        ),
        Column(
            "event_date",
            gettext_lazy("event date"),
            parse_date,
            help=gettext_lazy("Without the address: the event's date, with its title."),
        ),
        Column(
            "event_title",
            gettext_lazy("event title"),
            text_cell(200),
            default="",
            help=gettext_lazy("Without the address: the event's title, with its date."),
        ),
        field_column(Registration, "full_name", text_cell(200), required=True),
        field_column(
            Registration,
            "email",
            text_cell(254),
            required=True,
            help=gettext_lazy("One registration per address and event."),
        ),
        field_column(Registration, "organisation", text_cell(200), default=""),
        choice_column(Registration, "role", required=True),
        *community_columns(
            required=False, help=gettext_lazy("The registrant's community, by its name or code; may be empty.")
        ),
        choice_column(
            Registration,
            "language",
            default=settings.LANGUAGE_CODE,
            help=gettext_lazy("The language of the mail the registrant gets later (the materials)."),
        ),
        Column(
            "consent",
            gettext_lazy("consent to data processing"),
            parse_bool,
            required=True,
            help=gettext_lazy(
                "Yes only if the person agreed to the processing of their data when registering; "
                "a row without it is refused."
            ),
        ),
        Column(
            "consented_on",
            gettext_lazy("consent given on"),
            parse_date,
            help=gettext_lazy("When the person agreed; empty: the day of the import."),
        ),
    )

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        if not values["consent"]:
            # Refused even when the registration is on record unchanged: the file says no consent.
            raise RowRejected({"consent": str(NO_CONSENT_MESSAGE)})
        if values.get("community"):
            values = resolve_community(values, lookups)
        else:
            values = {**values, "community": None}
            values.pop("region", None)
        values["event"] = self._event(values)
        values["email"] = values["email"].strip()
        return values

    def _event(self, values: dict[str, Any]) -> OutreachEvent:
        if values.get("event"):
            slug = event_slug(values["event"])
            event = OutreachEvent.objects.filter(slug=slug).first() if slug else None
            if event is None:
                raise RowRejected({"event": _("No event has the address “%(address)s”.") % {"address": slug}})
            return event
        if not (values.get("event_date") and values.get("event_title")):
            raise RowRejected({"event": _("Name the event: its address, or its date and title.")})
        title = normalise_name(values["event_title"])
        same_day = OutreachEvent.objects.filter(date=values["event_date"])
        found = [event for event in same_day if normalise_name(event.title) == title]
        if not found:
            raise RowRejected({"event_title": _("No event of this date has this title.")})
        if len(found) > 1:
            raise RowRejected({"event": _("Several events of this date have this title: give the event's address.")})
        return found[0]

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["event"].pk, email_token(values["email"]))

    def find(self, values: dict[str, Any]) -> Model | None:
        return Registration.objects.filter(event=values["event"], email_token=email_token(values["email"])).first()

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = super().fields(values)
        for name in (*NOT_FIELDS, "event", "email"):  # the event and address found the registration
            fields.pop(name, None)
        return fields

    def _registration_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in values.items() if name not in NOT_FIELDS}

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        registration = Registration(**self._registration_fields(values))
        if values.get("consented_on"):
            registration.consented_at = timezone.make_aware(datetime.combine(values["consented_on"], time(12)))
        return registration_import(registration=registration, consent_given=values["consent"], actor=actor)

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, Registration)
        return registration_import(registration=instance, consent_given=values["consent"], actor=actor)

    def describe(self, values: dict[str, Any]) -> str:
        # Never the name or address: the import's preview is kept, and erasure does not reach it.
        event = values.get("event") or " ".join(
            str(part) for part in (values.get("event_date"), values.get("event_title")) if part
        )
        role = values.get("role")
        parts = [event, role and _role_label(role), values.get("community")]
        return " · ".join(str(part) for part in parts if part not in (None, ""))


def _role_label(role: str) -> str:
    return str(AudienceRole(role).label) if role in AudienceRole.values else role
