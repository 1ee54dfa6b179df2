"""What personal data the domains hold, registered by each domain in its ``AppConfig.ready``.

This package sits below the domains and names none of their models: ``incidents`` registers its
parties, ``negotiators`` their contacts (see their ``privacy.py``), each with how to find one
person's record, anonymise it, export it, and the retention rules that apply. Erasure, subject
access and retention (``privacy.erasure``, ``privacy.subject_access``, ``privacy.retention``) work
only through this registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils.functional import Promise

# An anonymiser's or redactor's actor: a staff user, or nobody (a command, the retention task).
Actor = User | None


@dataclass(frozen=True)
class PersonKind:
    """A kind of person the portal holds records of (an incident's party, a negotiator's contact).

    ``find(pk)`` returns the person's record or ``None``; ``anonymise(record, marker, actor)``
    overwrites the record's personal fields with ``marker`` (the name) or empties them, saving
    through the model (so whatever ``save()`` maintains stays right); the registered free text
    (:func:`register_free_text`) and every history table are scrubbed by ``privacy.erasure``
    afterwards. ``identifying_values(record)`` are those values (name, phone, e-mail), read
    before anonymising; ``export(record)`` is what the person is linked to, as JSON-ready data
    without other people's personal data. ``personal_fields`` are copied from the anonymised record
    onto each of its change-history rows. ``admin_url(record)`` is where staff return afterwards.
    """

    name: str
    label: str | Promise
    model: str
    find: Callable[[int], Model | None]
    identifying_values: Callable[[Model], Sequence[str]]
    anonymise: Callable[[Model, str, Actor], None]
    export: Callable[[Model], dict[str, Any]]
    personal_fields: tuple[str, ...]
    admin_url: Callable[[Model], str] = lambda record: ""
    # Fields whose past values (in the record's own change history) are scrubbed too: a name the
    # person had before, typed somewhere back then.
    past_identifying_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class RedactableKind:
    """A record whose free text can be redacted: ``fields`` maps a field key to its label;
    ``redact(record, fields, marker, actor)`` writes the marker over them in the live record (and
    the rows it owns, such as an incident's actions) and returns the model fields of the record
    whose change-history rows must be overwritten too."""

    name: str
    label: str | Promise
    find: Callable[[int], Model | None]
    fields: Mapping[str, str | Promise]
    redact: Callable[[Model, Sequence[str], str, Actor], Sequence[str]]
    admin_url: Callable[[Model], str] = lambda record: ""


@dataclass(frozen=True)
class RetentionRule:
    """A retention rule: ``enforce(cutoff, dry_run)`` anonymises or deletes what is older than
    ``cutoff`` and returns how many records it touched (would touch, on a dry run).
    ``setting`` is the key of ``settings.PRIVACY_RETENTION`` giving the period, in ``unit``
    (``"days"`` or ``"years"``); ``available()`` says whether the rule applies in this
    installation (the login-failure log exists only with django-axes)."""

    name: str
    label: str | Promise
    setting: str
    unit: str
    enforce: Callable[[datetime, bool], int]
    available: Callable[[], bool] = field(default=lambda: True)


_persons: dict[str, PersonKind] = {}
_redactables: dict[str, RedactableKind] = {}
_rules: dict[str, RetentionRule] = {}
# Live free text where any person's name or phone may have been typed: (model label, fields).
_free_text: dict[str, tuple[str, ...]] = {}
# What other domains add to a person's export: kind -> key -> function(record) -> data.
_links: dict[str, dict[str, Callable[[Model], Any]]] = {}


def register_free_text(model: str, fields: Sequence[str]) -> None:
    """``model``'s ``fields`` are free text: anonymising anyone replaces their name there too."""
    _free_text[model] = tuple(fields)


def free_text() -> dict[str, tuple[str, ...]]:
    return dict(_free_text)


def register_person_links(kind: str, key: str, links: Callable[[Model], Any]) -> None:
    """A higher domain adds what a person of ``kind`` is linked to in it (incidents add the cases
    a negotiator is in charge of) to the person's export, under ``key``."""
    _links.setdefault(kind, {})[key] = links


def person_links(kind: str) -> dict[str, Callable[[Model], Any]]:
    return dict(_links.get(kind, {}))


def register_person_kind(kind: PersonKind) -> None:
    _persons[kind.name] = kind


def register_redactable(kind: RedactableKind) -> None:
    _redactables[kind.name] = kind


def register_retention_rule(rule: RetentionRule) -> None:
    _rules[rule.name] = rule


def person_kinds() -> dict[str, PersonKind]:
    return dict(_persons)


def person_kind(name: str) -> PersonKind:
    """The registered kind ``name``; ``LookupError`` for an unknown one."""
    try:
        return _persons[name]
    except KeyError:
        raise LookupError(name) from None


def redactable(name: str) -> RedactableKind:
    try:
        return _redactables[name]
    except KeyError:
        raise LookupError(name) from None


def retention_rules() -> list[RetentionRule]:
    return list(_rules.values())
