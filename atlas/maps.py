"""Community maps drawn as SVG on the server, on the outlines that ship in ``atlas/data/``.

``community_map`` places each community as a circle on its country's region outlines, coloured
*and* sized by one of five classes of a figure (so colour is never the only cue), with a legend,
a hollow grey marker for a community without data, a ``<title>`` and an ``aria-label`` per
community and a link to its page when the caller gives one. Nothing is fetched: the outlines are
files of this package, so the same map goes into the portal's pages and the PDF reports.

The projection is Web Mercator fitted to the communities' extent; the SVG carries that extent
(``data-west`` ... ``data-north``, in degrees) so a page may lay raster tiles under it. The output
is deterministic: the same points give the same bytes (the PDF is checksummed).

This package reads no model: the callers (``reports/maps.py``) turn their rows into ``MapPoint``.
"""

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

DATA = Path(__file__).resolve().parent / "data"
# The portal's Region.country (ISO 3166-1 alpha-2) -> the outline file (alpha-3).
COUNTRY_FILES = {"UA": "ukr", "CZ": "cze", "KZ": "kaz", "KG": "kgz", "UZ": "uzb"}

# The countries drawn together on one map: a programme's communities across Europe and Central
# Asia make one map per group rather than one strip from Bohemia to the Tian Shan.
MAP_GROUPS = (("UA",), ("CZ",), ("KZ", "KG", "UZ"))

# Viridis in five steps, light to dark: sequential, readable with every common colour-vision
# deficiency and in greyscale. Each marker has a dark outline, so the light class shows on land.
PALETTE = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
RADII = (4.0, 5.5, 7.0, 8.5, 10.0)
CLASSES = len(PALETTE)
INK = "#1d2733"
MUTED = "#5b6675"
NO_DATA = "#7a8491"
LAND = "#eef1f4"
REGION_LINE = "#b8c0cc"
FONT = 'font-family="Zlagoda Sans, DejaVu Sans, sans-serif"'
CHARACTER_WIDTH_EM = 0.62  # DejaVu Sans' average in Cyrillic and Latin text
MARGIN = 0.08  # of the communities' extent, on each side
MINIMUM_SPAN = 3.0  # degrees of longitude (~200 km): a few close communities show with their region
MINIMUM_STEP = 1.0  # pixels (|dx| + |dy|) between two points of an outline that are both drawn
ASPECT = (0.5, 1.0)  # the map's height / width, the extent widened to fit


@dataclass(frozen=True)
class MapPoint:
    """One community on the map: ``value`` colours it (``None``: no data), ``label`` says it in words
    ("12 events"), ``url`` (optional) is the page a click opens."""

    key: str
    name: str
    latitude: float
    longitude: float
    value: float | None
    label: str
    url: str | None = None


@dataclass(frozen=True)
class MapClass:
    """A class of the legend: the values from ``low`` to ``high`` (both in the class)."""

    low: float
    high: float
    colour: str
    radius: float


# --- projection ---------------------------------------------------------------------------------


def _mercator(longitude: float, latitude: float) -> tuple[float, float]:
    """Web Mercator in world units (0..1 from west to east and from north to south)."""
    latitude = max(-85.0, min(85.0, latitude))
    sine = math.sin(math.radians(latitude))
    return (longitude + 180.0) / 360.0, 0.5 - math.log((1 + sine) / (1 - sine)) / (4 * math.pi)


def _inverse(x: float, y: float) -> tuple[float, float]:
    longitude = x * 360.0 - 180.0
    latitude = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))
    return longitude, latitude


Line = tuple[tuple[float, float], ...]


@cache
def _outline(country: str) -> tuple[tuple[Line, ...], tuple[Line, ...]]:
    """A country's region rings and its border lines, in Mercator world units."""
    data = json.loads((DATA / f"{COUNTRY_FILES[country]}.json").read_text(encoding="utf-8"))
    rings = tuple(
        tuple(_mercator(lon, lat) for lon, lat in ring) for region in data["regions"] for ring in region["rings"]
    )
    border = tuple(tuple(_mercator(lon, lat) for lon, lat in line) for line in data["border"])
    return rings, border


