"""``?format=csv``: the same rows as the JSON, one line per record, for spreadsheets.

Nested values are flattened: an object's keys become ``parent.key`` columns, a list of plain
values becomes ``a;b;c``, anything deeper is written as JSON. The file starts with a UTF-8 byte
order mark so that spreadsheet programs read Cyrillic correctly (``utf-8-sig`` in Python), and
text that a spreadsheet would run as a formula is prefixed with an apostrophe.
"""

import csv
import io
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rest_framework.renderers import BaseRenderer

if TYPE_CHECKING:
    from rest_framework.serializers import Serializer

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        if isinstance(value, list) and all(not isinstance(item, list | dict) for item in value):
            return ";".join(_cell(item) for item in value)
        return json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    if text.startswith(FORMULA_START) and not NUMBER.match(text):
        return "'" + text
    return text


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _field_columns(serializer: "Serializer[Any]", prefix: str = "") -> list[str]:
    from rest_framework import serializers

    columns: list[str] = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if isinstance(field, serializers.Serializer):
            columns += _field_columns(field, f"{prefix}{name}.")
        else:
            columns.append(f"{prefix}{name}")
    return columns


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        renderer_context = renderer_context or {}
        if data is None:
            return b""
        if isinstance(data, dict) and set(data) >= {"count", "results"}:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data]
        rows = [_flatten(row) for row in rows]
        columns: list[str] = []
        view = renderer_context.get("view")
        if not rows and view is not None and hasattr(view, "get_serializer"):
            columns = _field_columns(view.get_serializer())
        for row in rows:
            columns += [column for column in row if column not in columns]
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in columns])
        response = renderer_context.get("response")
        if response is not None and view is not None:
            name = getattr(view, "basename", None) or "data"
            response["Content-Disposition"] = f'attachment; filename="zlagoda-{name}.csv"'
        return buffer.getvalue().encode(self.charset)


class PdfRenderer(BaseRenderer):
    """Lets ``Accept: application/pdf`` through content negotiation on routes that answer with a
    file; the view returns the bytes itself, errors are still JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        return data if isinstance(data, bytes) else b""
