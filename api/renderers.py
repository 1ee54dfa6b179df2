"""``?format=csv`` and ``?format=xlsx``: the same rows as the JSON, one line per record, for
spreadsheets.

Nested values are flattened: an object's keys become ``parent.key`` columns, a list of plain
values becomes ``a;b;c``, anything deeper is written as JSON. The CSV file starts with a UTF-8 byte
order mark so that spreadsheet programs read Cyrillic correctly (``utf-8-sig`` in Python), and
text that a spreadsheet would run as a formula is prefixed with an apostrophe. In the XLSX file
numbers are numbers, booleans booleans, dates dates, and every text is a text cell, never a
formula.
"""

import csv
import io
import json
import re
from collections.abc import Mapping
from datetime import date
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


def table(data: Any, renderer_context: Mapping[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and the flattened rows of a response's data (a page, a list or one record);
    without rows, the columns of the view's serializer."""
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
    return columns, rows


def _attach(renderer_context: Mapping[str, Any], extension: str) -> None:
    response, view = renderer_context.get("response"), renderer_context.get("view")
    if response is not None and view is not None:
        name = getattr(view, "basename", None) or "data"
        response["Content-Disposition"] = f'attachment; filename="zlagoda-{name}.{extension}"'


class TableRenderer(BaseRenderer):
    """A response's rows as a table (``table``); subclasses write the file in ``write``."""

    extension = ""

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        renderer_context = renderer_context or {}
        if data is None:
            return b""
        columns, rows = table(data, renderer_context)
        content = self.write(columns, rows, renderer_context)
        _attach(renderer_context, self.extension)
        return content

    def write(self, columns: list[str], rows: list[dict[str, Any]], renderer_context: Mapping[str, Any]) -> bytes:
        raise NotImplementedError


class CsvRenderer(TableRenderer):
    media_type = "text/csv"
    format = extension = "csv"
    charset = "utf-8"

    def write(self, columns: list[str], rows: list[dict[str, Any]], renderer_context: Mapping[str, Any]) -> bytes:
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in columns])
        return buffer.getvalue().encode(self.charset)


DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_value(value: Any) -> Any:
    """A value as an XLSX cell holds it: numbers, booleans and dates typed; lists and objects as
    in the CSV; the rest as text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    text = _cell(value) if isinstance(value, list | dict) else str(value)
    # Control characters other than tab and line breaks cannot be stored in a worksheet: each
    # becomes the replacement character, visibly.
    return ILLEGAL_IN_XLSX.sub("\ufffd", text)


class XlsxRenderer(TableRenderer):
    """The CSV's rows as an Excel workbook: one sheet, a header row, typed cells."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = extension = "xlsx"
    charset = None
    render_style = "binary"

    def write(self, columns: list[str], rows: list[dict[str, Any]], renderer_context: Mapping[str, Any]) -> bytes:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(getattr(renderer_context.get("view"), "basename", None) or "data")[:31])
        sheet.append(columns)

        def cell(value: Any) -> Any:
            if not (isinstance(value, str) and value.startswith("=")):
                return value
            # openpyxl takes a text starting with "=" for a formula: this one stays text.
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"
            return text

        for row in rows:
            sheet.append([cell(_xlsx_value(row.get(column))) for column in columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


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


class DocxRenderer(PdfRenderer):
    """As :class:`PdfRenderer`, for a Word document (a monitoring report's DOCX version)."""

    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    format = "docx"


class FileRenderer(BaseRenderer):
    """Lets any ``Accept`` through content negotiation on a route that answers with a stored file
    of its own type (a library document); the view returns the file itself, errors are JSON."""

    media_type = "*/*"
    format = "file"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        return data if isinstance(data, bytes) else b""