@cache
def _box(country: str) -> tuple[float, float, float, float]:
    """A country's box in world units: west, north, east, south."""
    rings, _border = _outline(country)
    xs = [x for ring in rings for x, _y in ring]
    ys = [y for ring in rings for _x, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def countries_around(points: Iterable[MapPoint]) -> list[str]:
    """The countries whose outline box holds one of ``points`` (ISO 3166-1 alpha-2, sorted)."""
    found = set()
    for point in points:
        x, y = _mercator(point.longitude, point.latitude)
        for country in COUNTRY_FILES:
            west, north, east, south = _box(country)
            if west <= x <= east and north <= y <= south:
                found.add(country)
    return sorted(found)


@dataclass(frozen=True)
class _View:
    """The map's window on the world (Mercator units) and its size in pixels."""

    west: float
    north: float
    scale: float  # pixels per world unit
    width: int
    height: int

    def pixel(self, point: tuple[float, float]) -> tuple[float, float]:
        return (point[0] - self.west) * self.scale, (point[1] - self.north) * self.scale

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.west, self.north, self.west + self.width / self.scale, self.north + self.height / self.scale


def _view(points: Sequence[MapPoint], countries: Sequence[str], width: int) -> _View | None:
    if points:
        projected = [_mercator(point.longitude, point.latitude) for point in points]
        west, east = min(x for x, _ in projected), max(x for x, _ in projected)
        north, south = min(y for _, y in projected), max(y for _, y in projected)
    elif countries:
        boxes = [_box(country) for country in countries]
        west, north = min(box[0] for box in boxes), min(box[1] for box in boxes)
        east, south = max(box[2] for box in boxes), max(box[3] for box in boxes)
    else:
        return None
    minimum = MINIMUM_SPAN / 360.0
    span_x = max(east - west, minimum) * (1 + 2 * MARGIN)
    span_y = (south - north) * (1 + 2 * MARGIN)
    # Neither a ribbon nor a tower: the shorter side is widened to the nearest allowed shape.
    span_y = max(span_y, span_x * ASPECT[0])
    span_x = max(span_x, span_y / ASPECT[1])
    centre_x, centre_y = (west + east) / 2, (north + south) / 2
    scale = width / span_x
    height = round(span_y * scale)
    return _View(centre_x - span_x / 2, centre_y - span_y / 2, scale, width, height)


# --- classes ------------------------------------------------------------------------------------


def map_classes(values: Iterable[float]) -> list[MapClass]:
    """Up to five classes of ``values`` by quantiles, each named by the lowest and highest value
    it holds; fewer when there are fewer distinct values (each then a class of its own)."""
    ordered = sorted(values)
    if not ordered:
        return []
    distinct = sorted(set(ordered))
    if len(distinct) <= CLASSES:
        groups = [[value] for value in distinct]
    else:
        breaks = sorted({ordered[math.ceil(k * len(ordered) / CLASSES) - 1] for k in range(1, CLASSES)})
        breaks = [b for b in breaks if b < distinct[-1]] + [distinct[-1]]
        groups, low = [], -math.inf
        for high in breaks:
            groups.append([value for value in distinct if low < value <= high])
            low = high
    count = len(groups)
    steps = [2] if count == 1 else [round(i * (CLASSES - 1) / (count - 1)) for i in range(count)]
    return [
        MapClass(group[0], group[-1], PALETTE[step], RADII[step]) for group, step in zip(groups, steps, strict=True)
    ]


def _class_of(value: float, classes: Sequence[MapClass]) -> MapClass:
    for map_class in classes:
        if value <= map_class.high:
            return map_class
    return classes[-1]


def _number(value: float, decimals: int) -> str:
    return str(number_format(value, decimal_pos=decimals, use_l10n=True))


def _range_label(map_class: MapClass, decimals: int) -> str:
    if map_class.low == map_class.high:
        return _number(map_class.low, decimals)
    return f"{_number(map_class.low, decimals)} – {_number(map_class.high, decimals)}"


# --- drawing ------------------------------------------------------------------------------------


def _path(lines: Iterable[Line], view: _View, *, closed: bool) -> str:
    """Path data in pixels rounded to 0.1, leaving out the lines wholly outside the window and
    the points within a pixel of the last one kept (the outlines are finer than a small map)."""
    west, north, east, south = view.box
    parts = []
    for line in lines:
        line_west, line_north, line_east, line_south = _line_box(line)
        if line_east < west or line_west > east or line_south < north or line_north > south:
            continue
        commands: list[str] = []
        last_x = last_y = -1e9
        final = len(line) - 1
        for index, point in enumerate(line):
            x, y = view.pixel(point)
            if abs(x - last_x) + abs(y - last_y) < MINIMUM_STEP and index != final:
                continue
            commands.append(f"{'L' if commands else 'M'}{round(x, 1):g} {round(y, 1):g}")
            last_x, last_y = x, y
        if len(commands) > (2 if closed else 1):
            parts.append("".join(commands) + ("Z" if closed else ""))
    return "".join(parts)


@cache
def _line_box(line: Line) -> tuple[float, float, float, float]:
    xs, ys = [x for x, _ in line], [y for _, y in line]
    return min(xs), min(ys), max(xs), max(ys)


def _outlines(countries: Sequence[str], view: _View) -> list[str]:
    parts = []
    for country in countries:
        rings, border = _outline(country)
        regions = _path(rings, view, closed=True)
        if regions:
            parts.append(
                f'<path d="{regions}" fill="{LAND}" fill-rule="evenodd" class="atlas-land" stroke="{REGION_LINE}" '
                f'stroke-width="0.6" stroke-linejoin="round" data-country="{country}"/>'
            )
        line = _path(border, view, closed=False)
        if line:
            parts.append(f'<path d="{line}" fill="none" stroke="{MUTED}" stroke-width="1.2" stroke-linejoin="round"/>')
    return parts


def _safe_url(url: str | None) -> str | None:
    """Only links within the portal or to the web: a ``javascript:`` address never becomes a link."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("", "http", "https") else None


def _marker(point: MapPoint, view: _View, map_class: MapClass | None) -> str:
    x, y = view.pixel(_mercator(point.longitude, point.latitude))
    text = escape(f"{point.name}: {point.label}")
    if map_class is None:
        shape = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{RADII[0]:g}" fill="#ffffff" fill-opacity="0.6" '
            f'stroke="{NO_DATA}" stroke-width="1.5" stroke-dasharray="2 1.5" data-key="{escape(point.key)}" '
            f'class="atlas-no-data"'
        )
    else:
        shape = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{map_class.radius:g}" fill="{map_class.colour}" '
            f'stroke="{INK}" stroke-width="1" data-key="{escape(point.key)}"'
        )
    url = _safe_url(point.url)
    if url is None:
        return f'{shape} role="img" aria-label="{text}"><title>{text}</title></circle>'
    return f'<a href="{escape(url)}" aria-label="{text}">{shape}><title>{text}</title></circle></a>'


def _text(x: float, y: float, text: str, *, weight: str = "normal", fill: str = INK, size: int = 11) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-weight="{weight}" fill="{fill}" {FONT} '
        f'font-size="{size}">{escape(text)}</text>'
    )


def _legend(
    classes: Sequence[MapClass], *, decimals: int, legend_title: str, no_data_label: str, top: float, width: int
) -> tuple[list[str], float]:
    """The legend from ``top``: its title, then one key per class and the no-data key, wrapping."""
    parts = [_text(8, top + 14, legend_title, weight="bold")]
    items: list[tuple[str, str]] = []
    for map_class in classes:
        circle = (
            f'<circle cx="{{x:.1f}}" cy="{{y:.1f}}" r="{map_class.radius:g}" fill="{map_class.colour}" '
            f'stroke="{INK}" stroke-width="1"/>'
        )
        items.append((_range_label(map_class, decimals), circle))
    items.append(
        (
            no_data_label,
            f'<circle cx="{{x:.1f}}" cy="{{y:.1f}}" r="{RADII[0]:g}" fill="#ffffff" stroke="{NO_DATA}" '
            f'stroke-width="1.5" stroke-dasharray="2 1.5"/>',
        )
    )
    x, y, line_height = 8.0, top + 40, 26
    for label, circle in items:
        item_width = 2 * RADII[-1] + 10 + 11 * CHARACTER_WIDTH_EM * len(label) + 16
        if x > 8 and x + item_width > width:
            x, y = 8.0, y + line_height
        parts.append(circle.format(x=x + RADII[-1], y=y - 4))
        parts.append(_text(x + 2 * RADII[-1] + 6, y, label, fill=MUTED, size=11))
        x += item_width
    return parts, y + 12


def _decimals(values: Sequence[float]) -> int:
    """As few decimals as the values need, at most two."""
    for decimals in (0, 1):
        if all(round(float(value) * 10**decimals, 6).is_integer() for value in values):
            return decimals
    return 2


def community_map(
    points: Sequence[MapPoint],
    *,
    title: str,
    legend_title: str,
    countries: Sequence[str] = (),
    width: int = 720,
    no_data_label: str,
    tile_url: str = "",
    tile_attribution: str = "",
    class_values: Sequence[float] | None = None,
) -> SafeString:
    """Inline SVG of ``points`` on their countries' region outlines, coloured and sized by class.

    The map is fitted to the points (to ``countries`` when there are none); every country of
    ``countries`` and every other country of ``atlas/data`` whose box overlaps the map is drawn.
    Every string is escaped; a ``url`` opens from the community's marker. ``tile_url`` (a page's
    ``settings.MAP_TILE_URL``, never the PDF's) and its attribution go into data attributes that
    ``static/js/map_tiles.js`` reads to lay raster tiles under the map in the browser.
    ``class_values`` (default: the points' own values) are what the classes are cut from, so that
    several maps (one per :data:`MAP_GROUPS`) share one legend."""
    ordered = sorted(points, key=lambda point: (point.key, point.name, point.latitude, point.longitude))
    values = [point.value for point in ordered if point.value is not None]
    classes = map_classes(values if class_values is None else class_values)
    view = _view(ordered, countries, width)
    body: list[str] = []
    map_height = view.height if view else 0
    attributes = ""
    if view is not None:
        west, north, east, south = view.box
        drawn = sorted(
            country
            for country in COUNTRY_FILES
            if country in countries
            or not (
                _box(country)[2] < west
                or _box(country)[0] > east
                or _box(country)[3] < north
                or _box(country)[1] > south
            )
        )
        lon_west, lat_north = _inverse(west, north)
        lon_east, lat_south = _inverse(east, south)
        attributes = (
            f' data-west="{lon_west:.6f}" data-south="{lat_south:.6f}" data-east="{lon_east:.6f}" '
            f'data-north="{lat_north:.6f}" data-map-height="{map_height}" data-projection="EPSG:3857" '
            f'data-countries="{" ".join(drawn)}"'
        )
        if tile_url:
            attributes += f' data-tile-url="{escape(tile_url)}" data-tile-attribution="{escape(tile_attribution)}"'

        markers = [(point, None if point.value is None else _class_of(point.value, classes)) for point in ordered]
        # The largest circles first, so a small one is never hidden under a large one; no data on top.
        markers.sort(key=lambda item: -1 if item[1] is None else -item[1].radius)
        body.append(
            f'<svg x="0" y="0" width="{width}" height="{map_height}" viewBox="0 0 {width} {map_height}" '
            f'overflow="hidden" class="atlas-map">'
            f'<rect width="{width}" height="{map_height}" fill="none" stroke="{REGION_LINE}"/>'
            + "".join(_outlines(drawn, view))
            + "".join(_marker(point, view, map_class) for point, map_class in markers)
            + "</svg>"
        )
    legend, height = _legend(
        classes,
        decimals=_decimals(values if class_values is None else class_values),
        legend_title=legend_title,
        no_data_label=no_data_label,
        top=map_height + 4,
        width=width,
    )
    body += legend
    total = math.ceil(height)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total}" width="{width}" height="{total}" '
        f'role="group" aria-label="{escape(title)}" class="atlas"{attributes}>'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )
