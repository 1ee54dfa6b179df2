"""One raw cell value (imports/readers.py) parsed into what a column means: text, a date, a whole
number, a decimal, yes or no, one of a field's choices.

A value that does not parse raises :class:`CellError`, whose message is a sentence in the user's
language saying how to write the value, for the importer to show by row and column. The parsers
take what people type in Ukraine, Czechia and elsewhere: decimal commas, spaces between thousands,
"так" and "ano", a choice's label in any of the portal's languages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from imports.readers import Formula


class CellError(Exception):
    """The cell's value does not parse; ``str(exc)`` is a sentence in the active language saying how
    to write it, e.g. "Write the date as DD.MM.YYYY, for example 14.03.2023."."""


# The importer checks values against a model field's limits; larger ones would not fit a column.
INT_MAXIMUM = 2_147_483_647
APOSTROPHES = re.compile("['’ʼ‘`´′ʹʻ]")
HYPHENS = re.compile("[‐‑]")
# Spaces people (and spreadsheets' number formats) put between thousands.
DIGIT_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f']")
FORMULA_SHOWN = 60

DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})")
YEAR_FIRST = re.compile(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})")
# What may follow a date: a time ("2023-03-14 00:00:00", from exports) or the year's abbreviation.
DATE_TAIL = re.compile(r"(?:[ T]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:р\.|року|г\.|года|r\.)?")

WHOLE = re.compile(r"[+-]?\d+(?:[.,]0*)?")
GROUPED_BY_COMMAS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")

TRUE_WORDS = frozenset(
    {"true", "yes", "y", "1", "x", "+", "✓", "✔", "так", "т", "істина", "ano", "a", "pravda", "да", "д", "истина"}
)
FALSE_WORDS = frozenset({"false", "no", "n", "0", "-", "ні", "н", "хибність", "ne", "nepravda", "нет", "ложь"})


def _formula_error(formula: Formula) -> CellError:
    text = formula.text if len(formula.text) <= FORMULA_SHOWN else formula.text[: FORMULA_SHOWN - 1] + "…"
    return CellError(_("This cell holds a formula (%(formula)s); type the value instead.") % {"formula": text})


def is_blank(value: Any) -> bool:
    """Whether the cell is empty: None, or a string of nothing but whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def normalise_header(text: str) -> str:
    """A column's header as compared with the expected ones: without case, surrounding quotes, the
    "required" star or a trailing colon, and with single spaces ('«Дата» *:' == 'дата')."""
    text = " ".join(str(text).casefold().split())
    previous = None
    while text != previous:
        previous = text
        text = text.rstrip("*: ").strip("\"'«»“”„ ")
    return text


def normalise_name(text: str) -> str:
    """A name as compared with the names on record: without case, with one apostrophe for all the
    ways of typing it and single spaces ("Кам’янець-Подільська" == "кам'янець-подільська")."""
    text = unicodedata.normalize("NFC", str(text)).casefold()
    text = APOSTROPHES.sub("'", HYPHENS.sub("-", text))
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _number_text(value: int | float | Decimal) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return str(int(value))
    return str(value)


def parse_text(value: Any, *, max_length: int | None = None) -> str:
    """The cell as text, stripped: "" for an empty cell, a number without a trailing ".0", a date
    as DD.MM.YYYY. CellError for a formula or a text longer than ``max_length``."""
    if isinstance(value, Formula):
        raise _formula_error(value)
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = pgettext("spreadsheet cell", "yes") if value else pgettext("spreadsheet cell", "no")
    elif isinstance(value, int | float | Decimal):
        text = _number_text(value)
    elif isinstance(value, datetime):
        text = value.strftime("%d.%m.%Y %H:%M")
    elif isinstance(value, date):
        text = value.strftime("%d.%m.%Y")
    else:
        text = str(value).strip()
    if max_length is not None and len(text) > max_length:
        raise CellError(
            ngettext(
                "Write at most %(limit)s character here; this cell has %(length)s.",
                "Write at most %(limit)s characters here; this cell has %(length)s.",
                max_length,
            )
            % {"limit": max_length, "length": len(text)}
        )
    return text


def _date_error() -> CellError:
    return CellError(_("Write the date as DD.MM.YYYY, for example 14.03.2023."))


