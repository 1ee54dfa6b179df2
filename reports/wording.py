"""Periods and days in words, in the active language, for what a reader sees (the PDF reports,
their charts and the messages of a report request): "January–June 2025" rather than "2025-H1",
"1 січня 2025" rather than "01 січня 2025 р."."""

from datetime import date

from django.utils import formats, translation
from django.utils.translation import gettext as _

# A day in each language's own written form (Django's DATE_FORMAT pads the Ukrainian day, "01
# січня", and writes the English month short, "Jan. 1"). "E" is the month's name as a date says it
# (the genitive in Ukrainian, Russian and Czech).
DAY_FORMATS = {"uk": "j E Y", "ru": "j E Y", "cs": "j. E Y", "en": "j F Y"}


def day_in_words(value: str | date | None) -> str:
    """``value`` (a date or an ISO date) written out in the active language; "–" for none."""
    if not value:
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value)
    language = (translation.get_language() or "en").split("-")[0]
    return formats.date_format(value, DAY_FORMATS.get(language, "DATE_FORMAT"))


def period_words(code: str) -> str:
    """A period's code (``2025-H1``, ``2025-H2``, ``2025``) in words: "January–June 2025",
    "July–December 2025", "2025"."""
    year, _dash, half = code.partition("-H")
    if half == "1":
        return _("January–June %(year)s") % {"year": year}
    if half == "2":
        return _("July–December %(year)s") % {"year": year}
    return year
