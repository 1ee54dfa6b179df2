"""What case work holds of people, registered with ``privacy`` (from ``CaseworkConfig.ready``).

A beneficiary is a person: they can be exported (subject access: everything the case work holds
about them) and anonymised. Anonymising them empties their identifying data (the name becomes
the anonymous marker) and overwrites the free text of their cases (summaries, contacts' notes,
needs, the plan, referral reasons and feedback, reasons of status moves), the change history of
each of those records included: their text is encrypted, which the erasure machinery's search of
the history tables cannot read, so it is overwritten here, record by record. Sex, age group,
vulnerabilities, statuses, dates and outcomes stay: the figures count them.

The retention rule anonymises the people whose cases have all been closed for longer than
``RETENTION_CASES_YEARS`` (and those registered that long ago who never had a case); the nightly
beat task runs it with the others. A case's free text can also be redacted on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Max, Model, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.changes import bulk_written
from privacy.anonymous import REDACTED
from privacy.erasure import own_history, person_anonymise
from privacy.fields import BlindIndexField
from privacy.models import ErasureSource
from privacy.registry import (
    Actor,
    PersonKind,
    RedactableKind,
    RetentionRule,
    register_free_text,
    register_person_kind,
    register_redactable,
    register_retention_rule,
)

BENEFICIARY = "beneficiary"
CASE = "case"
# The identifying data overwritten on anonymising (the name becomes the marker, the rest empty).
IDENTITY_FIELDS = ("full_name", "year_of_birth", "phone", "email", "address", "document_number", "notes")
# The values searched for in other records' free text and in the plain-text history tables.
IDENTIFYING_FIELDS = ("full_name", "phone", "email", "document_number", "address")
# A case's free text, by the key a redaction names: the rows holding it and their text fields.
CASE_TEXT: dict[str, tuple[str, tuple[str, ...]]] = {
    "summary": ("", ("summary",)),
    "status_reasons": ("status_changes", ("reason",)),
    "contacts": ("contacts", ("note",)),
    "needs": ("assessments", ("notes",)),
    "plan": ("goals", ("description",)),
    "referrals": ("referrals", ("reason", "feedback")),
}
# The encrypted free text of case work where anyone's name may have been typed: anonymising any
# person (a party of an incident, a negotiator) replaces their name there too.
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "casework.Case": ("summary",),
    "casework.CaseStatusChange": ("reason",),
    "casework.CaseContact": ("note",),
    "casework.NeedsAssessment": ("notes",),
    "casework.Need": ("description",),
    "casework.Goal": ("description",),
    "casework.PlanAction": ("description",),
    "casework.Referral": ("reason", "feedback"),
    "casework.Consent": ("purpose",),
    "casework.BeneficiaryIdentity": ("notes",),
    "casework.MediationAgreement": ("notes",),
    "casework.MediationSession": ("notes",),
    "casework.AgreementItem": ("text",),
    "casework.FollowUpVisit": ("notes",),
}


def find_beneficiary(pk: int) -> Model | None:
    from casework.models import Beneficiary

    return Beneficiary.objects.select_related("community").filter(pk=pk).first()


def find_case(pk: int) -> Model | None:
    from casework.models import Case

    return Case.objects.select_related("beneficiary").filter(pk=pk).first()


def _identity(beneficiary: Any) -> Any:
    from casework.models import BeneficiaryIdentity

    return BeneficiaryIdentity.objects.filter(beneficiary=beneficiary).first()


def _values(beneficiary: Any) -> list[str]:
    identity = _identity(beneficiary)
    if identity is None:
        return []
    return [getattr(identity, name) or "" for name in IDENTIFYING_FIELDS]


def overwrite(record: Model, fields: Sequence[str], actor: Actor) -> None:
    """Write the redaction marker over ``record``'s non-empty text ``fields``, in the record and in
    each of its change-history rows (encrypted there too: no text search can reach them)."""
    changed = [name for name in fields if getattr(record, name)]
    if not changed:
        return
    for name in changed:
        setattr(record, name, REDACTED)
    record._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
    record.save()
    history = own_history(record)
    for row in history if history is not None else ():
        for name in changed:
            if getattr(row, name):
                setattr(row, name, REDACTED)
        row.save()


def case_scrub(case: Any, keys: Sequence[str], actor: Actor) -> None:
    """Overwrite the free text ``keys`` (of :data:`CASE_TEXT`) of ``case`` and of the rows it owns,
    their history included."""
    for key in keys:
        relation, fields = CASE_TEXT[key]
        rows = [case] if not relation else list(getattr(case, relation).all())
        for row in rows:
            overwrite(row, fields, actor)
            if key == "plan":
                for action in row.actions.all():
                    overwrite(action, ("description",), actor)
            if key == "needs":
                for need in row.needs.all():
                    overwrite(need, ("description",), actor)


def _anonymise(beneficiary: Any, marker: str, actor: Actor) -> None:
    from casework.models import Case

    identity = _identity(beneficiary)
    if identity is not None:
        identity.full_name = marker
        for name in IDENTITY_FIELDS[1:]:
            setattr(identity, name, "")
        identity._history_user = actor
        identity.save()
        # The identity's history is encrypted: copy the emptied values over every row (the
        # blind index of each row follows its values when saved).
        history = own_history(identity)
        for row in history if history is not None else ():
            for name in IDENTITY_FIELDS:
                setattr(row, name, getattr(identity, name))
            row.save()
    now = timezone.now()
    for case in Case.objects.filter(beneficiary=beneficiary):
        case_scrub(case, list(CASE_TEXT), actor)
        Case.objects.filter(pk=case.pk).update(anonymised_at=now)
        bulk_written(Case)
    beneficiary.anonymised_at = now
    beneficiary._history_user = actor
    beneficiary.save()


def _plain(record: Model, exclude: Sequence[str] = ()) -> dict[str, Any]:
    """A record's fields as JSON-ready values (choices with their labels; no blind index)."""
    data: dict[str, Any] = {}
    for field in record._meta.concrete_fields:
        if isinstance(field, BlindIndexField) or field.name in exclude:
            continue
        value = field.value_from_object(record)
        if field.choices and value not in (None, ""):
            value = str(dict(field.flatchoices).get(value, value))
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif field.is_relation and value is not None:
            value = str(getattr(record, field.name))
        data[field.name] = value
    return data


