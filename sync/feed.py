"""The change feed: the change log (``api.changes``) as one caller sees it.

A page lists, in commit order, each record of the caller's collections that changed after the
cursor, once, with what the caller should do with its copy now: ``create`` or ``update`` it (with
the record as the collection shows it today), or remove it because it was deleted (``delete``) or
left the caller's scope (``exit``: moved to a community the caller does not see, or its
community left the partner organisation's coverage). The representation is read with the page,
so a record changed twice shows once, as it is now.

Which rows concern a caller: staff and programme managers all but the coverage rows; anyone
else the rows of the communities they see now, of those that left their coverage after the
cursor (a record that moved out of such a community before it left), the programme-wide ones,
and their own organisation's.
"""

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q
from django.test import RequestFactory
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from access.viewer import Viewer, remember_viewer
from api.changes import COLLECTIONS, Collection
from api.models import Change, ChangeAction, ChangeAudience
from communities.selectors import sees_every_community, visible_communities, visible_partners

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 500
_CURSOR_PREFIX = "c1:"


class Kind:
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXIT = "exit"


KINDS = (Kind.CREATE, Kind.UPDATE, Kind.DELETE, Kind.EXIT)


def encode_cursor(sequence: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{sequence}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The sequence a cursor stands for; an empty cursor is the beginning. Anything this API did
    not give is a 400 naming ``since``."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith(_CURSOR_PREFIX) and text[len(_CURSOR_PREFIX) :].isdigit():
            return int(text[len(_CURSOR_PREFIX) :])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ValidationError({"since": [_("Not a cursor from this API: give the next_cursor of a previous page.")]})


@dataclass
class Item:
    collection: str
    id: int
    change: str
    record: dict[str, Any] | None = None


@dataclass
class Page:
    items: list[Item] = field(default_factory=list)
    next_cursor: str = ""
    has_more: bool = False


def head() -> int:
    """The last sequence committed: every row up to it is visible (see ``api.changes``)."""
    return Change.objects.aggregate(last=Max("id"))["last"] or 0


def concerning(viewer: Viewer, since: int, until: int) -> Any:
    """The change rows after ``since`` up to ``until`` that concern ``viewer``, in commit order."""
    rows = Change.objects.filter(id__gt=since, id__lte=until)
    if sees_every_community(viewer):
        return rows.exclude(audience=ChangeAudience.COVERAGE).order_by("id")
    partners = list(visible_partners(viewer).values_list("pk", flat=True))
    communities = set(visible_communities(viewer).values_list("pk", flat=True))
    if partners:
        # Communities that entered or left the coverage since: records that moved out of one
        # before it left must still leave the copy.
        coverage = rows.filter(audience=ChangeAudience.COVERAGE, partner_id__in=partners)
        communities |= {pk for pk in coverage.values_list("community_id", flat=True) if pk is not None}
    return rows.filter(
        Q(audience=ChangeAudience.EVERYONE)
        | Q(audience=ChangeAudience.COMMUNITY, community_id__in=communities)
        | Q(audience__in=(ChangeAudience.PARTNER, ChangeAudience.COVERAGE), partner_id__in=partners)
    ).order_by("id")


def request_for(viewer: Viewer) -> Request:
    """A request on the viewer's behalf, for serializers read outside a request (webhooks)."""
    request = Request(RequestFactory().get("/api/v1/changes/"))
    remember_viewer(request, viewer)
    return request


def represent(collection: Collection, request: Request, pks: set[int]) -> dict[int, dict[str, Any]]:
    """The records ``pks`` of ``collection`` that the request's caller sees, as the collection
    shows them."""
    view = collection.viewset(request=request, format_kwarg=None, action="list", args=(), kwargs={})
    rows = view.attach(list(view.get_queryset().filter(pk__in=pks)))
    return {row["id"]: row for row in view.get_serializer(rows, many=True).data}


def read(viewer: Viewer, request: Request, *, since: int, limit: int = DEFAULT_PAGE_SIZE) -> Page:
    """One page of at most ``limit`` records changed after sequence ``since``, for ``viewer``."""
    until = head()
    if since > until:
        raise ValidationError(
            {
                "since": [
                    _(
                        "This cursor is ahead of the change log (was the portal restored from a backup?): "
                        "start again from an empty copy."
                    )
                ]
            }
        )
    rows = list(concerning(viewer, since, until).values_list("id", "collection", "object_id", "action")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    # A record once, at its last change on the page; created if it was created after the cursor.
    last: dict[tuple[str, int], int] = {}
    created: set[tuple[str, int]] = set()
    for sequence, name, pk, action in rows:
        if name not in COLLECTIONS:
            continue
        last.pop((name, pk), None)
        last[(name, pk)] = sequence
        if action == ChangeAction.CREATE:
            created.add((name, pk))
    by_collection: dict[str, set[int]] = {}
    for name, pk in last:
        by_collection.setdefault(name, set()).add(pk)
    shown: dict[tuple[str, int], dict[str, Any]] = {}
    existing: set[tuple[str, int]] = set()
    for name, pks in by_collection.items():
        collection = COLLECTIONS[name]
        for pk, record in represent(collection, request, pks).items():
            shown[(name, pk)] = record
        hidden = pks - {pk for (n, pk) in shown if n == name}
        existing |= {
            (name, pk) for pk in collection.model._default_manager.filter(pk__in=hidden).values_list("pk", flat=True)
        }
    items = []
    for key in last:
        name, pk = key
        if key in shown:
            items.append(Item(name, pk, Kind.CREATE if key in created else Kind.UPDATE, shown[key]))
        else:
            items.append(Item(name, pk, Kind.EXIT if key in existing else Kind.DELETE))
    # A full page ends at its last row; a short one at the head (rows after the cursor that did
    # not concern the caller need not be read again).
    return Page(items, encode_cursor(rows[-1][0] if has_more else until), has_more)
