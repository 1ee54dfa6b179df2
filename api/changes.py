"""The change log: every write to a record of an API collection leaves a :class:`~api.models.Change`
row in the same transaction, which the change feed (``sync.feed``) and webhooks read.

Each app declares its collections once, in its ``AppConfig.ready`` (:func:`track`), with the
lookups from a record to its communities: the rows say which communities a change concerns, so
the feed gives a partner organisation the changes of its communities and the records that left
them (a move, a deletion, a community leaving its coverage) without anyone else's. Signals write
the rows for ``save()``, ``delete()`` and many-to-many changes; a write that bypasses them
(``QuerySet.update()``) calls :func:`touch`; one to a record of no collection that others derive
figures from (``QuerySet.update()``, ``bulk_create()``) calls :func:`bulk_written`, as ``touch``
does, so that the indicators' cache (``reports.cache``) hears of it as of a ``save()``.

**Commit order.** On PostgreSQL every transaction that writes rows first takes one advisory lock,
held until it commits, and the row ids come from the table's sequence after it: a row can never
become visible after a row with a higher id, so a reader that has seen id *n* has seen everything
up to *n*. SQLite's single writer gives the same for free. The lock serialises writes of
collection records, which are a few per second at most; a long import holds it for its length.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db import connections, router, transaction
from django.db.models import ManyToManyField, Model, Q, signals
from django.dispatch import Signal
from django.utils import timezone

from api.models import Change, ChangeAction, ChangeAudience

# pg_advisory_xact_lock's key: any constant no other lock in the portal uses.
SEQUENCE_LOCK = 0x7A1A_6C06


@dataclass(frozen=True)
class Collection:
    """An API collection whose changes are logged.

    ``communities``: lookups from the record to the primary keys of the communities it belongs
    to (``"community"``, ``"pk"`` for a community itself, ``"host_community"``); empty for a
    programme-wide collection every role sees. A record that has none of them is seen by
    everyone (``everyone_without_community``, e.g. a media mention about the whole programme) or
    only by staff (a region without communities). ``own_partner``: the record is a partner
    organisation, which sees itself. ``coverage``: the many-to-many field of its covered
    communities, whose changes move whole communities in or out of its scope. ``partners``:
    lookups to partner organisations that see the record whatever their communities (the members
    of a programme's consortium)."""

    name: str
    model: type[Model]
    viewset: type[Any]
    communities: tuple[str, ...] = ("community",)
    partners: tuple[str, ...] = ()
    # The records only staff see, whatever their communities (a staff-only document): their
    # changes concern staff alone, so no one else hears even that they exist.
    staff_only: Q | None = None
    everyone_without_community: bool = False
    own_partner: bool = False
    coverage: str | None = None


@dataclass(frozen=True)
class Part:
    """A record that is part of a tracked one (``parent``: its foreign key to it), so that its
    writes change the parent's representation, and may add or remove communities from the
    parent's scope (``communities``: lookups from the part). ``scope_only``: the part is not in
    the parent's representation, it only brings the parent into the scope of those who see the
    part (a community its region): rows only when it joins, leaves or moves between parents, and
    only for the part's communities."""

    model: type[Model]
    parent: str
    communities: tuple[str, ...]
    scope_only: bool = False
    partners: tuple[str, ...] = ()


COLLECTIONS: dict[str, Collection] = {}
_BY_MODEL: dict[type[Model], Collection] = {}
_PARTS: dict[type[Model], Part] = {}


def track(collection: Collection) -> None:
    """Log the changes of ``collection`` from now on (called once, from ``AppConfig.ready``)."""
    if COLLECTIONS.get(collection.name) == collection:
        return
    COLLECTIONS[collection.name] = collection
    _BY_MODEL[collection.model] = collection
    uid = f"changes:{collection.name}"
    signals.pre_save.connect(_before_write, sender=collection.model, dispatch_uid=uid)
    signals.post_save.connect(_after_save, sender=collection.model, dispatch_uid=uid)
    signals.pre_delete.connect(_before_delete, sender=collection.model, dispatch_uid=uid)
    signals.post_delete.connect(_after_delete, sender=collection.model, dispatch_uid=uid)
    for field in collection.model._meta.many_to_many:
        through = field.remote_field.through
        signals.m2m_changed.connect(_many_to_many_changed, sender=through, dispatch_uid=f"{uid}:{field.name}")


def track_part(part: Part) -> None:
    _PARTS[part.model] = part
    uid = f"changes:part:{part.model._meta.label}"
    signals.pre_save.connect(_before_part_write, sender=part.model, dispatch_uid=uid)
    signals.post_save.connect(_after_part_write, sender=part.model, dispatch_uid=uid)
    signals.pre_delete.connect(_before_part_write, sender=part.model, dispatch_uid=uid)
    signals.post_delete.connect(_after_part_write, sender=part.model, dispatch_uid=uid)


def collection_of(model: type[Model]) -> Collection | None:
    return _BY_MODEL.get(model)


def _serialise_writers(using: str) -> None:
    """Take the change log's lock for the rest of the transaction (PostgreSQL; see the module)."""
    connection = connections[using]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCE_LOCK])


