"""Subject access: everything the portal holds about one person, as JSON and as PDF.

:func:`person_export` gathers it through the registry (the record, its change-history rows, what the
person is linked to without other people's personal data, the erasures of the record and, when
the view log exists, who viewed it); :func:`render_export_json` and :func:`render_export_pdf` are
pure renderers (data in, bytes out). The PDF uses the fonts the monitoring reports ship
(``static/reports/fonts``) and fetches nothing else.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from privacy.anonymous import person_label
from privacy.erasure import ensure_may_erase, erasures_of, find_person, own_history
from privacy.fields import BlindIndexField
from privacy.models import PersonalDataView
from privacy.registry import person_kind, person_links

# The view log (who viewed which record holding personal data), when the portal has one.
HISTORY_META = ("history_id", "history_date", "history_type", "history_change_reason")
TEMPLATE = "privacy/subject_access.html"


def _fields(instance: models.Model, names: list[str] | None = None) -> dict[str, Any]:
    # The blind index is keyed hashes of the values already shown: nothing the person can read.
    concrete = [f for f in instance._meta.concrete_fields if not isinstance(f, BlindIndexField)]
    return {f.attname: f.value_from_object(instance) for f in concrete if names is None or f.attname in names}


def _labels(model: type[models.Model]) -> dict[str, str]:
    return {f.attname: str(capfirst(f.verbose_name)) for f in model._meta.concrete_fields}


def _history(record: models.Model) -> list[dict[str, Any]]:
    rows = own_history(record)
    if rows is None:
        return []
    fields = [f.attname for f in type(record)._meta.concrete_fields]
    history = []
    for row in rows.select_related("history_user").order_by("history_date", "history_id"):
        user = row.history_user
        history.append(
            {
                "when": row.history_date,
                "change": row.get_history_type_display(),
                "by": user.get_username() if user else None,
                "reason": row.history_change_reason,
                "fields": _fields(row, fields),
            }
        )
    return history


def _view_log(record: models.Model) -> list[dict[str, Any]]:
    """Who viewed the record (``privacy.viewlog``)."""
    content_type = ContentType.objects.get_for_model(record)
    rows = PersonalDataView.objects.filter(content_type=content_type, object_id=str(record.pk))
    return [{k: v for k, v in _fields(row).items() if k not in ("id", "content_type_id", "object_id")} for row in rows]


def person_export(*, kind: str, pk: int, actor: User | None) -> dict[str, Any]:
    """Everything held about the person ``kind`` #``pk``, as JSON-ready data.

    Raises ``LookupError`` for an unknown kind, ``privacy.erasure.NotFound`` for a missing record
    and ``PermissionDenied`` for an actor who may not (only staff may; commands run as nobody)."""
    ensure_may_erase(actor)
    person = person_kind(kind)
    record = find_person(person, pk)
    linked = person.export(record)
    for key, links in person_links(kind).items():
        linked[key] = links(record)
    document: dict[str, Any] = {
        "kind": kind,
        "kind_label": str(person.label),
        "id": pk,
        "name": person_label(str(record)),
        "exported_at": timezone.now(),
        "exported_by": actor.get_username() if actor else None,
        "record": _fields(record),
        "labels": _labels(type(record)),
        "history": _history(record),
        "linked": linked,
        "erasures": [
            {"when": e.created_at, "how": e.get_source_display(), "reason": e.reason, "anonymous_id": e.token}
            for e in erasures_of(kind, pk)
        ],
    }
    document["view_log"] = _view_log(record)
    return document


def render_export_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


@cache
def _font_directory() -> Path:
    found = finders.find("reports/fonts/DejaVuSans.ttf")
    if not found:  # pragma: no cover - a broken checkout
        raise FileNotFoundError("static/reports/fonts/DejaVuSans.ttf is missing")
    return Path(found).resolve().parent


class _FontsOnly(URLFetcher):
    """Fetch the shipped fonts and nothing else: no network, no other files."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        parsed = urlparse(url)
        if parsed.scheme == "file" and _font_directory() in Path(unquote(parsed.path)).resolve().parents:
            return super().fetch(url, headers)
        raise ValueError(f"a subject access export loads only its own fonts, not {url[:80]}")


def _printable(value: Any) -> str:
    if value is None or value == "":
        return "–"
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).strip('"')


def render_export_pdf(document: dict[str, Any]) -> bytes:
    """The export as a PDF in the active language; all typed text reaches it autoescaped."""
    labels = document["labels"]
    context = {
        "document": document,
        "font_url": _font_directory().as_uri(),
        "record": [(labels.get(k, k), _printable(v)) for k, v in document["record"].items()],
        "history": [
            {**row, "fields": [(labels.get(k, k), _printable(v)) for k, v in row["fields"].items()]}
            for row in document["history"]
        ],
        "linked": json.dumps(document["linked"], cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        "view_log": json.dumps(document.get("view_log"), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
    }
    html = render_to_string(TEMPLATE, context)
    base = _font_directory().as_uri() + "/"
    pdf: bytes = HTML(string=html, base_url=base, url_fetcher=_FontsOnly(allowed_protocols=["file"])).write_pdf()
    return pdf
