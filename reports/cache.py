"""The indicators' cache: :func:`cached_indicators` answers as :func:`compute_indicators` does, from
the Django cache (Redis in production) when the same figures were computed since the data last
changed.

**Key.** The database, the period, the communities in scope (a hash of their sorted ids: whatever
the queryset, the same communities share an entry), the programme, ``programme_wide``, the
language (an instrument's dimensions are named in it) and the *data version*.

**Data version.** The figures read the records of :data:`COUNTED_APPS`. Every write to them changes
:class:`~reports.models.IndicatorsVersion`'s token *in the writer's transaction*, so the new token
becomes visible with the data, never before (a reader cannot store old figures under the new
token) and a rolled-back write leaves the old one: ``post_save``, ``post_delete`` and
``m2m_changed`` of each of their models, and :data:`api.changes.records_written`, which the
services send after a ``QuerySet.update()`` or ``bulk_create()`` (and ``api.changes.touch`` after
its own). The newest change-log row's id (:class:`api.models.Change`, written in the writer's
transaction too) is part of the version as well. A token is random, so a token of a write rolled
back is never seen again. Raw SQL that writes those tables must call :func:`invalidate`.

The token is written under the change log's lock (``api.changes``), taken before the record's own
row (``pre_save``, ``pre_delete``) as a tracked collection's writes do: two writers never wait on
each other in opposite orders.

**Outages.** If the cache cannot be reached, the figures are computed (a warning is logged at most
once a minute): a dashboard or ``indicators/`` answers more slowly, never with an error.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections, models, router, transaction
from django.db.models import QuerySet, signals
from django.utils import translation

from api.changes import records_written, serialise_writers
from api.models import Change
from communities.models import Community
from programmes.models import Programme
from reports.figures import IndicatorsDocument
from reports.indicators import Period, compute_indicators
from reports.models import IndicatorsVersion

logger = logging.getLogger(__name__)
T = TypeVar("T")

# The apps whose records the figures read (reports.indicators imports their models).
COUNTED_APPS = (
    "communities",
    "programmes",
    "negotiators",
    "training",
    "incidents",
    "events",
    "planning",
    "support",
    "casework",
)
# A cached document outlives its data version by at most this long (old versions' entries go).
TIMEOUT_SECONDS = 24 * 3600
KEY_PREFIX = "indicators:2"
WARNING_INTERVAL_SECONDS = 60.0
_last_warning = 0.0


def cached_indicators(
    *,
    period: Period,
    communities: QuerySet[Community],
    programme_wide: bool = False,
    programme: Programme | None = None,
) -> IndicatorsDocument:
    """What :func:`reports.indicators.compute_indicators` returns for the same arguments, from the
    cache when nothing the figures read has changed since it was computed."""
    key = indicators_key(period=period, communities=communities, programme_wide=programme_wide, programme=programme)
    return remember(
        key,
        lambda: compute_indicators(
            period=period, communities=communities, programme_wide=programme_wide, programme=programme
        ),
    )


def remember(key: str, compute: Callable[[], T]) -> T:
    """The value cached under ``key``, else ``compute()``'d and cached. ``key`` must hold the data
    version (build it on :func:`indicators_key`). If the cache cannot be reached, computed."""
    try:
        value = cache.get(key)
    except Exception as error:  # any cache failure: Redis down, a timeout
        _warn(error)
        value = None
    if value is not None:
        return value
    value = compute()
    try:
        cache.set(key, value, TIMEOUT_SECONDS)
    except Exception as error:
        _warn(error)
    return value


def indicators_key(
    *, period: Period, communities: QuerySet[Community], programme_wide: bool, programme: Programme | None
) -> str:
    """The cache key of these figures at the data's current version (two queries)."""
    using = communities.db
    ids = sorted(communities.order_by().values_list("pk", flat=True).distinct())
    scope = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:32]
    parts = [
        KEY_PREFIX,
        str(settings.DATABASES[using]["NAME"]),
        data_version(using),
        period.code,
        scope,
        str(programme.pk if programme is not None else "-"),
        "wide" if programme_wide else "communities",
        translation.get_language() or settings.LANGUAGE_CODE,
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def data_version(using: str = "default") -> str:
    """The token and the newest change-log row's id, read in one query."""
    setattr(connections[using], _MARKER, None)  # the next write in this transaction needs a token
    newest_change = Change.objects.using(using).order_by("-pk").values("pk")[:1]
    row = (
        IndicatorsVersion.objects.using(using)
        .filter(pk=1)
        .annotate(change=models.Subquery(newest_change))
        .values_list("token", "change")
        .first()
    )
    if row is None:  # no token yet (a database emptied by a test): the change log alone
        return f"-.{Change.objects.using(using).order_by('-pk').values_list('pk', flat=True).first()}"
    return f"{row[0]}.{row[1]}"


def invalidate(using: str = "default") -> None:
    """A new data version: every cached document of the database ``using`` is out of date. In the
    current transaction, under the change log's lock."""
    with transaction.atomic(using=using):
        serialise_writers(using)
        token = uuid.uuid4().hex
        if not IndicatorsVersion.objects.using(using).filter(pk=1).update(token=token):
            IndicatorsVersion.objects.using(using).bulk_create(
                [IndicatorsVersion(pk=1, token=token)],
                update_conflicts=True,
                unique_fields=["pk"],
                update_fields=["token"],
            )


# On a connection: the ``on_commit`` marker of its transaction's latest token, until the data
# version is read again on that connection.
_MARKER = "_indicators_token_marker"


def _written(using: str) -> None:
    """A new token, unless this transaction already wrote one that nothing has read since: once
    per transaction for a long import, again after each read for a view that writes then reads.
    A rolled-back savepoint takes its token and its ``on_commit`` marker with it."""
    connection = connections[using]
    marker = getattr(connection, _MARKER, None)
    if connection.in_atomic_block and any(entry[1] is marker for entry in connection.run_on_commit):
        return
    invalidate(using)
    if connection.in_atomic_block:

        def marker() -> None:
            pass

        transaction.on_commit(marker, using=using)
        setattr(connection, _MARKER, marker)


def _before_write(sender: type[models.Model], using: str = "default", **kwargs: Any) -> None:
    # The lock before the record's own row: see the module.
    serialise_writers(using)


def _saved(sender: type[models.Model], using: str = "default", **kwargs: Any) -> None:
    _written(using)


def _many_to_many_changed(sender: type[models.Model], action: str, using: str = "default", **kwargs: Any) -> None:
    if action.startswith("pre_"):
        serialise_writers(using)
    else:
        _written(using)


def _bulk_written(sender: type[models.Model], using: str | None = None, **kwargs: Any) -> None:
    if sender._meta.app_label in COUNTED_APPS:
        _written(using or router.db_for_write(sender))


def connect() -> None:
    """Change the token on every write to the counted apps' records (from ``ReportsConfig.ready``).
    Connected model by model, not to every sender: a receiver for every model would stop Django's
    fast ``QuerySet.delete()`` everywhere."""
    for label in COUNTED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            uid = f"reports.cache:{model._meta.label}"
            signals.pre_save.connect(_before_write, sender=model, dispatch_uid=uid)
            signals.pre_delete.connect(_before_write, sender=model, dispatch_uid=uid)
            signals.post_save.connect(_saved, sender=model, dispatch_uid=uid)
            signals.post_delete.connect(_saved, sender=model, dispatch_uid=uid)
            signals.m2m_changed.connect(_many_to_many_changed, sender=model, dispatch_uid=uid)
    records_written.connect(_bulk_written, dispatch_uid="reports.cache")


def _warn(error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARNING_INTERVAL_SECONDS:
        _last_warning = now
        logger.warning("Indicators: the cache is unavailable (%s); computing the figures", error)