# Sent (``sender``: the model) after a write to its records that bypassed the model's signals.
records_written = Signal()


def bulk_written(model: type[Model]) -> None:
    """Say that records of ``model`` were written without ``save()``/``delete()`` (a
    ``QuerySet.update()``, a ``bulk_create()``), in the transaction that wrote them."""
    records_written.send(sender=model, using=router.db_for_write(model))


def serialise_writers(using: str = "default") -> None:
    """Take the change log's lock for the rest of the transaction, as every write of a tracked
    record does first: for another writer that must never wait on one of those in the opposite
    order (``reports.cache``)."""
    _serialise_writers(using)


# Whom a record concerns: a community's id, ("partner", id) for a partner organisation that sees
# it whatever its communities, or None for no one in particular.
Scope = int | None | tuple[str, int]


def _scopes(rows: Any, communities: tuple[str, ...], partners: tuple[str, ...]) -> dict[Any, set[Scope]]:
    """The scopes of each row of the queryset ``rows``, by primary key."""
    found: dict[Any, set[Scope]] = {}
    for path in communities:
        for pk, community_id in rows.values_list("pk", path):
            found.setdefault(pk, set()).add(community_id)
    for path in partners:
        for pk, partner_id in rows.values_list("pk", path):
            found.setdefault(pk, set()).add(None if partner_id is None else ("partner", partner_id))
    return found


def communities_of(collection: Collection, pks: Iterable[Any], using: str = "default") -> dict[Any, set[Scope]]:
    """The scopes (communities, partner organisations) of each record of ``pks`` now (``{None}``:
    none)."""
    pks = list(pks)
    found: dict[Any, set[Scope]] = {pk: set() for pk in pks}
    if pks:
        rows = collection.model._default_manager.using(using).filter(pk__in=pks)
        if collection.staff_only is not None:
            rows = rows.exclude(collection.staff_only)
        for pk, scopes in _scopes(rows, collection.communities, collection.partners).items():
            found[pk] |= scopes
    return {pk: (ids - {None}) or {None} for pk, ids in found.items()}


def _rows(collection: Collection, action: str, communities: dict[Any, set[Scope]], now: Any = None) -> list[Change]:
    now = now or timezone.now()
    rows = []
    for pk, ids in communities.items():
        base = {"collection": collection.name, "object_id": pk, "action": action, "changed_at": now}
        if collection.own_partner:
            rows.append(Change(**base, audience=ChangeAudience.PARTNER, partner_id=pk))
        elif ids == {None}:
            everyone = collection.everyone_without_community or not collection.communities
            rows.append(Change(**base, audience=ChangeAudience.EVERYONE if everyone else ChangeAudience.STAFF))
        else:
            for scope in sorted(ids - {None}, key=str):
                if isinstance(scope, tuple):
                    rows.append(Change(**base, audience=ChangeAudience.PARTNER, partner_id=scope[1]))
                else:
                    rows.append(Change(**base, audience=ChangeAudience.COMMUNITY, community_id=scope))
    return rows


# Called once after each transaction that wrote change rows commits (webhooks register here: a
# higher package calls down, see docs/development.md).
_COMMIT_LISTENERS: list[Callable[[], None]] = []


def after_commit(listener: Callable[[], None]) -> None:
    """Call ``listener()`` once after each transaction that wrote change rows commits (never after
    a rollback). Exceptions it raises are logged, not raised: the write has committed."""
    if listener not in _COMMIT_LISTENERS:
        _COMMIT_LISTENERS.append(listener)


def _announce_commit() -> None:
    for listener in _COMMIT_LISTENERS:
        listener()


