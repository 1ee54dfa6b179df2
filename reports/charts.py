"""Charts for the PDF, drawn as SVG on the server (no JavaScript, no images fetched).

Each function takes labelled numbers and returns SVG markup in which every label is escaped, so
names typed by users (communities, modules) cannot inject markup. Sizes are in CSS pixels; the
template scales each chart to the page width.
"""

import re
import textwrap
import zlib
from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f5fa8", "#e08a1e", "#3a9a5b", "#b8403a", "#7a5aa6", "#4aa3b5", "#a6761d", "#666666")
INK = "#1d2733"
MUTED = "#5b6675"
GRID = "#d9dee5"
FONT = 'font-family="Zlagoda Sans" font-size="11"'

Formatter = Callable[[float | int | None], str]


def _plain(value) -> str:
    return "–" if value is None else str(value)


def _svg(width: int, height: int, body: list[str], title: str, summary: str = "") -> SafeString:
    """The chart's markup. Its ``<title>`` (the PDF's text alternative for the figure, which
    WeasyPrint reads from it) is the chart's title and ``summary``, its data in words."""
    alternative = f"{title}: {summary}" if summary else title
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(alternative)}">'
        f"<title>{escape(alternative)}</title>{''.join(body)}</svg>"
    )


def _summary(rows: Sequence[tuple[str, str]]) -> str:
    return "; ".join(f"{label} {value}" for label, value in rows)


class _Bars:
    """Bars collected per colour and drawn as one path each: WeasyPrint draws one SVG node much
    faster than dozens of rectangles."""

    def __init__(self):
        self.paths: dict[str, list[str]] = {}

    def add(self, x: float, y: float, width: float, height: float, colour: str) -> None:
        """``colour`` is a colour or a fill (``url(#pattern)``)."""
        if width > 0:
            self.paths.setdefault(colour, []).append(f"M{x:.1f} {y:.1f}h{width:.1f}v{height:.1f}h{-width:.1f}z")

    def svg(self) -> list[str]:
        return [f'<path d="{"".join(parts)}" fill="{colour}"/>' for colour, parts in self.paths.items()]


# Hatching drawn over each series' colour in a stacked bar, so that the series differ by more than
# colour (printed in grey, or read by someone who does not tell red from green): none, diagonal,
# dots, crossed, horizontal, vertical, reverse diagonal, grid.
HATCHES = (
    "",
    '<path d="M0 8L8 0" stroke="#fff" stroke-width="1.6"/>',
    '<circle cx="4" cy="4" r="1.4" fill="#fff"/>',
    '<path d="M0 8L8 0M0 0L8 8" stroke="#fff" stroke-width="1.1"/>',
    '<path d="M0 4H8" stroke="#fff" stroke-width="1.6"/>',
    '<path d="M4 0V8" stroke="#fff" stroke-width="1.6"/>',
    '<path d="M0 0L8 8" stroke="#fff" stroke-width="1.6"/>',
    '<path d="M0 4H8M4 0V8" stroke="#fff" stroke-width="1"/>',
)


def _patterns(prefix: str, count: int) -> tuple[list[str], list[str]]:
    """``count`` fills (a colour with its hatching each) as SVG ``<defs>``, and how to refer to
    them (``url(#…)``)."""
    defs, fills = [], []
    for index in range(count):
        colour, hatch = PALETTE[index % len(PALETTE)], HATCHES[index % len(HATCHES)]
        if not hatch:
            fills.append(colour)
            continue
        identifier = f"{prefix}-{index}"
        defs.append(
            f'<pattern id="{identifier}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>{hatch}</pattern>'
        )
        fills.append(f"url(#{identifier})")
    return ([f"<defs>{''.join(defs)}</defs>"] if defs else []), fills


# Right-to-left letters (Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan and their presentation forms).
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"
RTL_RUN = re.compile(f"[{_RTL}](?:[{_RTL}\\s]*[{_RTL}])?")


def visual_order(text: str) -> str:
    """``text`` with each run of right-to-left words reversed. WeasyPrint draws SVG text letter by
    letter, in the order stored, without the bidirectional algorithm: a Hebrew name would read
    backwards. (Its letters are not joined either, so Arabic prints unjoined; the table beside
    each chart has the name as typed.)"""
    return RTL_RUN.sub(lambda run: run.group(0)[::-1], text)


def _text(x, y, text, *, anchor="start", weight="normal", fill=INK, size=11) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}" fill="{fill}" '
        f'font-family="Zlagoda Sans, Zlagoda Emoji" font-size="{size}">{escape(visual_order(text))}</text>'
    )


def _legend(items: Sequence[tuple[str, str]], x: float, y: float, width: float) -> tuple[list[str], float]:
    """Colour keys from ``(x, y)``, wrapping onto a new line before ``width``; returns the markup
    and the baseline of the last line."""
    parts, left, line_height = [], x, 14
    for label, colour in items:
        item_width = 24 + 10 * CHARACTER_WIDTH_EM * len(label)
        if x > left and x + item_width > width:
            x, y = left, y + line_height
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        parts.append(_text(x + 14, y, label, fill=MUTED, size=10))
        x += item_width
    return parts, y


