"""The community map: outlines, classes, escaping, determinism (no database)."""

import re

from django.utils import translation

from atlas.maps import COUNTRY_FILES, DATA, PALETTE, RADII, MapPoint, community_map, countries_around, map_classes

KYIV = (50.45, 30.52)
LVIV = (49.84, 24.03)
PRAHA = (50.08, 14.43)
BISHKEK = (42.87, 74.59)


def point(key, latitude, longitude, value, *, name=None, label="label", url=None):
    return MapPoint(
        key=key, name=name or key, latitude=latitude, longitude=longitude, value=value, label=label, url=url
    )


def draw(points, **options):
    options.setdefault("title", "Events")
    options.setdefault("legend_title", "Events in the period")
    options.setdefault("no_data_label", "no data")
    with translation.override("en"):
        return str(community_map(points, **options))


def markers(svg):
    return re.findall(r"<circle [^>]*data-key=\"([^\"]+)\"[^>]*>", svg)


def test_user_typed_strings_are_escaped():
    svg = draw(
        [point("1", *KYIV, 3, name='<script>alert("x")</script>', label="3 & more", url="/c/1/?a=1&b=2")],
        title="A <b>title</b>",
        legend_title="Legend <i>",
        no_data_label="<none>",
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;: 3 &amp; more" in svg
    assert "A &lt;b&gt;title&lt;/b&gt;" in svg
    assert "Legend &lt;i&gt;" in svg
    assert "&lt;none&gt;" in svg
    assert 'href="/c/1/?a=1&amp;b=2"' in svg


def test_a_javascript_address_never_becomes_a_link():
    svg = draw([point("1", *KYIV, 3, url="javascript:alert(1)"), point("2", *LVIV, 4, url="/c/2/")])
    assert "javascript" not in svg
    assert svg.count("<a ") == 1


def test_each_community_has_its_title_and_label():
    svg = draw([point("1", *KYIV, 3, name="Київ", label="3 events", url="/c/1/"), point("2", *LVIV, 1, name="Львів")])
    assert '<a href="/c/1/" aria-label="Київ: 3 events">' in svg
    assert "<title>Київ: 3 events</title>" in svg
    assert 'role="img" aria-label="Львів: label"' in svg


def test_five_classes_by_quantiles_named_by_their_values():
    classes = map_classes(range(1, 21))
    assert [(c.low, c.high) for c in classes] == [(1, 4), (5, 8), (9, 12), (13, 16), (17, 20)]
    assert [c.colour for c in classes] == list(PALETTE)
    assert [c.radius for c in classes] == list(RADII)


def test_few_distinct_values_make_as_many_classes_spread_over_the_palette():
    classes = map_classes([0, 0, 5, 5])
    assert [(c.low, c.high) for c in classes] == [(0, 0), (5, 5)]
    assert [c.colour for c in classes] == [PALETTE[0], PALETTE[-1]]
    assert map_classes([]) == []
    assert [c.colour for c in map_classes([2.5])] == [PALETTE[2]]


def test_skewed_values_keep_classes_distinct():
    classes = map_classes([0] * 30 + [1, 2, 3, 50, 100])
    highs = [c.high for c in classes]
    assert highs == sorted(set(highs))
    assert classes[0].low == 0
    assert classes[-1].high == 100


def test_colour_and_size_both_follow_the_class_and_the_legend_names_the_ranges():
    svg = draw([point(str(v), 49 + v / 10, 30, v) for v in range(1, 21)])
    assert f'r="{RADII[-1]:g}" fill="{PALETTE[-1]}"' in svg
    assert f'r="{RADII[0]:g}" fill="{PALETTE[0]}"' in svg
    for text in ("1 – 4", "17 – 20", "Events in the period", "no data"):
        assert f">{text}</text>" in svg


def test_a_community_without_data_is_a_hollow_grey_marker():
    svg = draw([point("1", *KYIV, None, label="no data"), point("2", *LVIV, 2)])
    (hollow,) = re.findall(r"<circle [^>]*class=\"atlas-no-data\"[^>]*>", svg)
    assert 'fill="#ffffff"' in hollow
    assert 'data-key="1"' in hollow
    assert sorted(markers(svg)) == ["1", "2"]


def test_the_same_points_give_the_same_bytes_in_any_order():
    points = [point(str(i), 48 + i / 7, 24 + i / 3, i % 4 or None) for i in range(30)]
    assert draw(points) == draw(list(reversed(points)))


def test_the_countries_drawn_are_those_of_the_points():
    assert countries_around([point("1", *KYIV, 1), point("2", *PRAHA, 1)]) == ["CZ", "UA"]
    svg = draw([point("1", *KYIV, 1), point("2", *LVIV, 2)])
    assert 'data-countries="UA"' in svg
    assert 'data-country="UA"' in svg
    assert 'data-country="CZ"' not in svg
    assert 'data-countries="CZ"' in draw([point("1", *PRAHA, 1)])
    # Bishkek is near the border: Kazakhstan's outline (and Uzbekistan's, further) shows around it.
    drawn = re.search(r'data-countries="([A-Z ]+)"', draw([point("1", *BISHKEK, 1)])).group(1).split()
    assert {"KG", "KZ"} <= set(drawn)
    assert not {"UA", "CZ"} & set(drawn)


def test_without_points_the_map_shows_the_countries_asked_for():
    svg = draw([], countries=["CZ"])
    assert 'data-country="CZ"' in svg
    assert markers(svg) == []
    assert "<path" not in draw([])


def test_the_map_states_its_extent_for_a_tile_layer():
    svg = draw([point("1", *KYIV, 1), point("2", *LVIV, 2)])
    west, south, east, north = (
        float(re.search(rf'data-{side}="([-0-9.]+)"', svg).group(1)) for side in ("west", "south", "east", "north")
    )
    assert west < LVIV[1] < KYIV[1] < east
    assert south < LVIV[0] < KYIV[0] < north
    assert 'data-projection="EPSG:3857"' in svg


def test_the_outline_files_stay_small():
    sizes = {path.name: path.stat().st_size for path in DATA.glob("*.json")}
    assert sorted(sizes) == sorted(f"{iso3}.json" for iso3 in COUNTRY_FILES.values())
    assert sum(sizes.values()) <= 300 * 1024
    assert (DATA / "LICENSE.md").exists()


def test_the_legend_shows_the_decimals_the_values_need():
    svg = draw([point("1", *KYIV, 0.25), point("2", *LVIV, 0.5)])
    assert ">0.25</text>" in svg
    assert ">0.50</text>" in svg
    assert ">1.5</text>" in draw([point("1", *KYIV, 1.5)])
    assert ">3</text>" in draw([point("1", *KYIV, 3)])


def test_maps_of_several_countries_can_share_one_legend():
    alone = draw([point("1", *KYIV, 1)])
    shared = draw([point("1", *KYIV, 1)], class_values=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert ">1</text>" in alone
    assert ">1 – 2</text>" in shared
    assert ">9 – 10</text>" in shared


def test_a_tile_layer_is_only_data_attributes_for_the_browser():
    assert "data-tile-url" not in draw([point("1", *KYIV, 1)])
    svg = draw(
        [point("1", *KYIV, 1)],
        tile_url="https://tiles.example.org/{z}/{x}/{y}.png?a=1&b=2",
        tile_attribution="© <OpenStreetMap>",
    )
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png?a=1&amp;b=2"' in svg
    assert 'data-tile-attribution="© &lt;OpenStreetMap&gt;"' in svg
    assert "<image" not in svg
