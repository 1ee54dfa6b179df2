"""Erasure: anonymising a person everywhere, change history included, and redacting free text.

A person's record keeps its row (so every count, by role, gender, minor or not, stays the same);
their name becomes a language-neutral marker (``anon:<token>``, shown translated by
:func:`person_label`), their phone, e-mail and notes are emptied. Their identifying values are then
replaced in the free text of the records linked to them (the domain's ``anonymise``) and in every
text column of every change-history table (:func:`scrub_history`), the admin's own log included.
An :class:`~privacy.models.ErasureRecord` says who did it, when and why, never what was erased.

Who may: :func:`may_erase` (holders of *reads personal data* who also *erase personal data*: staff).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from simple_history.models import registered_models
from simple_history.utils import get_app_model_primary_key_name, get_history_model_for_model

from access.capabilities import Capability
from access.viewer import Viewer
from privacy.anonymous import REDACTED, anonymised_marker, is_anonymised
from privacy.fields import EncryptedMixin
from privacy.models import ErasureRecord, ErasureSource, Redaction
from privacy.registry import Actor, PersonKind, free_text, person_kind, redactable

# Shorter values (an initial, a two-digit phone extension) would scrub unrelated text.
MIN_SCRUB_LENGTH = 4
# The plain text columns scrubbed in history tables. Exact types, not subclasses: an encrypted
# field (a subclass of one of these) holds ciphertext that a text search can neither find nor fix.
TEXT_FIELD_TYPES = (models.CharField, models.TextField, models.EmailField, models.URLField)


def may_erase(viewer: Viewer) -> bool:
    """Anonymise people, redact free text, export one person's data: staff only (managers read
    reports, negotiators and partners never reach these pages)."""
    return viewer.can(Capability.READS_PERSONAL_DATA) and viewer.can(Capability.ERASES_PERSONAL_DATA)


def ensure_may_erase(actor: Actor) -> None:
    """Commands and the retention task run without a user (``actor=None``); a user must may."""
    if actor is not None and not may_erase(Viewer.for_user(actor)):
        raise PermissionDenied


def _new_token() -> str:
    while True:
        token = secrets.token_hex(4)
        if not ErasureRecord.objects.filter(token=token).exists():
            return token


# --- replacing values in text ---------------------------------------------------------------------


def scrub_values(values: Iterable[str]) -> list[str]:
    """The values worth searching for, longest first (a full name before the phone inside it)."""
    wanted = {v.strip() for v in values if v and len(v.strip()) >= MIN_SCRUB_LENGTH}
    return sorted((v for v in wanted if not is_anonymised(v) and v != REDACTED), key=len, reverse=True)


def replace_values(text: str, values: Sequence[str], replacement: str) -> str:
    for value in values:
        text = re.sub(re.escape(value), replacement, text, flags=re.IGNORECASE)
    return text


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if type(f) in TEXT_FIELD_TYPES]


def scrub_rows(queryset: models.QuerySet[Any], fields: Sequence[str], values: Sequence[str], replacement: str) -> int:
    """Replace ``values`` by ``replacement`` in ``fields`` of the rows of ``queryset`` that
    contain one, saving each row through its model; returns how many rows changed."""
    if not values or not fields:
        return 0
    model = queryset.model
    # Encrypted columns cannot be searched in SQL: their rows are read and matched here.
    if any(isinstance(model._meta.get_field(name), EncryptedMixin) for name in fields):
        candidates = queryset
    else:
        match = Q()
        for name in fields:
            for value in values:
                match |= Q(**{f"{name}__icontains": value})
        candidates = queryset.filter(match)
    limits = {name: model._meta.get_field(name).max_length for name in fields}
    changed = 0
    for row in candidates:
        dirty = False
        for name in fields:
            old = getattr(row, name) or ""
            new = replace_values(old, values, replacement)[: limits[name] or None]
            if new != old:
                setattr(row, name, new)
                dirty = True
        if dirty:
            row.save()
            changed += 1
    return changed


def history_models() -> list[type[models.Model]]:
    """Every change-history model django-simple-history keeps, from its registry."""
    return [get_history_model_for_model(model) for model in list(registered_models.values())]


def scrub_history(values: Iterable[str], replacement: str) -> int:
    """Replace ``values`` in every plain text column of every history table and of the admin's
    log (its object names and change messages); returns how many rows changed."""
    values = scrub_values(values)
    changed = 0
    for model in history_models():
        changed += scrub_rows(model._default_manager.all(), [f.name for f in _text_fields(model)], values, replacement)
    changed += scrub_rows(LogEntry.objects.all(), ["object_repr", "change_message"], values, replacement)
    # JSON columns of history tables (none today) are searched as text.
    for model in history_models():
        for json_field in [f for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]:
            changed += _scrub_json(model, json_field.name, values, replacement)
    return changed


def _scrub_json(model: type[models.Model], name: str, values: Sequence[str], replacement: str) -> int:
    match = Q()
    for value in values:
        match |= Q(_as_text__icontains=value)
    changed = 0
    rows = model._default_manager.annotate(_as_text=Cast(name, models.TextField())).filter(match)
    for row in rows:
        setattr(row, name, _replace_in_json(getattr(row, name), values, replacement))
        row.save()
        changed += 1
    return changed


def _replace_in_json(data: Any, values: Sequence[str], replacement: str) -> Any:
    if isinstance(data, str):
        return replace_values(data, values, replacement)
    if isinstance(data, list):
        return [_replace_in_json(item, values, replacement) for item in data]
    if isinstance(data, dict):
        return {key: _replace_in_json(item, values, replacement) for key, item in data.items()}
    return data


def own_history(record: models.Model) -> models.QuerySet[Any] | None:
    """The change-history rows of ``record`` itself, or ``None`` for a model without history."""
    model = type(record)
    if model._meta.db_table not in registered_models:
        return None
    history = get_history_model_for_model(model)
    return history._default_manager.filter(**{get_app_model_primary_key_name(model): record.pk})


def overwrite_history(record: models.Model, fields: Sequence[str]) -> int:
    """Copy ``fields`` of ``record`` (already anonymised or redacted) onto each of its history
    rows, through the historical model's save; returns how many rows were written."""
    rows = own_history(record)
    if rows is None:
        return 0
    written = 0
    for row in rows:
        for name in fields:
            setattr(row, name, getattr(record, name))
        row.save()
        written += 1
    return written


