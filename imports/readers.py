"""An uploaded spreadsheet read into sheets of raw cell values: XLSX, ODS or CSV, told apart by the
file's bytes (its name only shapes a message).

The file comes from anyone with an import page, so every limit is checked before the work it
guards: the size before the file is read, the unpacked size of an XLSX or ODS before anything is
unpacked, the number of rows while they are read. Whatever the bytes, the caller gets sheets or a
:class:`FileRefused` whose message says, in the user's language, what to do instead.

Values are what the cells hold, not yet what they mean (imports/cells.py parses them): strings
stripped, empty cells None, numbers, dates and booleans as the spreadsheet typed them, and a
formula as :class:`Formula`, which the importer refuses by row and column.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import logging
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from xml.etree import ElementTree

import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

logger = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Files people upload by mistake: a PDF can be plain ASCII, so the text test alone would let it by.
OTHER_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x05\x06", b"{\\rtf")
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
# An XLSX or ODS may unpack to this many times the size limit: spreadsheets' XML packs some
# 5 to 10 times, a zip bomb thousands of times.
ZIP_EXPANSION = 10
# The ODF ``mimetype`` member is a few dozen bytes; more is not an ODF file.
MIMETYPE_LIMIT = 100
# Columns read of a row: LibreOffice repeats a formatted empty cell to the 16384th column.
MAX_COLUMNS = 1024
# Spaces one ODF <text:s text:c="..."/> may stand for.
MAX_SPACES = 1000
DELIMITERS = ("\t", ";", ",")
# Control characters no CSV holds (tab, line feed and carriage return are text).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


TABLE, ROW = _q("table:table"), _q("table:table-row")
CELL, COVERED_CELL = _q("table:table-cell"), _q("table:covered-table-cell")
PARAGRAPHS = (_q("text:p"), _q("text:h"))
SPACE, TAB, LINE_BREAK = _q("text:s"), _q("text:tab"), _q("text:line-break")


class FileRefused(Exception):
    """The file as a whole cannot be read; ``str(exc)`` is a sentence in the active language."""


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula (its text, e.g. ``=SUM(A1:A3)``): the importer asks for the value."""

    text: str


@dataclass
class Sheet:
    """One sheet: its name ("" for a CSV), its header (the first non-empty row, as stripped
    strings; [] for an empty sheet) and every later non-empty row as (the row number the
    spreadsheet shows, 1-based; its values padded or cut to the header's width)."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]


def read_sheets(
    file: IO[bytes], filename: str, *, max_bytes: int | None = None, max_rows: int | None = None
) -> list[Sheet]:
    """The sheets of an uploaded XLSX, ODS or CSV file (a CSV has one, named ""), every sheet of a
    workbook in its order; FileRefused when the file is too large, holds more than ``max_rows``
    data rows in all, has no row, or is no spreadsheet we read.

    The limits default to settings.IMPORT_MAX_BYTES and IMPORT_MAX_ROWS."""
    max_bytes = settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    max_rows = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows
    content = _read_within(file, max_bytes)
    if not content.strip():
        raise FileRefused(_("The file has no rows."))
    if content.startswith(OLE_MAGIC):
        raise FileRefused(
            _(
                "This is an old Excel file (.xls) or a file protected by a password: open it in your "
                "spreadsheet, save it as .xlsx without a password and upload that."
            )
        )
    if content.startswith(OTHER_MAGIC):
        raise _not_a_spreadsheet()
    budget = _RowBudget(max_rows)
    if content.startswith(ZIP_MAGIC):
        sheets = _read_zip(content, filename, max_bytes, budget)
    else:
        sheets = _guarded(_read_csv, "CSV", _decode(content), budget)
    if not any(sheet.header for sheet in sheets):
        raise FileRefused(_("The file has no rows."))
    return sheets


def _not_a_spreadsheet() -> FileRefused:
    return FileRefused(_("This is not a spreadsheet: upload an XLSX, ODS or CSV file."))


def _too_large(limit: int) -> FileRefused:
    return FileRefused(
        _(
            "The file is larger than %(limit)s: split it into several files, or ask the administrator "
            "to raise IMPORT_MAX_BYTES."
        )
        % {"limit": filesizeformat(limit)}
    )


def _size(file: IO[bytes]) -> int | None:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    try:
        end = file.seek(0, io.SEEK_END)
        file.seek(0)
    except (AttributeError, OSError, ValueError):
        return None
    return end


def _read_within(file: IO[bytes], limit: int) -> bytes:
    """The file's bytes, refused unread when it says it is larger than ``limit``, and refused
    after reading one byte more than ``limit`` when it did not say."""
    size = _size(file)
    if size is not None and size > limit:
        raise _too_large(limit)
    # A stream that cannot seek is read from where it is.
    with contextlib.suppress(AttributeError, OSError, ValueError):
        file.seek(0)
    content = file.read(limit + 1)
    if len(content) > limit:
        raise _too_large(limit)
    return content


class _RowBudget:
    """The data rows still allowed, over all the sheets of a file."""

    def __init__(self, limit: int):
        self.limit = limit
        self.left = limit

    def take(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise FileRefused(
                ngettext(
                    "The file has more than %(limit)s row of data: split it into several files.",
                    "The file has more than %(limit)s rows of data: split it into several files.",
                    self.limit,
                )
                % {"limit": self.limit}
            )


class _SheetBuilder:
    """A sheet put together row by row: the first non-empty row is the header, later non-empty
    rows the data, fitted to the header's width."""

    def __init__(self, name: str, budget: _RowBudget):
        self.sheet = Sheet(name=name, header=[], rows=[])
        self.budget = budget

    def add(self, number: int, values: list[Any]) -> None:
        header = self.sheet.header
        if not header:
            width = len(values)
            while width and values[width - 1] is None:
                width -= 1
            header.extend(_header_text(value) for value in values[:width])
            return
        values = values[: len(header)]
        if all(value is None for value in values):
            return
        self.budget.take()
        self.sheet.rows.append((number, values + [None] * (len(header) - len(values))))


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _guarded(reader: Any, kind: str, *args: Any) -> list[Sheet]:
    """``reader(*args)``, with any failure but a refusal turned into "the file is damaged"."""
    try:
        sheets: list[Sheet] = reader(*args)
    except FileRefused:
        raise
    # A damaged file can break a parser (openpyxl's above all) in any way; whatever it raises,
    # the user's answer is the same.
    except Exception:
        logger.info("An uploaded %s could not be read", kind, exc_info=True)
        raise _damaged(kind) from None
    return sheets


