"""Exactly-once writes for clients that retry: the API's ``Idempotency-Key`` header and the field
app's offline queue both go through :func:`run_once`, with one contract at every front door: a
replay carries ``Idempotency-Replayed: true``, the same key with other data is a 422
``idempotency_conflict``, an unusable key a 400.

The key row is inserted in the same transaction as the write it guards, so it exists if and only
if the write committed. A concurrent duplicate waits on the unique index, then finds the committed
row and replays its response. A write that fails (validation, permission) rolls its key back, so
the client may fix the submission and send it again with the same key.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.utils.encoders import JSONEncoder

from access.viewer import Viewer
from api.models import IdempotencyKey

MAX_KEY_LENGTH = 128
# The answers every front door (API, field app) gives.
REPLAYED_HEADER = "Idempotency-Replayed"
CONFLICT_STATUS = 422
CONFLICT_CODE = "idempotency_conflict"
# Long enough for a phone that stayed offline for weeks.
RETENTION = timedelta(days=90)


class InvalidIdempotencyKey(Exception):
    """The ``Idempotency-Key`` presented cannot be used (empty, too long, not printable)."""


class IdempotencyConflict(Exception):
    """The key was already used for a different submission (or another URL)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("This Idempotency-Key was already used for a different request."))


@dataclass(frozen=True)
class Outcome:
    status_code: int
    response: object
    replayed: bool


def fingerprint(data: object) -> str:
    """A stable hash of submitted data: the same fields in any order give the same fingerprint."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        message = _("Idempotency-Key must be 1 to %(max)d printable characters.") % {"max": MAX_KEY_LENGTH}
        raise InvalidIdempotencyKey(message)
    return key


def _owned_by(owner: Viewer) -> dict[str, object]:
    """The key's owner as model fields: the user, or the partner organisation writing with its API
    key."""
    return {"partner": owner.partner} if owner.partner is not None else {"user": owner.user}


def run_once(*, owner: Viewer, key: str, scope: str, data: object, write: Callable[[], tuple[int, object]]) -> Outcome:
    """Run ``write`` (which returns ``(status_code, json_response)``) once per ``(owner, key)``;
    ``owner`` is the viewer writing (a user, or a partner organisation through its API key).

    A repeat with the same ``scope`` and ``data`` returns the stored outcome without calling
    ``write``; a repeat with different data or scope raises :class:`IdempotencyConflict`.
    Exceptions from ``write`` propagate and leave no trace of the key.
    """
    key = validate_key(key)
    digest = fingerprint(data)
    owned = _owned_by(owner)
    for _attempt in range(2):
        existing = IdempotencyKey.objects.filter(**owned, key=key).first()
        if existing is not None:
            if existing.fingerprint != digest or existing.scope != scope:
                raise IdempotencyConflict()
            return Outcome(existing.status_code, existing.response, replayed=True)
        try:
            with transaction.atomic():
                status_code, response = write()
                # As the client reads it: decimals (coordinates), dates and lazy strings become
                # JSON, so the first answer and every replay are the same, and the row can be stored.
                response = json.loads(json.dumps(response, cls=JSONEncoder))
                IdempotencyKey.objects.create(
                    **owned, key=key, scope=scope, fingerprint=digest, status_code=status_code, response=response
                )
            return Outcome(status_code, response, replayed=False)
        except IntegrityError:
            # Another request with the same key committed first (a double tap): replay its result.
            if not IdempotencyKey.objects.filter(**owned, key=key).exists():
                raise
    raise IdempotencyConflict()


def prune_idempotency_keys(*, now: datetime | None = None) -> int:
    """Forget keys older than :data:`RETENTION`; returns how many were deleted."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _details = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
