"""Negotiators with their contact (the personal data, encrypted and found through its blind index)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from imports.cells import normalise_name, parse_bool, parse_date
from imports.specs import (
    Lookups,
    RecordType,
    choice_column,
    community_columns,
    field_column,
    register,
    resolve_community,
    text_cell,
)
from negotiators.models import Negotiator, NegotiatorContact
from negotiators.services import negotiator_create, negotiator_update
from privacy.search import blind_index_q
from training.services import negotiator_refresh_status

CONTACT_FIELDS = ("full_name", "gender", "phone", "email")


def find_negotiator(community: Any, full_name: str) -> Negotiator | None:
    """The negotiator of ``community`` called ``full_name`` (case and apostrophes aside): the
    names are encrypted, so the blind index narrows the candidates and their names decide."""
    name = normalise_name(full_name)
    candidates = Negotiator.objects.filter(community=community).select_related("contact", "community")
    condition = blind_index_q("contact__search_index", full_name)
    if condition is not None:
        candidates = candidates.filter(condition)
    return next(
        (
            negotiator
            for negotiator in candidates.order_by("pk")
            if hasattr(negotiator, "contact") and normalise_name(negotiator.contact.full_name) == name
        ),
        None,
    )


@register
class Negotiators(RecordType):
    key = "negotiators"
    label = _("negotiators")
    model = Negotiator
    columns = (
        *community_columns(),
        field_column(NegotiatorContact, "full_name", text_cell(200), required=True, help=_("As in their passport.")),
        choice_column(NegotiatorContact, "gender", default=""),
        field_column(NegotiatorContact, "phone", text_cell(32), default=""),
        field_column(NegotiatorContact, "email", text_cell(254), default=""),
        choice_column(Negotiator, "cohort", required=True),
        field_column(Negotiator, "joined_on", parse_date, required=True, help=_("DD.MM.YYYY or YYYY-MM-DD.")),
        field_column(
            Negotiator,
            "certified_on",
            parse_date,
            help=_("Only for pilot graduates certified before their training was recorded; empty otherwise."),
        ),
        field_column(Negotiator, "is_active", parse_bool, default=True, help=_("Yes or no; empty: yes.")),
    )

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        return resolve_community(values, lookups)

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["community"].pk, normalise_name(values["full_name"]))

    def find(self, values: dict[str, Any]) -> Model | None:
        return find_negotiator(values["community"], values["full_name"])

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = super().fields(values)
        for name in ("community", *CONTACT_FIELDS):  # found by both; the contact is compared in related()
            fields.pop(name, None)
        if fields.get("certified_on") is None:
            # Empty: the date the training gives, if any, stays.
            fields.pop("certified_on", None)
        return fields

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        values = {name: value for name, value in values.items() if value is not None}
        if not values.get("gender"):
            values.pop("gender", None)
        negotiator = negotiator_create(actor=actor, **values)
        negotiator_refresh_status(negotiators=[negotiator], actor=actor)
        return negotiator

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, Negotiator)
        negotiator_update(negotiator=instance, actor=actor)
        negotiator_refresh_status(negotiators=[instance], actor=actor)
        return instance

    def related(self, instance: Model, values: dict[str, Any], *, actor: User) -> bool:
        """The contact's gender, phone and e-mail (a blank cell leaves what is on record)."""
        assert isinstance(instance, Negotiator)
        contact = instance.contact
        changed = False
        for name in ("gender", "phone", "email"):
            value = values.get(name)
            if value and getattr(contact, name) != value:
                setattr(contact, name, value)
                changed = True
        if changed:
            negotiator_update(negotiator=instance, contact=contact, actor=actor)
        return changed

    def describe(self, values: dict[str, Any]) -> str:
        # Not the name: the preview is kept with the job after the file (and its names) is gone.
        parts = [values.get("community"), values.get("joined_on")]
        return " · ".join(str(part) for part in parts if part not in (None, ""))