def _damaged(kind: str) -> FileRefused:
    return FileRefused(
        _(
            "The file could not be read as %(format)s: it may be damaged. Open it in your "
            "spreadsheet, save it again and upload it."
        )
        % {"format": kind}
    )


def _format_of(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        return "XLSX"
    if "content.xml" not in names or "mimetype" not in names:
        return None
    if archive.getinfo("mimetype").file_size > MIMETYPE_LIMIT:
        return None
    return "ODS" if archive.read("mimetype").decode("ascii", "replace").strip() == ODS_MIMETYPE else None


def _read_zip(content: bytes, filename: str, max_bytes: int, budget: _RowBudget) -> list[Sheet]:
    extension = filename.rsplit(".", 1)[-1].upper() if "." in filename else ""
    damaged_as = extension if extension in ("XLSX", "ODS") else "XLSX"
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(info.file_size for info in archive.infolist())
        kind = _format_of(archive)
    # Encrypted or unsupported members raise RuntimeError or NotImplementedError, bad data zlib.error.
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError, zlib.error):
        raise _damaged(damaged_as) from None
    with archive:
        # zipfile never unpacks more of a member than its declared size, so this bounds the work.
        if unpacked > ZIP_EXPANSION * max_bytes:
            raise FileRefused(
                _("The file unpacks to more than %(limit)s, too much to import: split it into several files.")
                % {"limit": filesizeformat(ZIP_EXPANSION * max_bytes)}
            )
        if kind == "XLSX":
            return _guarded(_read_xlsx, kind, content, budget)
        if kind == "ODS":
            return _guarded(_read_ods, kind, archive, budget)
    raise _not_a_spreadsheet()


# --- XLSX ---------------------------------------------------------------------------------------


def _xlsx_value(cell: Any) -> Any:
    value = cell.value
    if cell.data_type == "f":
        return Formula(value if isinstance(value, str) else str(getattr(value, "text", "") or ""))
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("="):
            return Formula(value)
        return value or None
    return value


def _read_xlsx(content: bytes, budget: _RowBudget) -> list[Sheet]:
    sheets = []
    with warnings.catch_warnings():
        # openpyxl warns of what it leaves out (data validation extensions, default styles).
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        try:
            for worksheet in workbook.worksheets:
                if not isinstance(worksheet, ReadOnlyWorksheet):
                    continue
                # The <dimension> written by some programs claims every row and column of the
                # grid; without it openpyxl reads the rows that are there.
                worksheet.reset_dimensions()
                builder = _SheetBuilder(worksheet.title, budget)
                for number, cells in enumerate(worksheet.iter_rows(min_row=1), start=1):
                    builder.add(number, [_xlsx_value(cell) for cell in cells[:MAX_COLUMNS]])
                sheets.append(builder.sheet)
        finally:
            workbook.close()
    return sheets


# --- ODS ----------------------------------------------------------------------------------------


def _repeat(element: ElementTree.Element, attribute: str, limit: int) -> int:
    try:
        count = int(element.get(_q(attribute), "1"))
    except ValueError:
        return 1
    return max(1, min(count, limit))


