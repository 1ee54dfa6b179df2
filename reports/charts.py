"""Charts for the PDF, drawn as SVG on the server (no JavaScript, no images fetched).

Each function takes labelled numbers and returns SVG markup in which every label is escaped, so
names typed by users (communities, modules) cannot inject markup. Sizes are in CSS pixels; the
template scales each chart to the page width.
"""

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


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


class _Bars:
    """Bars collected per colour and drawn as one path each: WeasyPrint draws one SVG node much
    faster than dozens of rectangles."""

    def __init__(self):
        self.paths: dict[str, list[str]] = {}

    def add(self, x: float, y: float, width: float, height: float, colour: str) -> None:
        if width > 0:
            self.paths.setdefault(colour, []).append(f"M{x:.1f} {y:.1f}h{width:.1f}v{height:.1f}h{-width:.1f}z")

    def svg(self) -> list[str]:
        return [f'<path d="{"".join(parts)}" fill="{colour}"/>' for colour, parts in self.paths.items()]


def _text(x, y, text, *, anchor="start", weight="normal", fill=INK, size=11) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}" fill="{fill}" '
        f'font-family="Zlagoda Sans" font-size="{size}">{escape(text)}</text>'
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


def _shorten(label: str, width: float, size: int = 11) -> str:
    """``label``, cut with an ellipsis so that it fits ``width`` user units at font ``size``."""
    limit = max(4, int(width / (size * CHARACTER_WIDTH_EM)))
    return label if len(label) <= limit else label[: limit - 1] + "…"


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
    bar_height, gap, top = 16, 6, 8
    height = top + len(rows) * (bar_height + gap) + 4
    largest = max((value or 0 for _label, value in rows), default=0) or 1
    span = width - label_width - 70
    body, bars = [], _Bars()
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_height + gap)
        length = span * (value or 0) / largest
        body.append(_text(label_width - 8, y + 12, _shorten(label, label_width - 12), anchor="end"))
        bars.add(label_width, y, length, bar_height, colour)
        body.append(_text(label_width + length + 6, y + 12, fmt(value), fill=MUTED))
    return _svg(width, height, bars.svg() + body, title)


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
    bar_height, gap, top = 12, 6, 26
    height = top + len(rows) * (bar_height + gap) + 4
    half = (width - label_width - 20) / 2
    largest = [
        max((row[1] or 0 for row in rows), default=0) or 1,
        max((row[2] or 0 for row in rows), default=0) or 1,
    ]
    bars = _Bars()
    body = [
        _text(label_width, 12, series[0], weight="bold", fill=PALETTE[0], size=10),
        _text(label_width + half + 10, 12, series[1], weight="bold", fill=PALETTE[1], size=10),
    ]
    for index, (label, first, second) in enumerate(rows):
        y = top + index * (bar_height + gap)
        body.append(_text(label_width - 8, y + 10, _shorten(label, label_width - 12, size=10), anchor="end", size=10))
        for column, value in enumerate((first, second)):
            x = label_width + column * (half + 10)
            length = (half - 40) * (value or 0) / largest[column]
            bars.add(x, y, length, bar_height, PALETTE[column])
            body.append(_text(x + length + 4, y + 10, fmt(value), fill=MUTED, size=10))
    return _svg(width, height, bars.svg() + body, title)


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
    status), with the row's total after it and a legend below."""
    bar_height, gap, top = 16, 6, 8
    totals = [sum(value or 0 for value in values) for _label, values in rows]
    largest = max(totals, default=0) or 1
    span = width - label_width - 60
    body, bars = [], _Bars()
    for index, ((label, values), total) in enumerate(zip(rows, totals, strict=True)):
        y = top + index * (bar_height + gap)
        body.append(_text(label_width - 8, y + 12, _shorten(label, label_width - 12), anchor="end"))
        x = float(label_width)
        for position, value in enumerate(values):
            length = span * (value or 0) / largest
            bars.add(x, y, length, bar_height, PALETTE[position % len(PALETTE)])
            x += length
        body.append(_text(x + 6, y + 12, fmt(total), fill=MUTED))
    legend, bottom = _legend(
        [(name, PALETTE[i % len(PALETTE)]) for i, name in enumerate(series)],
        8,
        top + len(rows) * (bar_height + gap) + 14,
        width,
    )
    return _svg(width, int(bottom) + 8, bars.svg() + body + legend, title)


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
    bar_height, gap, top = 10, 10, 8
    span = width - label_width - 50
    height = top + len(rows) * (2 * bar_height + gap) + 40
    body, bars, grid = [], _Bars(), []
    for tick in range(int(low), int(high) + 1):
        x = label_width + span * (tick - low) / (high - low)
        grid.append(f"M{x:.1f} {top - 4}V{height - 30}")
        body.append(_text(x, height - 18, str(tick), anchor="middle", fill=MUTED, size=9))
    for index, (label, before, now) in enumerate(rows):
        y = top + index * (2 * bar_height + gap)
        body.append(
            _text(
                label_width - 8, y + bar_height + 4, _shorten(label, label_width - 12, size=10), anchor="end", size=10
            )
        )
        for position, (value, colour) in enumerate(((before, PALETTE[7]), (now, PALETTE[0]))):
            if value is None:
                continue
            length = span * (max(low, min(high, value)) - low) / (high - low)
            bar_y = y + position * bar_height
            bars.add(label_width, bar_y, length, bar_height - 1, colour)
            body.append(_text(label_width + length + 4, bar_y + 8, fmt(value), fill=MUTED, size=9))
    body += _legend([(series[0], PALETTE[7]), (series[1], PALETTE[0])], label_width, height - 4, width)[0]
    lines = f'<path d="{"".join(grid)}" stroke="{GRID}" fill="none"/>'
    return _svg(width, height, [lines, *bars.svg(), *body], title)
