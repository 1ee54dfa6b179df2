"""The personal data of registrants and of speakers, registered with ``privacy`` (from
``EventsConfig.ready``).

A speaker (``Person``: a speaker, moderator or official) is anonymised on request: the name goes
from past and future event pages, the contacts are emptied; their parts in events stay.

A registrant is a person: anonymised on request (by staff, or by the registrant from the link in
their confirmation), exported for subject access. The registration row stays, with its role,
community and attendance, for the event's counts; the name, address, question and accessibility
needs go.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from privacy.anonymous import REDACTED
from privacy.erasure import erased_ids, person_anonymise
from privacy.models import ErasureSource
from privacy.registry import (
    Actor,
    PersonKind,
    RetentionRule,
    register_free_text,
    register_person_kind,
    register_retention_rule,
    retention_rules,
)
from privacy.retention import cutoff

REGISTRANT = "registrant"
SPEAKER = "speaker"


def find_speaker(pk: int) -> Model | None:
    from events.models import Person

    return Person.objects.filter(pk=pk).first()


def _speaker_values(person: Any) -> list[str]:
    return [person.full_name, person.email, person.phone]


def _speaker_anonymise(person: Any, marker: str, actor: Actor) -> None:
    person.full_name = marker
    person.email = ""
    person.phone = ""
    person.position = ""
    person.save()


def _speaker_export(person: Any) -> dict[str, Any]:
    parts = person.contributions.select_related("event").order_by("event__date", "pk")
    return {
        "events": [
            {
                "id": part.event_id,
                "title": part.event.display_title,
                "date": part.event.date.isoformat(),
                "role": part.role,
            }
            for part in parts
        ]
    }


def find_registrant(pk: int) -> Model | None:
    from events.models import Registration

    return Registration.objects.select_related("event", "community").filter(pk=pk).first()


def _registrant_values(registration: Any) -> list[str]:
    return [registration.full_name, registration.email]


def _registrant_anonymise(registration: Any, marker: str, actor: Actor) -> None:
    registration.full_name = marker
    registration.email = ""
    registration.organisation = ""
    registration.question = REDACTED if registration.question else ""
    registration.accessibility_needs = ""
    registration.save()
    # What the registrant wrote in feedback is theirs too; the rating stays for the score.
    feedback = getattr(registration, "feedback", None)
    if feedback is not None and feedback.comment:
        feedback.comment = REDACTED
        feedback.save(update_fields=["comment"])


def _registrant_export(registration: Any) -> dict[str, Any]:
    event = registration.event
    return {
        "registration": {
            "id": registration.pk,
            "event": {"id": event.pk, "title": event.display_title, "date": event.date.isoformat()},
            "full_name": registration.full_name,
            "email": registration.email,
            "organisation": registration.organisation,
            "role": registration.get_role_display(),
            "community": str(registration.community) if registration.community else None,
            "question": registration.question,
            "accessibility_needs": registration.accessibility_needs,
            "language": registration.language,
            "consent_version": registration.consent.version,
            "consented_at": registration.consented_at.isoformat(),
            "status": registration.get_status_display(),
            "attended": registration.attended,
        }
    }


RETENTION_RULE = "event_registrants"


def registrants_kept_since(now: datetime | None = None) -> date:
    """The earliest event date whose registrants are still within their retention period."""
    rule = next(rule for rule in retention_rules() if rule.name == RETENTION_RULE)
    return cutoff(rule, now).date()


def _anonymise_expired_registrants(before: datetime, dry_run: bool) -> int:
    """Registrants of events held (or planned) before ``before``: the consent text promises their
    data is kept until a year after the event."""
    from events.models import Registration

    due = Registration.objects.filter(event__date__lt=before.date()).exclude(pk__in=erased_ids(REGISTRANT))
    if dry_run:
        return due.count()
    pks = list(due.values_list("pk", flat=True))
    for pk in pks:
        person_anonymise(kind=REGISTRANT, pk=pk, actor=None, reason="", source=ErasureSource.RETENTION)
    return len(pks)


def register() -> None:
    register_person_kind(
        PersonKind(
            name=REGISTRANT,
            label=_("Event registrant"),
            model="events.Registration",
            find=find_registrant,
            identifying_values=_registrant_values,
            anonymise=_registrant_anonymise,
            export=_registrant_export,
            personal_fields=("full_name", "email", "organisation", "question", "accessibility_needs"),
            admin_url=lambda registration: reverse("admin:events_registration_change", args=[registration.pk]),
        )
    )
    register_person_kind(
        PersonKind(
            name=SPEAKER,
            label=_("Speaker or official"),
            model="events.Person",
            find=find_speaker,
            identifying_values=_speaker_values,
            anonymise=_speaker_anonymise,
            export=_speaker_export,
            personal_fields=("full_name", "email", "phone", "position"),
            admin_url=lambda person: reverse("admin:events_person_change", args=[person.pk]),
        )
    )
    # Where a registrant may have typed someone's name: erasing that person scrubs it here too.
    register_free_text("events.Registration", ("question",))
    register_free_text("events.Feedback", ("comment",))
    register_retention_rule(
        RetentionRule(
            name=RETENTION_RULE,
            label=_("Registrants of past events"),
            setting="event_registrants_years",
            unit="years",
            enforce=_anonymise_expired_registrants,
        )
    )
