"""The figures a community map can be coloured by, read from the indicators' community rows.

:func:`map_points` turns the per-community rows of :func:`reports.indicators.compute_indicators`
(``community_rows``) and the communities' coordinates into :class:`atlas.maps.MapPoint` for
:func:`atlas.maps.community_map`. Only per-community aggregates reach a map: a community's point is
its own stored location, never an incident's place. Communities without coordinates are not drawn;
:func:`map_table` lists every community with its value, and says which are not on the map.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from atlas.maps import MAP_GROUPS, MapPoint
from communities.models import ASSESSMENT_DIMENSIONS, Community
from communities.services import first_instrument_names
from reports.figures import CommunityRow, IndicatorsDocument

# A community's location: latitude, longitude (degrees), by community id (as in the rows: str).
Locations = Mapping[str, Sequence[float]]


@dataclass(frozen=True)
class MapFigure:
    """A figure a map can show: its key, its name in the active language, how to read it from a
    community row (``None``: no data) and the decimals it is shown with."""

    key: str
    label: Callable[[], str]
    value: Callable[[CommunityRow], float | None]
    decimals: int = 0


@dataclass(frozen=True)
class MapRow:
    """A line of the map's table alternative."""

    id: int
    name: str
    region: str
    value: float | None
    text: str
    on_map: bool


def _incidents_per_thousand(row: CommunityRow) -> float | None:
    population = row["population"]
    incidents = row["figures"]["incidents"]["current"]
    if not population or incidents is None:
        return None
    return incidents / population * 1000


def _conflict_potential(row: CommunityRow) -> float | None:
    analysis = row["planning"]["analysis"]
    return float(analysis["conflict_potential"]) if analysis else None


def _score(code: str) -> Callable[[CommunityRow], float | None]:
    def read(row: CommunityRow) -> float | None:
        assessment = row["assessment"]
        return assessment["scores"][code]["current"] if assessment and code in assessment["scores"] else None

    return read


def _dimension_label(code: str) -> Callable[[], str]:
    return lambda: first_instrument_names().get(code, code)


def _events(row: CommunityRow) -> float | None:
    return row["figures"]["events"]["current"]


def _participants(row: CommunityRow) -> float | None:
    return row["figures"]["participants"]["current"]


DEFAULT_MAP_FIGURE = "events"
MAP_FIGURES: dict[str, MapFigure] = {
    figure.key: figure
    for figure in (
        MapFigure("events", lambda: _("Outreach events"), _events),
        MapFigure("participants", lambda: _("Residents reached by outreach events"), _participants),
        MapFigure("incidents_per_1000", lambda: _("Incidents per 1,000 residents"), _incidents_per_thousand, 2),
        MapFigure("conflict_potential", lambda: _("Conflict potential"), _conflict_potential),
        *(MapFigure(f"assessment.{code}", _dimension_label(code), _score(code), 2) for code in ASSESSMENT_DIMENSIONS),
        MapFigure("assessment.overall", lambda: _("Overall score (mean of the dimensions)"), _score("overall"), 2),
    )
}


def map_figure(key: str) -> MapFigure:
    """The figure named ``key``; raises ``KeyError`` for a key of no figure."""
    return MAP_FIGURES[key]


def map_figure_choices(document: IndicatorsDocument | None = None) -> list[tuple[str, str]]:
    """``(key, label)`` of every figure a map of ``document`` can show, in the active language.

    The same list for every document, so a page's selector does not change with the period:
    a figure without data for a period draws every community as "no data"."""
    return [(figure.key, figure.label()) for figure in MAP_FIGURES.values()]


def _number(value: float, decimals: int) -> str:
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return str(formats.number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True))


def _rounded(value: float | None, decimals: int) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def community_locations(communities: QuerySet[Community]) -> dict[str, list[float]]:
    """The stored location of each community of ``communities`` that has one, by id (as a string,
    the rows' key in JSON), as ``[latitude, longitude]``."""
    rows = communities.order_by("pk").values_list("pk", "latitude", "longitude")
    return {
        str(pk): [float(latitude), float(longitude)]
        for pk, latitude, longitude in rows
        if latitude is not None and longitude is not None
    }


def _locations(communities: Locations | QuerySet[Community]) -> Locations:
    return community_locations(communities) if isinstance(communities, QuerySet) else communities


def map_table(
    document: IndicatorsDocument, communities: Locations | QuerySet[Community], figure_key: str
) -> list[MapRow]:
    """Every community of ``document`` with its value of the figure (the table beside the map),
    in the order of the document's rows; ``on_map`` is false for a community without a location."""
    figure = map_figure(figure_key)
    locations = _locations(communities)
    rows = []
    for row in document["community_rows"]:
        value = _rounded(figure.value(row), figure.decimals)
        rows.append(
            MapRow(
                id=row["id"],
                name=row["name"],
                region=row["region"],
                value=value,
                text=_("no data") if value is None else _number(value, figure.decimals),
                on_map=str(row["id"]) in locations,
            )
        )
    return rows


def map_points(
    document: IndicatorsDocument,
    communities: Locations | QuerySet[Community],
    figure_key: str,
    *,
    url_for: Callable[[int], str | None] | None = None,
) -> list[MapPoint]:
    """The communities of ``document`` that have a location, as points of ``figure_key`` (see
    :data:`MAP_FIGURES`) for :func:`atlas.maps.community_map`.

    ``communities`` gives the locations: a queryset of communities (already scoped to who asks)
    or the mapping :func:`community_locations` returns. ``url_for(id)`` links each community (its
    profile) when given. Raises ``KeyError`` for an unknown figure."""
    figure = map_figure(figure_key)
    locations = _locations(communities)
    label = figure.label()
    points = []
    for row in map_table(document, locations, figure_key):
        if not row.on_map:
            continue
        latitude, longitude = locations[str(row.id)]
        text = row.text if row.value is None else _("%(value)s (%(figure)s)") % {"value": row.text, "figure": label}
        points.append(
            MapPoint(
                key=str(row.id),
                name=row.name,
                latitude=float(latitude),
                longitude=float(longitude),
                value=row.value,
                label=text,
                url=url_for(row.id) if url_for else None,
            )
        )
    return points


def not_on_map(rows: Iterable[MapRow]) -> list[str]:
    """The names of the communities ``rows`` could not place (no location), sorted."""
    return sorted(row.name for row in rows if not row.on_map)


def map_groups(
    document: IndicatorsDocument, points: Sequence[MapPoint]
) -> list[tuple[tuple[str, ...], list[MapPoint]]]:
    """``points`` split into the maps of :data:`atlas.maps.MAP_GROUPS` (by each community's country
    in ``document``), only the groups with a point; a community of another country makes a map of
    its own country."""
    country = {str(row["id"]): row["country"] for row in document["community_rows"]}
    group_of = {member: group for group in MAP_GROUPS for member in group}
    found: dict[tuple[str, ...], list[MapPoint]] = {}
    for point in points:
        code = country.get(point.key, "")
        found.setdefault(group_of.get(code, (code,)), []).append(point)
    order = {group: index for index, group in enumerate(MAP_GROUPS)}
    return sorted(found.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
