"""Computed observations: what a reader should notice first, written from the report's figures.

Pure functions over the report document (no database), in the active language: the largest
changes of the headline figures against the previous period, said as better or worse where the
figure has a good direction (:data:`reports.indicators.BETTER`); the communities needing
attention (the largest drops of the safety score, the most incidents open at the period's end,
partner communities without any activity in the period); and the headline figures per half-year
(:mod:`reports.trends`) with their first, last, lowest and highest values. Every list is in a
fixed order, ties broken by name, so that the same document always reads the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.figures import CommunityRow, HeadlineFigure, Trends

MINUS = "\u2212"
# The most changes the "Key observations" list gives, and the most communities per reason.
CHANGES_LIMIT = 5
ATTENTION_LIMIT = 5
# The most communities without activity listed by name (the rest are counted).
IDLE_LIMIT = 30


class Observation(TypedDict):
    text: str
    # "improved", "worsened" or "neutral" (a figure that is neither good nor bad news in itself).
    trend: str


class Attention(TypedDict):
    id: int
    name: str
    region: str
    # "score_drop", "open_incidents" or "no_activity".
    reason: str
    text: str


class TrendLine(TypedDict):
    key: str
    label: str
    values: list[int]
    first: str
    last: str
    lowest: str
    highest: str
    summary: str


# pdf.py imports this module, so its formatters are not imported here: numbers are rounded the
# same way (half up, once) and grouped in the active language.
def _number(value: float | int, decimals: int = 0) -> str:
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _signed(value: float | int, decimals: int = 0) -> str:
    text = _number(abs(value), decimals)
    return ("+" if value > 0 else MINUS) + text


def _percent(value: float) -> str:
    return _("%(number)s%%") % {"number": _signed(value * 100, 1)}


# --- the largest changes ------------------------------------------------------------------------


def _relative(figure: HeadlineFigure) -> float | None:
    previous, change = figure["previous"], figure["change"]
    if not previous or change is None or change == 0:
        return None
    return change / previous


def _change_sentence(row: Mapping[str, Any], details: str, rising: bool) -> str:
    values = {"label": row["label"], "previous": row["previous"], "current": row["current"], "details": details}
    if rising:
        if row["trend"] == "improved":
            return _("%(label)s rose from %(previous)s to %(current)s (%(details)s), an improvement.") % values
        if row["trend"] == "worsened":
            return _("%(label)s rose from %(previous)s to %(current)s (%(details)s), a deterioration.") % values
        return _("%(label)s rose from %(previous)s to %(current)s (%(details)s).") % values
    if row["trend"] == "improved":
        return _("%(label)s fell from %(previous)s to %(current)s (%(details)s), an improvement.") % values
    if row["trend"] == "worsened":
        return _("%(label)s fell from %(previous)s to %(current)s (%(details)s), a deterioration.") % values
    return _("%(label)s fell from %(previous)s to %(current)s (%(details)s).") % values


def largest_changes(
    headline: Sequence[HeadlineFigure],
    shown: Sequence[Mapping[str, Any]],
    *,
    rates: frozenset[str] = frozenset({"resolution_rate"}),
    limit: int = CHANGES_LIMIT,
) -> list[Observation]:
    """The ``limit`` headline figures that changed most against the previous period, by their
    relative change (largest first, ties by label), as sentences. ``shown`` are the same figures
    as the summary table prints them (``label``, ``current``, ``previous``, ``change`` formatted,
    ``trend``: :func:`reports.pdf.judge`), so that a sentence and the table say the same numbers.
    A figure without a previous value, or that did not change as printed, is left out; a rate's
    change is in percentage points, any other's also in per cent."""
    candidates = []
    for figure, row in zip(headline, shown, strict=True):
        relative = _relative(figure)
        if relative is None or row["trend"] == "flat":
            continue
        candidates.append((-abs(relative), row["label"], figure, row, relative))
    candidates.sort(key=lambda item: (item[0], item[1]))
    observations: list[Observation] = []
    for _rank, _label, figure, row, relative in candidates[:limit]:
        details = row["change"] if figure["key"] in rates else f"{row['change']}; {_percent(relative)}"
        observations.append(
            {
                "text": _change_sentence(row, details, rising=relative > 0),
                "trend": row["trend"] if row["trend"] in ("improved", "worsened") else "neutral",
            }
        )
    return observations


