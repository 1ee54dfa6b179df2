"""The personal data of incidents, registered with ``privacy`` (called from ``IncidentsConfig.ready``).

Parties are people: they can be anonymised, exported, and are anonymised by retention once their
case has been closed long enough. An incident's free text can be redacted. Every lookup of a party
is :func:`find_party` (by id; the one place to change if parties are ever looked up otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from privacy.erasure import erased_ids, person_anonymise
from privacy.location import POSITION_FIELDS
from privacy.models import ErasureSource
from privacy.registry import (
    Actor,
    PersonKind,
    RedactableKind,
    RetentionRule,
    register_free_text,
    register_person_kind,
    register_person_links,
    register_redactable,
    register_retention_rule,
)
from privacy.retention import blank_text, forget_value, history_fields_rule

PARTY = "party"
INCIDENT = "incident"
# The incident's own text fields that a redaction may cover ("actions" is the log's descriptions).
INCIDENT_TEXT_FIELDS = ("description", "location", "internal_notes")


def find_party(pk: int) -> Model | None:
    from incidents.models import IncidentParty

    return IncidentParty.objects.select_related("incident__community").filter(pk=pk).first()


def find_incident(pk: int) -> Model | None:
    from incidents.models import Incident

    return Incident.objects.filter(pk=pk).first()


def _party_values(party: Any) -> list[str]:
    return [party.full_name, party.phone]


def _party_anonymise(party: Any, marker: str, actor: Actor) -> None:
    # Role and "minor" stay: they are what the statistics count.
    party.full_name = marker
    party.phone = ""
    party.notes = ""
    party.save()


def incident_summary(incident: Any) -> dict[str, Any]:
    """What a person's export says about a case: no description, notes or other parties."""
    return {
        "id": incident.pk,
        "title": incident.display_title,
        "community": str(incident.community),
        "category": incident.get_category_display(),
        "status": incident.get_status_display(),
        "occurred_at": incident.occurred_at.isoformat(),
        "closed_at": incident.closed_at.isoformat() if incident.closed_at else None,
    }


def _party_export(party: Any) -> dict[str, Any]:
    return {"incident": incident_summary(party.incident), "role": party.get_role_display()}


def _incidents_in_charge(contact: Any) -> list[dict[str, Any]]:
    from incidents.models import Incident

    cases = Incident.objects.filter(negotiator_id=contact.pk).select_related("community")
    return [incident_summary(incident) for incident in cases]


def _incident_redact(incident: Any, fields: Sequence[str], marker: str, actor: Actor) -> list[str]:
    from incidents.services import incident_redact_text

    return incident_redact_text(incident=incident, fields=fields, marker=marker, actor=actor)


def _anonymise_expired_parties(before: datetime, dry_run: bool) -> int:
    from incidents.models import IncidentParty

    due = IncidentParty.objects.filter(incident__closed_at__lt=before).exclude(pk__in=erased_ids(PARTY))
    if dry_run:
        return due.count()
    pks = list(due.values_list("pk", flat=True))
    for pk in pks:
        person_anonymise(kind=PARTY, pk=pk, actor=None, reason="", source=ErasureSource.RETENTION)
    return len(pks)


def register() -> None:
    register_person_kind(
        PersonKind(
            name=PARTY,
            label=_("Party of an incident"),
            model="incidents.IncidentParty",
            find=find_party,
            identifying_values=_party_values,
            anonymise=_party_anonymise,
            export=_party_export,
            personal_fields=("full_name", "phone", "notes"),
            admin_url=lambda party: reverse("admin:incidents_incident_change", args=[party.incident_id]),  # type: ignore[attr-defined]
        )
    )
    register_person_links("contact", "incidents_in_charge", _incidents_in_charge)
    register_free_text("incidents.Incident", ("title", "description", "location", "internal_notes"))
    register_free_text("incidents.IncidentAction", ("description",))
    register_free_text("incidents.IncidentParty", ("notes",))
    register_redactable(
        RedactableKind(
            name=INCIDENT,
            label=_("incident"),
            find=find_incident,
            fields={
                "description": _("what happened"),
                "location": _("where (and the coordinates)"),
                "internal_notes": _("internal notes"),
                "actions": _("descriptions of the logged actions"),
            },
            redact=_incident_redact,
            admin_url=lambda incident: reverse("admin:incidents_incident_change", args=[incident.pk]),
        )
    )
    register_retention_rule(
        RetentionRule(
            name="incident_parties",
            label=_("Parties of closed incidents"),
            setting="incident_parties_years",
            unit="years",
            enforce=_anonymise_expired_parties,
        )
    )
    register_retention_rule(
        history_fields_rule(
            name="incident_history_text",
            label=_("Free text and positions in the incidents' change history"),
            model="incidents.Incident",
            replacements={
                **dict.fromkeys(INCIDENT_TEXT_FIELDS, blank_text),
                **dict.fromkeys(POSITION_FIELDS, forget_value),
            },
        )
    )
    register_retention_rule(
        history_fields_rule(
            name="incident_action_history_text",
            label=_("What was done, in the change history of the incidents' actions"),
            model="incidents.IncidentAction",
            replacements={"description": blank_text},
        )
    )