def _announce_after_commit(using: str) -> None:
    if not _COMMIT_LISTENERS:
        return
    # Once per transaction, however many rows it writes; a rolled-back savepoint drops its
    # callback with it, so a later write in the transaction registers it again.
    if not any(entry[1] is _announce_commit for entry in connections[using].run_on_commit):
        transaction.on_commit(_announce_commit, using=using, robust=True)


def _write(rows: list[Change], using: str) -> None:
    if rows:
        with transaction.atomic(using=using):
            _serialise_writers(using)
            Change.objects.using(using).bulk_create(rows)
            _announce_after_commit(using)


def record(model: type[Model], pks: Iterable[Any], action: str = ChangeAction.UPDATE, using: str = "default") -> None:
    """Log that the records ``pks`` of ``model`` (a tracked collection's) changed."""
    collection = _BY_MODEL[model]
    _write(_rows(collection, action, communities_of(collection, pks, using)), using)


def touch(model: type[Model], pks: Iterable[Any]) -> None:
    """Mark records changed without saving them: their ``updated_at`` moves to now (for
    ``updated_since``) and the change log gets a row each (for the feed). For what the API shows
    of a record but lives elsewhere: a community's name in its records, its partnerships."""
    pks = list(set(pks) - {None})
    if not pks:
        return
    using = router.db_for_write(model)
    with transaction.atomic(using=using):
        _serialise_writers(using)
        model._default_manager.using(using).filter(pk__in=pks).update(updated_at=timezone.now())
        records_written.send(sender=model, using=using)
        if model in _BY_MODEL:
            record(model, pks, using=using)


# What a many-to-many field held before clear(), between pre_clear and post_clear.
_CLEARED = "_changes_cleared"
# The communities a record belonged to before this write, kept on the instance between the
# pre_ and post_ signals.
_BEFORE = "_changes_communities_before"


def _before_write(sender: type[Model], instance: Model, using: str, **kwargs: Any) -> None:
    _serialise_writers(using)
    if instance.pk is not None and not instance._state.adding:
        setattr(instance, _BEFORE, communities_of(_BY_MODEL[sender], [instance.pk], using)[instance.pk])


def _before_delete(sender: type[Model], instance: Model, using: str, **kwargs: Any) -> None:
    """Before a community goes, with the rows that tie it to partners' coverage (deleted with it,
    without a many-to-many signal): the partners covering it hear that it left their coverage,
    and that their own record (its ``communities``) changed."""
    _before_write(sender, instance, using)
    for owner in COLLECTIONS.values():
        if owner.coverage is None:
            continue
        field = cast(ManyToManyField, owner.model._meta.get_field(owner.coverage))  # type: ignore[type-arg]
        if field.related_model is not sender:
            continue
        through = field.remote_field.through._default_manager.using(using)  # type: ignore[union-attr]
        partner_ids = list(
            through.filter(**{field.m2m_reverse_field_name(): instance.pk}).values_list(
                field.m2m_field_name(), flat=True
            )
        )
        for partner_id in partner_ids:
            _write(coverage_rows(partner_id, [instance.pk], using), using)
        record(owner.model, partner_ids, using=using)