# --- communities needing attention ------------------------------------------------------------------


def _attention(row: CommunityRow, reason: str, text: str) -> Attention:
    return {"id": row["id"], "name": row["name"], "region": row["region"], "reason": reason, "text": text}


def score_drops(rows: Sequence[CommunityRow], limit: int = ATTENTION_LIMIT) -> list[Attention]:
    """The communities whose overall safety score fell most against the previous period."""
    dropped = []
    for row in rows:
        assessment = row["assessment"]
        score = assessment["scores"].get("overall") if assessment else None
        if not score or score["current"] is None or score["previous"] is None:
            continue
        change = score["current"] - score["previous"]
        if round(change, 2) < 0:
            dropped.append((change, row["name"], row["id"], row, score["previous"], score["current"]))
    dropped.sort(key=lambda item: item[:3])
    return [
        _attention(
            row,
            "score_drop",
            _("The overall safety score fell from %(previous)s to %(current)s (%(change)s).")
            % {"previous": _number(previous, 2), "current": _number(current, 2), "change": _signed(change, 2)},
        )
        for change, _name, _id, row, previous, current in dropped[:limit]
    ]


def most_open_incidents(rows: Sequence[CommunityRow], limit: int = ATTENTION_LIMIT) -> list[Attention]:
    """The communities with most incidents still open at the period's end."""
    open_rows = [
        (-row["figures"]["open_at_end"]["current"], row["name"], row["id"], row)
        for row in rows
        if row["figures"]["open_at_end"]["current"]
    ]
    open_rows.sort(key=lambda item: item[:3])
    return [
        _attention(
            row,
            "open_incidents",
            ngettext(
                "%(count)s incident still open at the end of the period.",
                "%(count)s incidents still open at the end of the period.",
                -count,
            )
            % {"count": _number(-count)},
        )
        for count, _name, _id, row in open_rows[:limit]
    ]


def without_activity(rows: Sequence[CommunityRow]) -> list[Attention]:
    """The partner communities (in partnership at the period's end) with no outreach event held
    and no incident reported in the period, by name."""
    idle = [
        row
        for row in rows
        if row["partnership"]["status"] == "active"
        and not row["figures"]["events"]["current"]
        and not row["figures"]["incidents"]["current"]
    ]
    idle.sort(key=lambda row: (row["name"], row["id"]))
    return [
        _attention(row, "no_activity", _("No outreach event and no incident recorded in the period.")) for row in idle
    ]


def communities_needing_attention(rows: Sequence[CommunityRow], limit: int = ATTENTION_LIMIT) -> list[Attention]:
    """The largest score drops, then the most open incidents, then the communities without
    activity: a row per community and reason."""
    return [*score_drops(rows, limit), *most_open_incidents(rows, limit), *without_activity(rows)]


# --- trends over every half-year ----------------------------------------------------------------------


def half_year_words(code: str) -> str:
    """``2024-H2`` as words: "July–December 2024"."""
    year, half = code.split("-H")
    if half == "1":
        return _("January–June %(year)s") % {"year": year}
    return _("July–December %(year)s") % {"year": year}


def trend_lines(trends: Trends, labels: Mapping[str, str]) -> list[TrendLine]:
    """Each series of ``trends`` with its first, last, lowest and highest values in words (the
    lowest and highest: their first half-year), the sparklines' text alternative and table."""
    periods = trends["periods"]
    lines: list[TrendLine] = []
    if not periods:
        return lines
    for key, values in trends["series"].items():
        low, high = min(values), max(values)

        def at(value: int, index: int) -> str:
            return _("%(value)s in %(period)s") % {"value": _number(value), "period": half_year_words(periods[index])}

        first, last = at(values[0], 0), at(values[-1], len(values) - 1)
        lowest, highest = at(low, values.index(low)), at(high, values.index(high))
        lines.append(
            {
                "key": key,
                "label": labels.get(key, key),
                "values": values,
                "first": first,
                "last": last,
                "lowest": lowest,
                "highest": highest,
                "summary": _("first %(first)s, last %(last)s, lowest %(lowest)s, highest %(highest)s")
                % {"first": first, "last": last, "lowest": lowest, "highest": highest},
            }
        )
    return lines