# DejaVu Sans averages about 0.62 em a character in Cyrillic and Latin text.
CHARACTER_WIDTH_EM = 0.62


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHARACTER_WIDTH_EM


def _label_lines(label: str, width: float, size: int = 11) -> list[str]:
    """``label`` on one line, or wrapped onto two that fit ``width`` user units at font ``size``;
    only a label longer than two lines ends in an ellipsis (each chart's data table next to it
    has every label in full)."""
    limit = max(4, int(width / (size * CHARACTER_WIDTH_EM)))
    if len(label) <= limit:
        return [label]
    lines = textwrap.wrap(label, limit)
    if len(lines) <= 2:
        return lines
    return [lines[0], lines[1][: limit - 1].rstrip() + "…"]


def _label(x: float, y: float, lines: list[str], size: int, line_height: float) -> list[str]:
    """A row's label, right-aligned at ``x``, its lines centred on ``y``."""
    top = y - (len(lines) - 1) * line_height / 2
    return [_text(x, top + index * line_height, line, anchor="end", size=size) for index, line in enumerate(lines)]


def _value_room(values: Sequence[str], size: int) -> float:
    """Room after the longest bar for its value, so that "486 (53,3 %)" is never cut."""
    return max((_text_width(value, size) for value in values), default=0) + 12


def _row_tops(labels: Sequence[list[str]], pitch: float, extra_line: float, top: float) -> list[float]:
    """The top of each row: ``pitch`` apart, plus ``extra_line`` for a label on two lines."""
    tops, y = [], top
    for lines in labels:
        tops.append(y)
        y += pitch + extra_line * (len(lines) - 1)
    return [*tops, y]


def bar_chart(
    rows: Sequence[tuple[str, float | int]],
    *,
    title: str,
    fmt: Formatter = _plain,
    width: int = 640,
    label_width: int = 220,
    colour: str = PALETTE[0],
) -> SafeString:
    """Horizontal bars, one per ``(label, value)`` row, each with its value written after it."""
    bar_height, gap, top, size = 16, 6, 8, 11
    labels = [_label_lines(label, label_width - 12, size) for label, _value in rows]
    values = [fmt(value) for _label, value in rows]
    tops = _row_tops(labels, bar_height + gap, size + 2, top)
    largest = max((value or 0 for _label, value in rows), default=0) or 1
    span = width - label_width - _value_room(values, size)
    body, bars = [], _Bars()
    for index, ((_label_text, value), lines, text) in enumerate(zip(rows, labels, values, strict=True)):
        y = tops[index] + (len(lines) - 1) * (size + 2) / 2
        length = span * (value or 0) / largest
        body += _label(label_width - 8, y + 12, lines, size, size + 2)
        bars.add(label_width, y, length, bar_height, colour)
        body.append(_text(label_width + length + 6, y + 12, text, fill=MUTED))
    summary = _summary([(label, text) for (label, _value), text in zip(rows, values, strict=True)])
    return _svg(width, int(tops[-1]) + 4, bars.svg() + body, title, summary)


def paired_bar_chart(
    rows: Sequence[tuple[str, float | int, float | int]],
    *,
    title: str,
    series: tuple[str, str],
    fmt: Formatter = _plain,
    width: int = 640,
    label_width: int = 200,
) -> SafeString:
    """Two measures per row on their own scales, side by side (e.g. events and participants per
    community): the left half of the plot for the first, the right half for the second."""
    bar_height, gap, top, size = 12, 6, 26, 10
    labels = [_label_lines(row[0], label_width - 12, size) for row in rows]
    texts = [(fmt(first), fmt(second)) for _label_text, first, second in rows]
    tops = _row_tops(labels, bar_height + gap, size + 1, top)
    half = (width - label_width - 20) / 2
    rooms = [_value_room([pair[column] for pair in texts], size) for column in (0, 1)]
    largest = [
        max((row[1] or 0 for row in rows), default=0) or 1,
        max((row[2] or 0 for row in rows), default=0) or 1,
    ]
    bars = _Bars()
    body = [
        _text(label_width, 12, series[0], weight="bold", fill=PALETTE[0], size=10),
        _text(label_width + half + 10, 12, series[1], weight="bold", fill=PALETTE[1], size=10),
    ]
    for index, ((_label_text, first, second), lines, pair) in enumerate(zip(rows, labels, texts, strict=True)):
        y = tops[index] + (len(lines) - 1) * (size + 1) / 2
        body += _label(label_width - 8, y + 10, lines, size, size + 1)
        for column, value in enumerate((first, second)):
            x = label_width + column * (half + 10)
            length = max(0.0, half - rooms[column]) * (value or 0) / largest[column]
            bars.add(x, y, length, bar_height, PALETTE[column])
            body.append(_text(x + length + 4, y + 10, pair[column], fill=MUTED, size=10))
    summary = _summary(
        [(row[0], f"{series[0]} {pair[0]}, {series[1]} {pair[1]}") for row, pair in zip(rows, texts, strict=True)]
    )
    return _svg(width, int(tops[-1]) + 4, bars.svg() + body, title, summary)