def _after_save(sender: type[Model], instance: Model, created: bool, using: str, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    collection = _BY_MODEL[sender]
    ids = communities_of(collection, [instance.pk], using)[instance.pk] | getattr(instance, _BEFORE, set())
    action = ChangeAction.CREATE if created else ChangeAction.UPDATE
    _write(_rows(collection, action, {instance.pk: (ids - {None}) or {None}}), using)


def _after_delete(sender: type[Model], instance: Model, using: str, **kwargs: Any) -> None:
    collection = _BY_MODEL[sender]
    _write(_rows(collection, ChangeAction.DELETE, {instance.pk: getattr(instance, _BEFORE, {None})}), using)


_PART_BEFORE = "_changes_part_before"


def _part_state(part: Part, instance: Model, using: str) -> tuple[Any, set[Scope]]:
    """The parent a stored part belongs to, and the scopes it brings it."""
    if instance.pk is None:
        return None, set()
    rows = part.model._default_manager.using(using).filter(pk=instance.pk)
    parent = rows.values_list(f"{part.parent}_id", flat=True).first()
    return parent, _scopes(rows, part.communities, part.partners).get(instance.pk, set())


def _before_part_write(sender: type[Model], instance: Model, using: str, **kwargs: Any) -> None:
    _serialise_writers(using)
    setattr(instance, _PART_BEFORE, _part_state(_PARTS[sender], instance, using))


def _after_part_write(sender: type[Model], instance: Model, using: str, **kwargs: Any) -> None:
    """The parent (before and after a move) changed, in its communities and in those the part
    brought it before and after the write."""
    if kwargs.get("raw"):
        return
    part = _PARTS[sender]
    parent_before, communities_before = getattr(instance, _PART_BEFORE, (None, set()))
    stored_parent, communities_after = _part_state(part, instance, using)
    if part.scope_only and stored_parent is not None and stored_parent == parent_before:
        return
    parent_after = stored_parent if stored_parent is not None else getattr(instance, f"{part.parent}_id")
    collection = _BY_MODEL[part.model._meta.get_field(part.parent).related_model]  # type: ignore[index]
    parents = {parent_before, parent_after} - {None}
    existing = set(collection.model._default_manager.using(using).filter(pk__in=parents).values_list("pk", flat=True))
    # A part deleted with its parent: the parent's own row says so.
    extra = communities_before | communities_after
    if part.scope_only:
        current: dict[Any, set[Scope]] = {pk: set() for pk in existing}
    else:
        current = communities_of(collection, existing, using)
    _write(
        _rows(collection, ChangeAction.UPDATE, {pk: ((ids | extra) - {None}) or {None} for pk, ids in current.items()}),
        using,
    )


def _many_to_many_changed(
    sender: type[Model],
    instance: Model,
    action: str,
    reverse: bool,
    model: type[Model],
    pk_set: set[Any] | None,
    using: str,
    **kwargs: Any,
) -> None:
    """A record's many-to-many field changed (an event's organisers, a partner organisation's
    communities): the record changed, and so did those on the other side when they are tracked.
    A partner organisation's coverage also moves the communities' records in or out of its
    scope."""
    if action.startswith("pre_"):
        _serialise_writers(using)
        if action == "pre_clear":
            # post_clear gives no pk_set: remember what is about to go.
            field = _m2m_field(sender, type(instance), reverse)
            manager = getattr(instance, field)
            vars(instance)[_CLEARED] = set(manager.values_list("pk", flat=True))
        return
    related = set(pk_set or ()) if action != "post_clear" else getattr(instance, _CLEARED, set())
    if not related:
        return
    if type(instance) in _BY_MODEL:
        record(type(instance), [instance.pk], using=using)
    if model in _BY_MODEL:
        record(model, related, using=using)
    owner_model = model if reverse else type(instance)
    owner = _BY_MODEL.get(owner_model)
    if owner is not None and owner.coverage and sender is getattr(owner.model, owner.coverage).through:
        pairs = [(pk, instance.pk) for pk in related] if reverse else [(instance.pk, pk) for pk in related]
        for partner_id, community_id in pairs:
            _write(coverage_rows(partner_id, [community_id], using), using)


def _m2m_field(through: type[Model], model: type[Model], reverse: bool) -> str:
    """The name of the manager on ``model`` for the relation ``through`` belongs to."""
    for field in model._meta.get_fields():
        remote = getattr(field, "remote_field", None)
        if field.many_to_many and getattr(remote, "through", None) is through:
            name = field.get_accessor_name() if reverse else field.name  # type: ignore[union-attr]
            return str(name)
    raise LookupError(through)


def coverage_rows(partner_id: int, community_ids: list[int], using: str = "default") -> list[Change]:
    """The rows that tell partner ``partner_id`` that communities ``community_ids`` entered or
    left its coverage: the communities, their regions and every record in them."""
    now = timezone.now()
    rows: list[Change] = []
    for collection in COLLECTIONS.values():
        if collection.own_partner or not collection.communities:
            continue
        records = collection.model._default_manager.using(using).all()
        if collection.staff_only is not None:
            records = records.exclude(collection.staff_only)
        for path in collection.communities:
            matches = records.filter(Q(**{f"{path}__in": community_ids})).values_list("pk", path).distinct()
            rows.extend(
                Change(
                    collection=collection.name,
                    object_id=pk,
                    action=ChangeAction.UPDATE,
                    audience=ChangeAudience.COVERAGE,
                    community_id=community_id,
                    partner_id=partner_id,
                    changed_at=now,
                )
                for pk, community_id in matches
                if community_id in community_ids
            )
    return rows
