"""Writing the log of who viewed personal data (``privacy.models.PersonalDataView``).

Every page, admin view, API read and export that shows a record holding personal data calls
:func:`record_view` once per request with all the records it shows: one ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpRequest
from django.utils import translation

from privacy.models import PersonalDataView, ViewChannel


def view_label(record: Model) -> str:
    """How the log names a record: its own ``view_log_label()`` (without personal data), else its
    kind and id."""
    # In the portal's language, whatever the viewer's: the log reads the same for everyone.
    with translation.override(settings.LANGUAGE_CODE):
        label = getattr(record, "view_log_label", None)
        if callable(label):
            return str(label())[:200]
        return f"{record._meta.verbose_name} #{record.pk}"[:200]


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_view(
    user: Any, records: Iterable[Model], channel: ViewChannel, request: HttpRequest | None = None
) -> list[PersonalDataView]:
    """Log that ``user`` was shown ``records`` through ``channel`` (once per record)."""
    seen: set[tuple[type[Model], Any]] = set()
    unique = []
    for record in records:
        key = (type(record), record.pk)
        if record.pk is not None and key not in seen:
            seen.add(key)
            unique.append(record)
    if not unique:
        return []
    signed_in = user is not None and getattr(user, "is_authenticated", False) and getattr(user, "pk", None)
    path = request.get_full_path()[:500] if request is not None else ""
    address = client_address(request)
    content_types = ContentType.objects.get_for_models(*{type(record) for record in unique})
    return PersonalDataView.objects.bulk_create(
        PersonalDataView(
            user=user if signed_in else None,
            username=user.get_username() if signed_in else "",
            channel=channel,
            content_type=content_types[type(record)],
            object_id=str(record.pk),
            label=view_label(record),
            path=path,
            ip_address=address,
        )
        for record in unique
    )
