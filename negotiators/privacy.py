"""The personal data of negotiators, registered with ``privacy`` (from ``NegotiatorsConfig.ready``).

A negotiator's contact is a person: anonymised on request (the negotiator row, its status and its
events stay for the statistics), exported for subject access, and its change history loses the
personal fields after the retention period. Every lookup of a contact is :func:`find_contact`.

An outreach event's free text (its place, with the phone's position, its summary and its internal
notes) can be redacted, and its change history loses that text and the position after the
retention period, as an incident's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from privacy.anonymous import ANONYMISED_PREFIX
from privacy.location import POSITION_FIELDS
from privacy.registry import (
    Actor,
    PersonKind,
    RedactableKind,
    register_free_text,
    register_person_kind,
    register_redactable,
    register_retention_rule,
)
from privacy.retention import blank_text, forget_value, history_fields_rule

CONTACT = "contact"
EVENT = "event"
# The event's text fields a redaction may cover: where, what was said to partners, what was not.
EVENT_TEXT_FIELDS = ("place", "summary", "internal_notes")


def find_contact(pk: int) -> Model | None:
    from negotiators.models import NegotiatorContact

    return NegotiatorContact.objects.select_related("negotiator__community", "negotiator__user").filter(pk=pk).first()


def _contact_values(contact: Any) -> list[str]:
    values = [contact.full_name, contact.phone, contact.email]
    user = contact.negotiator.user
    if user is not None:
        values += [user.get_full_name(), user.email]
    return values


def _contact_anonymise(contact: Any, marker: str, actor: Actor) -> None:
    # Gender stays: the statistics count it.
    contact.full_name = marker
    contact.phone = ""
    contact.email = ""
    contact.notes = ""
    contact._history_user = actor
    contact.save()
    user = contact.negotiator.user
    if user is not None:
        # The login keeps its username (staff rename or deactivate it); its name and address go.
        user.first_name = user.last_name = user.email = ""
        user.save(update_fields=["first_name", "last_name", "email"])


def _contact_export(contact: Any) -> dict[str, Any]:
    negotiator = contact.negotiator
    events = negotiator.events.select_related("community").order_by("date", "pk")
    return {
        "negotiator": {
            "id": negotiator.pk,
            "community": str(negotiator.community),
            "cohort": negotiator.get_cohort_display(),
            "status": negotiator.get_status_display(),
            "joined_on": negotiator.joined_on.isoformat(),
            "certified_on": negotiator.certified_on.isoformat() if negotiator.certified_on else None,
            "active": negotiator.is_active,
            "login": negotiator.user.get_username() if negotiator.user else None,
        },
        "events_organised": [
            {"id": e.pk, "date": e.date.isoformat(), "title": e.display_title, "community": str(e.community)}
            for e in events
        ],
    }


def find_event(pk: int) -> Model | None:
    from negotiators.models import OutreachEvent

    return OutreachEvent.objects.filter(pk=pk).first()


def _event_redact(event: Any, fields: Sequence[str], marker: str, actor: Actor) -> list[str]:
    from negotiators.services import event_redact_text

    return event_redact_text(event=event, fields=fields, marker=marker, actor=actor)


def register() -> None:
    register_person_kind(
        PersonKind(
            name=CONTACT,
            label=_("Negotiator's contact"),
            model="negotiators.NegotiatorContact",
            find=find_contact,
            identifying_values=_contact_values,
            anonymise=_contact_anonymise,
            export=_contact_export,
            personal_fields=("full_name", "phone", "email", "notes"),
            past_identifying_fields=("full_name", "phone", "email"),
            admin_url=lambda contact: reverse("admin:negotiators_negotiatorcontact_change", args=[contact.pk]),
        )
    )
    register_free_text("negotiators.OutreachEvent", ("title", "place", "summary", "internal_notes"))
    register_free_text("negotiators.MediaMention", ("title",))
    register_redactable(
        RedactableKind(
            name=EVENT,
            label=_("outreach event"),
            find=find_event,
            fields={
                "place": _("place (and the phone's position)"),
                "summary": _("summary"),
                "internal_notes": _("internal notes"),
            },
            redact=_event_redact,
            admin_url=lambda event: reverse("admin:negotiators_outreachevent_change", args=[event.pk]),
        )
    )
    register_retention_rule(
        history_fields_rule(
            name="event_history_text",
            label=_("Free text and positions in the outreach events' change history"),
            model="negotiators.OutreachEvent",
            replacements={
                **dict.fromkeys(EVENT_TEXT_FIELDS, blank_text),
                **dict.fromkeys(POSITION_FIELDS, forget_value),
            },
        )
    )
    register_retention_rule(
        history_fields_rule(
            name="contact_history",
            label=_("Personal fields in the negotiator contacts' change history"),
            model="negotiators.NegotiatorContact",
            replacements={
                "full_name": lambda value: value if value.startswith(ANONYMISED_PREFIX) else ANONYMISED_PREFIX,
                "phone": lambda value: "",
                "email": lambda value: "",
                "notes": lambda value: "",
            },
        )
    )