def _history_of(record: Model) -> list[dict[str, Any]]:
    history = own_history(record)
    if history is None:
        return []
    names = [field.attname for field in record._meta.concrete_fields if not isinstance(field, BlindIndexField)]
    return [
        {
            "when": row.history_date.isoformat(),
            "change": row.get_history_type_display(),
            "values": {name: _json(getattr(row, name)) for name in names},
        }
        for row in history.order_by("history_date", "history_id")
    ]


def _json(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _case_export(case: Any) -> dict[str, Any]:
    return {
        **_plain(case, exclude=("beneficiary",)),
        "status_changes": [_plain(change, exclude=("case",)) for change in case.status_changes.all()],
        "contacts": [_plain(contact, exclude=("case",)) for contact in case.contacts.all()],
        "needs_assessments": [
            {
                **_plain(assessment, ("case",)),
                "needs": [_plain(need, ("assessment",)) for need in assessment.needs.all()],
            }
            for assessment in case.assessments.all()
        ],
        "plan": [
            {**_plain(goal, ("case",)), "actions": [_plain(action, ("goal",)) for action in goal.actions.all()]}
            for goal in case.goals.all()
        ],
        "referrals": [
            {
                **_plain(referral, exclude=("case", "incident")),
                "status_changes": [_plain(change, ("referral",)) for change in referral.status_changes.all()],
            }
            for referral in case.referrals.select_related("agency")
        ],
    }


def _export(beneficiary: Any) -> dict[str, Any]:
    """Everything case work holds about the person: identity (and its history), consents, cases
    with everything recorded in them, and the agreements they are a party to (their title and
    items, not the other parties)."""
    from casework.models import AgreementParty, Case

    identity = _identity(beneficiary)
    agreements = [
        {
            "title": party.agreement.title,
            "side": party.side,
            "status": party.agreement.get_status_display(),
            "started_on": party.agreement.started_on.isoformat(),
            "signed_on": party.agreement.signed_on.isoformat() if party.agreement.signed_on else None,
            "items": [_plain(item, ("agreement",)) for item in party.agreement.items.all()],
        }
        for party in AgreementParty.objects.filter(beneficiary=beneficiary).select_related("agreement")
    ]
    return {
        "identity": _plain(identity, exclude=("beneficiary",)) if identity is not None else None,
        "identity_history": _history_of(identity) if identity is not None else [],
        "consents": [_plain(consent, exclude=("beneficiary",)) for consent in beneficiary.consents.all()],
        "cases": [_case_export(case) for case in Case.objects.filter(beneficiary=beneficiary)],
        "mediation_agreements": agreements,
    }


def _case_redact(case: Any, fields: Sequence[str], marker: str, actor: Actor) -> list[str]:
    case_scrub(case, fields, actor)
    # The case's own history rows were overwritten with it (``overwrite``); nothing left to copy.
    return []


def _anonymise_expired(before: datetime, dry_run: bool) -> int:
    from casework.models import OPEN_CASE_STATUSES, Beneficiary

    closed_long_ago = (
        Beneficiary.objects.filter(anonymised_at__isnull=True, cases__isnull=False)
        .exclude(cases__status__in=OPEN_CASE_STATUSES)
        .annotate(last_closed=Max("cases__closed_on"))
        .filter(last_closed__lt=before.date())
    )
    never_a_case = Beneficiary.objects.filter(anonymised_at__isnull=True, created_at__lt=before).filter(
        ~Q(pk__in=Beneficiary.objects.filter(cases__isnull=False).values("pk"))
    )
    pks = sorted(set(closed_long_ago.values_list("pk", flat=True)) | set(never_a_case.values_list("pk", flat=True)))
    if dry_run:
        return len(pks)
    for pk in pks:
        person_anonymise(kind=BENEFICIARY, pk=pk, actor=None, reason="", source=ErasureSource.RETENTION)
    return len(pks)


def register() -> None:
    register_person_kind(
        PersonKind(
            name=BENEFICIARY,
            label=_("Beneficiary of case work"),
            model="casework.Beneficiary",
            find=find_beneficiary,
            identifying_values=_values,
            anonymise=_anonymise,
            export=_export,
            # The person's own row holds no identifying field (the identity is overwritten above).
            personal_fields=(),
            admin_url=lambda beneficiary: reverse("admin:casework_beneficiary_change", args=[beneficiary.pk]),
        )
    )
    for model, fields in FREE_TEXT.items():
        register_free_text(model, fields)
    register_redactable(
        RedactableKind(
            name=CASE,
            label=_("case"),
            find=find_case,
            fields={
                "summary": _("summary"),
                "status_reasons": _("reasons of the status moves"),
                "contacts": _("notes of the contacts"),
                "needs": _("needs assessments"),
                "plan": _("goals and actions of the plan"),
                "referrals": _("reasons and feedback of the referrals"),
            },
            redact=_case_redact,
            admin_url=lambda case: reverse("admin:casework_case_change", args=[case.pk]),
        )
    )
    register_retention_rule(
        RetentionRule(
            name="closed_cases",
            label=_("People whose cases were closed long ago"),
            setting="cases_years",
            unit="years",
            enforce=_anonymise_expired,
        )
    )