def _paragraph_text(element: ElementTree.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == SPACE:
            parts.append(" " * _repeat(child, "text:c", MAX_SPACES))
        elif child.tag == TAB:
            parts.append("\t")
        elif child.tag == LINE_BREAK:
            parts.append("\n")
        else:
            parts.append(_paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _ods_number(text: str | None) -> int | float | None:
    try:
        number = Decimal(text or "")
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _ods_date(text: str | None) -> date | datetime | None:
    try:
        if text and "T" in text:
            return datetime.fromisoformat(text)
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def _ods_value(cell: ElementTree.Element) -> Any:
    formula = cell.get(_q("table:formula"))
    if formula:
        # "of:=SUM([.A1:.A3])": the namespace prefix says which formula language follows.
        prefix, colon, rest = formula.partition(":")
        return Formula(rest if colon and not prefix.startswith("=") else formula)
    kind = cell.get(_q("office:value-type"))
    value: Any = None
    if kind in ("float", "percentage", "currency"):
        value = _ods_number(cell.get(_q("office:value")))
    elif kind == "date":
        value = _ods_date(cell.get(_q("office:date-value")))
    elif kind == "boolean":
        value = cell.get(_q("office:boolean-value")) == "true"
    if value is not None:
        return value
    text = "\n".join(_paragraph_text(child) for child in cell if child.tag in PARAGRAPHS)
    return text.strip() or None


def _ods_row(row: ElementTree.Element) -> list[Any]:
    """The row's values up to its last non-empty cell; repeated empty cells are counted, not
    written out, so the 16384-column repeats LibreOffice writes at a row's end cost nothing."""
    values: list[Any] = []
    empty = 0
    for cell in row:
        if cell.tag not in (CELL, COVERED_CELL):
            continue
        repeat = _repeat(cell, "table:number-columns-repeated", MAX_COLUMNS)
        value = _ods_value(cell)
        if value is None:
            empty += repeat
            continue
        if len(values) + empty >= MAX_COLUMNS:
            break
        values.extend([None] * empty + [value] * repeat)
        empty = 0
        if len(values) >= MAX_COLUMNS:
            return values[:MAX_COLUMNS]
    return values


def _read_ods(archive: zipfile.ZipFile, budget: _RowBudget) -> list[Sheet]:
    sheets = []
    builder: _SheetBuilder | None = None
    number = 0
    with archive.open("content.xml") as source:
        # Read as a stream, each row dropped once used. Python's expat refuses entity expansion
        # bombs and ElementTree fetches no external entity.
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            if event == "start":
                if element.tag == TABLE:
                    builder, number = _SheetBuilder(element.get(_q("table:name"), ""), budget), 0
            elif element.tag == ROW and builder is not None:
                values = _ods_row(element)
                # A repeated row with values is written out (the row budget bounds it); a repeated
                # empty one only moves the row number on.
                repeat = _repeat(element, "table:number-rows-repeated", budget.limit + 2 if values else 2**31)
                for _index in range(repeat if values else 0):
                    builder.add(number + _index + 1, list(values))
                number += repeat
                element.clear()
            elif element.tag == TABLE and builder is not None:
                sheets.append(builder.sheet)
                builder = None
                element.clear()
    return sheets


# --- CSV ----------------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    """The text of a CSV: UTF-8 (with or without a byte order mark), UTF-16 with one (Excel's
    "Unicode text"), else Windows-1251 (Excel's CSV on a Ukrainian or Russian Windows)."""
    if content.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "cp1251")
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        # A DOS end-of-file mark is the one control character a text file may end with.
        if CONTROL.search(text.rstrip("\x1a")):
            break
        if text.lstrip().startswith("<"):
            raise FileRefused(
                _(
                    "This is a web page or an XML file, not a spreadsheet: open it in your spreadsheet, "
                    "save it as .xlsx and upload that."
                )
            )
        return text
    raise _not_a_spreadsheet()


def _delimiter(line: str) -> str:
    """The delimiter the line uses most outside quotes (a tab, then a semicolon, on a tie)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for character in line:
        if character == '"':
            quoted = not quoted
        elif not quoted and character in counts:
            counts[character] += 1
    return max(DELIMITERS, key=counts.__getitem__)


def _records(text: str) -> Iterator[list[str]]:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    # Excel writes and reads a first line "sep=;" naming the delimiter, and does not show it.
    if re.fullmatch(r"sep=.", first.strip()) and lines[0] == first:
        delimiter, text = first.strip()[-1], text.split("\n", 1)[1] if "\n" in text else ""
    else:
        delimiter = _delimiter(first)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _read_csv(text: str, budget: _RowBudget) -> list[Sheet]:
    builder = _SheetBuilder("", budget)
    rows: Iterable[list[str]] = _records(text)
    for number, record in enumerate(rows, start=1):
        builder.add(number, [field.strip() or None for field in record[:MAX_COLUMNS]])
    return [builder.sheet]