def stacked_bar_chart(
    rows: Sequence[tuple[str, Sequence[float | int]]],
    *,
    title: str,
    series: Sequence[str],
    fmt: Formatter = _plain,
    width: int = 640,
    label_width: int = 220,
) -> SafeString:
    """One horizontal bar per row, split into the ``series`` (e.g. incidents of a category by
    status), with the row's total after it and a legend below. Each series has its colour and its
    own hatching, in the bars and in the legend."""
    bar_height, gap, top, size = 16, 6, 8, 11
    labels = [_label_lines(label, label_width - 12, size) for label, _values in rows]
    totals = [sum(value or 0 for value in values) for _label_text, values in rows]
    total_texts = [fmt(total) for total in totals]
    tops = _row_tops(labels, bar_height + gap, size + 2, top)
    largest = max(totals, default=0) or 1
    span = width - label_width - _value_room(total_texts, size)
    # An id from the title, the same in every process: the same data must give the same bytes.
    defs, fills = _patterns(f"hatch-{zlib.crc32(title.encode()):08x}", len(series))
    body, bars = [], _Bars()
    for index, ((_label_text, values), lines, total) in enumerate(zip(rows, labels, total_texts, strict=True)):
        y = tops[index] + (len(lines) - 1) * (size + 2) / 2
        body += _label(label_width - 8, y + 12, lines, size, size + 2)
        x = float(label_width)
        for position, value in enumerate(values):
            length = span * (value or 0) / largest
            bars.add(x, y, length, bar_height, fills[position])
            x += length
        body.append(_text(x + 6, y + 12, total, fill=MUTED))
    legend, bottom = _legend(list(zip(series, fills, strict=True)), 8, tops[-1] + 14, width)
    summary = _summary(
        [
            (label, ", ".join(f"{name} {fmt(value)}" for name, value in zip(series, values, strict=True) if value))
            for label, values in rows
        ]
    )
    return _svg(width, int(bottom) + 8, defs + bars.svg() + body + legend, title, summary)


def score_chart(
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    title: str,
    series: tuple[str, str],
    fmt: Formatter = _plain,
    width: int = 640,
    label_width: int = 250,
    low: float = 1.0,
    high: float = 5.0,
) -> SafeString:
    """Scores on a fixed scale (1 to 5), two bars per row: before and now."""
    bar_height, gap, top, size = 10, 10, 8, 10
    labels = [_label_lines(label, label_width - 12, size) for label, _before, _now in rows]
    tops = _row_tops(labels, 2 * bar_height + gap, size + 1, top)
    span = width - label_width - 50
    height = tops[-1] + 40
    body, bars, grid = [], _Bars(), []
    for tick in range(int(low), int(high) + 1):
        x = label_width + span * (tick - low) / (high - low)
        grid.append(f"M{x:.1f} {top - 4}V{height - 30}")
        body.append(_text(x, height - 18, str(tick), anchor="middle", fill=MUTED, size=9))
    for index, ((_label_text, before, now), lines) in enumerate(zip(rows, labels, strict=True)):
        y = tops[index] + (len(lines) - 1) * (size + 1) / 2
        body += _label(label_width - 8, y + bar_height + 4, lines, size, size + 1)
        for position, (value, colour) in enumerate(((before, PALETTE[7]), (now, PALETTE[0]))):
            if value is None:
                continue
            length = span * (max(low, min(high, value)) - low) / (high - low)
            bar_y = y + position * bar_height
            bars.add(label_width, bar_y, length, bar_height - 1, colour)
            body.append(_text(label_width + length + 4, bar_y + 8, fmt(value), fill=MUTED, size=9))
    body += _legend([(series[0], PALETTE[7]), (series[1], PALETTE[0])], label_width, height - 4, width)[0]
    lines_path = f'<path d="{"".join(grid)}" stroke="{GRID}" fill="none"/>'
    summary = _summary([(label, f"{series[0]} {fmt(before)}, {series[1]} {fmt(now)}") for label, before, now in rows])
    return _svg(width, int(height), [lines_path, *bars.svg(), *body], title, summary)


def sparkline(
    values: Sequence[float | int], *, title: str, summary: str, width: int = 180, height: int = 36
) -> SafeString:
    """A small line of ``values`` (oldest first) without axes, for a table cell: the line, a dot on
    the last value and rings on the lowest and highest. Its text alternative is ``title`` and
    ``summary`` (the first, last, lowest and highest values in words, which the table beside it
    prints too)."""
    if not values:
        return _svg(width, height, [], title, summary)
    pad = 4
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def point(index: int, value: float) -> tuple[float, float]:
        y = height - pad - (value - low) / span * (height - 2 * pad) if high != low else height / 2
        return pad + index * step, y

    points = [point(index, value) for index, value in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    body = [f'<polyline points="{line}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.6"/>']
    for index in (values.index(low), values.index(high)):
        x, y = points[index]
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="#fff" stroke="{MUTED}" stroke-width="1"/>')
    x, y = points[-1]
    body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{PALETTE[0]}"/>')
    return _svg(width, height, body, title, summary)
