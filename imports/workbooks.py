"""The template of a record type: an XLSX workbook whose first sheet has the headers in the active
language, ready to fill, and whose second sheet explains each column and its allowed values."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from imports.specs import RecordType

# Excel's limit for a list typed into a data validation rule.
VALIDATION_LIST_LIMIT = 255


def _sheet_title(text: str) -> str:
    # Excel refuses these characters and titles over 31 characters.
    return "".join(" " if c in "[]:*?/\\" else c for c in text)[:31]


def template_workbook(kind: RecordType) -> bytes:
    workbook = Workbook()
    rows = workbook.active
    assert rows is not None
    rows.title = _sheet_title(str(kind.label).capitalize())
    bold = Font(bold=True)
    for position, column in enumerate(kind.columns, start=1):
        header = str(column.label).capitalize() + (" *" if column.required else "")
        cell = rows.cell(row=1, column=position, value=header)
        cell.font = bold
        letter = get_column_letter(position)
        rows.column_dimensions[letter].width = max(12, min(40, len(header) + 4))
        if column.allowed is not None:
            allowed = [value.replace(",", " ") for value in column.allowed()]
            formula = '"' + ",".join(allowed) + '"'
            if len(formula) <= VALIDATION_LIST_LIMIT:
                rule = DataValidation(type="list", formula1=formula, allow_blank=not column.required)
                rule.add(f"{letter}2:{letter}10000")
                rows.add_data_validation(rule)
    rows.freeze_panes = "A2"

    explained = workbook.create_sheet(_sheet_title(_("Columns")))
    explained.append([_("Column"), _("Required"), _("What to write"), _("Allowed values")])
    for cell in explained[1]:
        cell.font = bold
    for column in kind.columns:
        explained.append(
            [
                str(column.label).capitalize(),
                _("yes") if column.required else _("no"),
                str(column.help),
                "; ".join(column.allowed()) if column.allowed else "",
            ]
        )
    explained.append([])
    explained.append(
        [
            _(
                "Dates as DD.MM.YYYY or YYYY-MM-DD; numbers without formulas. Headers may be in Ukrainian, "
                "English, Czech or Russian. A row already in the portal is updated, not added twice."
            )
        ]
    )
    for letter, width in zip("ABCD", (28, 10, 60, 60), strict=True):
        explained.column_dimensions[letter].width = width
    for row in explained.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