# --- the services ---------------------------------------------------------------------------------


class NotFound(LookupError):
    pass


def _past_values(record: models.Model, fields: Sequence[str]) -> list[str]:
    rows = own_history(record)
    if rows is None or not fields:
        return []
    return [value for row in rows for value in (getattr(row, name) for name in fields) if isinstance(value, str)]


def find_person(kind: PersonKind, pk: int) -> models.Model:
    record = kind.find(pk)
    if record is None:
        raise NotFound(f"{kind.name} #{pk}")
    return record


@transaction.atomic
def person_anonymise(
    *, kind: str, pk: int, actor: User | None, reason: str = "", source: str = ErasureSource.ADMIN
) -> ErasureRecord:
    """Anonymise the person ``kind`` #``pk`` everywhere, change history included, and record it.

    Raises ``LookupError`` for an unknown kind, :class:`NotFound` for a missing record,
    ``PermissionDenied`` for an actor who may not erase. Anonymising twice is harmless: the second
    time finds nothing left to replace and records a second erasure.
    """
    ensure_may_erase(actor)
    person = person_kind(kind)
    record = find_person(person, pk)
    values = scrub_values([*person.identifying_values(record), *_past_values(record, person.past_identifying_fields)])
    erasure = ErasureRecord.objects.create(
        kind=kind, object_id=pk, token=_new_token(), actor=actor, source=source, reason=reason
    )
    marker = anonymised_marker(erasure.token)
    person.anonymise(record, marker, actor)
    scrub_free_text(values, f"[{marker}]")
    written = overwrite_history(record, person.personal_fields)
    written += scrub_history(values, f"[{marker}]")
    erasure.history_rows = written
    erasure.save(update_fields=["history_rows"])
    return erasure


def scrub_free_text(values: Iterable[str], replacement: str) -> int:
    """Replace ``values`` in the live free text the domains registered (descriptions, notes),
    saving each changed record through its model (its history records the scrubbed text)."""
    wanted = scrub_values(values)
    return sum(
        scrub_rows(apps.get_model(label)._default_manager.all(), fields, wanted, replacement)
        for label, fields in free_text().items()
    )


@transaction.atomic
def record_redact(*, kind: str, pk: int, fields: Sequence[str], reason: str, actor: User | None) -> Redaction:
    """Replace the free text ``fields`` of the record ``kind`` #``pk`` by a marker, in the record,
    the rows it owns and its change history, and keep a :class:`~privacy.models.Redaction`
    (who, when, why, which fields; never the text)."""
    ensure_may_erase(actor)
    if not reason.strip():
        raise ValueError("a redaction needs a reason")
    target = redactable(kind)
    unknown = [name for name in fields if name not in target.fields]
    if unknown or not fields:
        raise ValueError(f"cannot redact {unknown or 'nothing'}")
    record = target.find(pk)
    if record is None:
        raise NotFound(f"{kind} #{pk}")
    model_fields = target.redact(record, list(fields), REDACTED, actor)
    written = overwrite_history(record, model_fields)
    return Redaction.objects.create(
        kind=kind, object_id=pk, fields=list(fields), actor=actor, reason=reason, history_rows=written
    )


def erased_ids(kind: str) -> models.QuerySet[Any]:
    """The ids of the records of ``kind`` already anonymised (for a subquery)."""
    return ErasureRecord.objects.filter(kind=kind).values("object_id")


def erasures_of(kind: str, pk: int) -> models.QuerySet[ErasureRecord]:
    return ErasureRecord.objects.filter(kind=kind, object_id=pk)


def model_of(kind: PersonKind) -> type[models.Model]:
    return apps.get_model(kind.model)
