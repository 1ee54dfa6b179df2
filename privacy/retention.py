"""Retention: personal data kept no longer than ``settings.PRIVACY_RETENTION`` says.

Each rule is registered (``privacy.registry.register_retention_rule``) by the domain that owns the
data, or here for what belongs to no domain (the login-failure log of django-axes).
:func:`enforce_retention` runs them all: the daily beat task ``privacy.enforce_retention`` and
``manage.py enforce_retention [--dry-run]`` call it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_history_model_for_model

from privacy.anonymous import REDACTED
from privacy.models import RetentionMark
from privacy.registry import RetentionRule, register_retention_rule, retention_rules

logger = logging.getLogger(__name__)

DAYS_PER_YEAR = 365.25


def period(rule: RetentionRule) -> timedelta:
    amount = float(settings.PRIVACY_RETENTION[rule.setting])
    return timedelta(days=amount * DAYS_PER_YEAR if rule.unit == "years" else amount)


def cutoff(rule: RetentionRule, now: datetime | None = None) -> datetime:
    """Records older than this (closed, written, attempted before it) are past their period."""
    return (now or timezone.now()) - period(rule)


def enforce_retention(*, dry_run: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Run every available rule; returns the number of records each touched (would touch).

    A rule that fails is logged and the others still run; the first failure is raised at the end
    (so the task shows as failed), each rule's work being its own transaction."""
    counts: dict[str, int] = {}
    failures: list[Exception] = []
    for rule in retention_rules():
        if not rule.available():
            continue
        try:
            with transaction.atomic():
                counts[rule.name] = rule.enforce(cutoff(rule, now), dry_run)
        except Exception as error:
            logger.exception("retention %s failed", rule.name)
            failures.append(error)
            continue
        logger.info("retention %s: %d %s", rule.name, counts[rule.name], "due (dry run)" if dry_run else "done")
    if failures:
        raise failures[0]
    return counts


# --- rules built here for the domains -------------------------------------------------------------


def blank_text(value: str) -> str:
    """A history rule's replacement of free text: the redaction mark, where there was text."""
    return REDACTED if value else ""


def forget_value(value: Any) -> None:
    """A history rule's replacement of a value that is not text (a position): nothing."""
    return None


def history_fields_rule(
    *, name: str, label: Any, model: str, replacements: Mapping[str, Callable[[Any], Any]]
) -> RetentionRule:
    """A rule that overwrites personal fields of ``model``'s change-history rows written before
    the cutoff of ``history_personal_fields_days``: each field's value becomes
    ``replacements[field](value)``. The rule remembers how far it went (a
    :class:`~privacy.models.RetentionMark`), so each run reads only the rows that aged since."""

    def enforce(before: datetime, dry_run: bool) -> int:
        history = get_history_model_for_model(apps.get_model(model))
        mark = RetentionMark.objects.filter(rule=name).first()
        rows = history._default_manager.filter(history_date__lt=before)
        if mark is not None:
            rows = rows.filter(history_date__gte=mark.covered_until)
        if dry_run:
            return rows.count()
        written = 0
        for row in rows.iterator():
            _overwrite(row, replacements)
            written += 1
        if mark is None or mark.covered_until < before:
            RetentionMark.objects.update_or_create(rule=name, defaults={"covered_until": before})
        return written

    return RetentionRule(name=name, label=label, setting="history_personal_fields_days", unit="days", enforce=enforce)


def _overwrite(row: Model, replacements: Mapping[str, Callable[[Any], Any]]) -> None:
    for field, replace in replacements.items():
        setattr(row, field, replace(getattr(row, field) or ""))
    row.save()


def _delete_login_failures(before: datetime, dry_run: bool) -> int:
    total = 0
    # The failures, the attempts counted for the lockout, and the log of sign-ins (addresses too).
    for model_name in ("AccessFailureLog", "AccessAttempt", "AccessLog"):
        rows = apps.get_model("axes", model_name)._default_manager.filter(attempt_time__lt=before)
        total += rows.count() if dry_run else rows.delete()[0]
    return total


register_retention_rule(
    RetentionRule(
        name="login_failures",
        label=_("Login failures"),
        setting="login_failures_days",
        unit="days",
        enforce=_delete_login_failures,
        available=lambda: apps.is_installed("axes"),
    )
)