def parse_date(value: Any) -> date:
    """A date cell, or text as DD.MM.YYYY (also D.M.YYYY, DD/MM/YYYY, DD.MM.YY for 20YY, and
    YYYY-MM-DD); a time after it is dropped. CellError for anything else or a date that does not
    exist (31.02.2023)."""
    if isinstance(value, Formula):
        raise _formula_error(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise _date_error()
    text = value.strip()
    if match := DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
        year += 2000 if len(match.group(3)) == 2 else 0
    elif match := YEAR_FIRST.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise _date_error()
    if not DATE_TAIL.fullmatch(text[match.end() :].strip()):
        raise _date_error()
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(
            _("There is no such date as %(value)s. Write the date as DD.MM.YYYY, for example 14.03.2023.")
            % {"value": text}
        ) from None


def _digits(text: str) -> str:
    return DIGIT_SPACES.sub("", text).replace("−", "-")


def _whole_error() -> CellError:
    return CellError(_("Write a whole number, for example 12."))


def _as_whole(value: Any) -> int:
    if isinstance(value, Formula):
        raise _formula_error(value)
    if isinstance(value, bool):
        raise _whole_error()
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        number = Decimal(value)
    elif isinstance(value, str):
        text = _digits(value.strip())
        if GROUPED_BY_COMMAS.fullmatch(text):
            text = text.replace(",", "")
        if not WHOLE.fullmatch(text):
            raise _whole_error()
        number = Decimal(text.replace(",", "."))
    else:
        raise _whole_error()
    if not number.is_finite() or number != number.to_integral_value():
        raise _whole_error()
    return int(number)


def parse_int(value: Any, *, minimum: int | None = 0, maximum: int | None = INT_MAXIMUM) -> int:
    """A whole number: 1234, 1234.0, "1 234" (any space between thousands), "1,234", "12.0".
    CellError for text, a fraction ("1.5"; "1.234" too, which is 1234 to some and 1.234 to others),
    and a number below ``minimum`` or above ``maximum``."""
    number = _as_whole(value)
    if minimum is not None and number < minimum:
        raise CellError(_("Write a whole number, %(minimum)s or more.") % {"minimum": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("Write a whole number, %(maximum)s or less.") % {"maximum": maximum})
    return number


def _decimal_error() -> CellError:
    return CellError(_("Write a number, for example 12,5 or 12.5."))


def _decimal_text(text: str) -> str:
    """The number with a decimal point and no thousands separators: in "1.234,5" and "1,234.5" the
    last mark is the decimal one; a mark that comes more than once ("1,234,567") separates
    thousands; a single comma is a decimal comma."""
    text = _digits(text)
    comma, point = text.rfind(","), text.rfind(".")
    if comma >= 0 and point >= 0:
        thousands = "." if comma > point else ","
        text = text.replace(thousands, "")
    elif text.count(",") > 1 or text.count(".") > 1:
        text = text.replace(",", "").replace(".", "")
    return text.replace(",", ".")


def parse_decimal(value: Any, *, places: int | None = None) -> Decimal:
    """A number: 50.4501, "50,4501" (decimal comma), "1 234,5", "1,234.5"; rounded half up to
    ``places`` decimal places when given. CellError for text or a formula."""
    if isinstance(value, Formula):
        raise _formula_error(value)
    if isinstance(value, bool):
        raise _decimal_error()
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        # The float's shortest form, 0.1 rather than 0.1000000000000000055511151231257827.
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = _decimal_text(value.strip())
        if not NUMBER.fullmatch(text):
            raise _decimal_error()
        number = Decimal(text)
    else:
        raise _decimal_error()
    if not number.is_finite():
        raise _decimal_error()
    if places is not None:
        try:
            number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise _decimal_error() from None
    return number


def parse_bool(value: Any) -> bool:
    """Yes or no: a boolean cell, 1 or 0, or a word in any of the portal's languages (yes/no,
    true/false, так/ні, ano/ne, да/нет, and the spreadsheets' TRUE/FALSE in them); "x" is yes, an
    empty cell no."""
    if isinstance(value, Formula):
        raise _formula_error(value)
    if isinstance(value, bool):
        return value
    if is_blank(value):
        return False
    word = _number_text(value) if isinstance(value, int | float | Decimal) else str(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(
        _("Write “%(yes)s” or “%(no)s” (1 or 0 also do; “x” is yes and an empty cell no).")
        % {"yes": pgettext("spreadsheet cell", "yes"), "no": pgettext("spreadsheet cell", "no")}
    )


def _choice_lookup(choices: list[tuple[str, Any]]) -> dict[str, str]:
    """Normalised stored value or label -> stored value. Labels of the active language win over
    the other languages', and stored values over labels, when they clash."""
    lookup: dict[str, str] = {}
    active = translation.get_language()
    languages = [code for code, _name in settings.LANGUAGES if code != active] + [active]
    for language in languages:
        with translation.override(language):
            lookup.update({normalise_name(str(label)): stored for stored, label in choices})
    lookup.update({normalise_name(stored): stored for stored, _label in choices})
    return lookup


def parse_choice(value: Any, choices: Iterable[tuple[str, Any]]) -> str:
    """The stored value of the choice the cell names, by its stored value or by its label in any
    of the portal's languages (compared as names: without case, apostrophes alike). CellError
    listing the labels in the active language when none matches."""
    choices = list(choices)
    if isinstance(value, Formula):
        raise _formula_error(value)
    stored = _choice_lookup(choices).get(normalise_name(parse_text(value)))
    if stored is None:
        raise CellError(
            _("Write one of: %(choices)s.") % {"choices": ", ".join(f"“{label}”" for _stored, label in choices)}
        )
    return stored
