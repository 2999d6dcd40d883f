"""H3 cells and distances: pure functions, no I/O.

Two resolutions serve every "near me" query. Items are indexed by their coarse
cell (the GSI hash key) and sorted by their fine cell, so a nearest search
reads the few coarse cells of a k-ring instead of the whole fleet.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple, TypeVar

T = TypeVar("T")

# Resolution 6: ~3.7 km hexagon edge. A k=1 ring (7 cells) covers a ~6 km radius,
# enough for urban dispatch; rural searches widen k.
COARSE_RES = 6
# Resolution 9: ~200 m edge, about one city block; orders items inside a coarse cell.
FINE_RES = 9
EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG), the one h3 uses too


class Cells(NamedTuple):
    coarse: str
    fine: str


def cells(lat: float, lon: float) -> Cells:
    """Coarse and fine H3 cells of a point; raises ValueError outside WGS84 bounds.

    The coarse cell is the fine cell's parent, not the coarse cell the point falls in:
    H3 children overhang their parent's edge, and keeping the hierarchy exact means
    every fine cell belongs to exactly one coarse cell, whoever computes it.
    """
    _check(lat, lon)
    import h3  # on first use: the H3 extension is a measurable part of a cold start

    fine = h3.latlng_to_cell(lat, lon, FINE_RES)
    return Cells(h3.cell_to_parent(fine, COARSE_RES), fine)


def ring_cells(lat: float, lon: float, k: int) -> list[str]:
    """Coarse cells within k steps of the point's cell, nearest ring first.

    The order lets a caller stop reading rings once it has enough candidates.
    """
    if k < 0:
        raise ValueError("k must be >= 0")
    origin = cells(lat, lon).coarse
    import h3

    disk = h3.grid_disk(origin, k)
    return sorted(disk, key=lambda c: (h3.grid_distance(origin, c), c))


def neighbours(cell: str) -> list[str]:
    """The cells sharing an edge with `cell` (six; five around a pentagon)."""
    import h3

    return sorted(set(h3.grid_ring(cell, 1)))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _check(lat: float, lon: float) -> None:
    # h3 silently wraps or rejects odd inputs with its own errors; fail the same way everywhere.
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"invalid coordinates: {lat}, {lon}")


def cell_at(lat: float, lon: float, res: int) -> str:
    """The H3 cell of a point at any resolution (e.g. 10, ~65 m edge, for call locks)."""
    _check(lat, lon)
    import h3

    return str(h3.latlng_to_cell(lat, lon, res))


_FINE_SPACING_M = 250.0  # a little under the distance between neighbouring resolution-9 centres
_FINE_REACH_M = 250.0  # a little over a resolution-9 cell's circumradius


def fine_ranges(lat: float, lon: float, radius_m: float) -> list[tuple[str, str, str]]:
    """(coarse cell, lowest fine cell, highest fine cell) to read for the items within `radius_m`.

    The fine cells whose centre is within reach cover the disk; grouped by their resolution-7 parent,
    each group is one contiguous run of ids (H3 orders a cell's descendants together), so a Query with
    the coarse cell and a BETWEEN on the fine cell reads a few square kilometres, not a whole coarse
    cell: the reads depend on the radius, never on the size of the registry.
    """
    return sorted((coarse, lo, hi) for _, coarse, lo, hi in _grouped(lat, lon, radius_m, 7))


def nearest_first_ranges(lat: float, lon: float, radius_m: float) -> list[tuple[float, str, str, str]]:
    """(nearest possible distance, coarse cell, lowest fine cell, highest fine cell), nearest first.

    Grouped by resolution-8 parent (seven fine cells, ~0.7 km²): a search that reads them in this order and
    stops once it holds enough candidates nearer than the next range's nearest possible distance reads a
    bounded number of items however dense the registry; the whole list covers the disk like `fine_ranges`.
    """
    return sorted(_grouped(lat, lon, radius_m, 8))


def nearest_first(
    lat: float,
    lon: float,
    radius_m: float,
    wanted: int,
    read: Callable[[str, str, str], list[T]],
    place: Callable[[T], tuple[float, float] | None],
) -> list[T]:
    """Read `nearest_first_ranges` in order (`read(coarse, lo, hi)`) until `wanted` of what was read lie
    nearer than anything unread; `place` gives an item's point, or None for one that does not count."""
    found: list[T] = []
    ranges = nearest_first_ranges(lat, lon, radius_m)
    for i, (_, coarse, lo, hi) in enumerate(ranges):
        found += read(coarse, lo, hi)
        horizon = min(ranges[i + 1][0] if i + 1 < len(ranges) else radius_m, radius_m)
        near = [p for p in map(place, found) if p is not None and distance_m(lat, lon, *p) <= horizon]
        if len(near) >= wanted:
            break
    return found


def _grouped(lat: float, lon: float, radius_m: float, parent_res: int) -> list[tuple[float, str, str, str]]:
    """The fine cells whose centre is within reach of the disk, grouped by their `parent_res` parent:
    (nearest possible distance, coarse cell, lowest fine cell, highest fine cell) per group."""
    import h3

    _check(lat, lon)
    centre = h3.latlng_to_cell(lat, lon, FINE_RES)
    k = math.ceil((radius_m + _FINE_REACH_M) / _FINE_SPACING_M) + 1
    groups: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for cell in h3.grid_disk(centre, k):
        d = distance_m(lat, lon, *h3.cell_to_latlng(cell))
        if d <= radius_m + _FINE_REACH_M:
            key = (h3.cell_to_parent(cell, COARSE_RES), h3.cell_to_parent(cell, parent_res))
            groups.setdefault(key, []).append((d, cell))
    return [
        (max(0.0, min(d for d, _ in found) - _FINE_REACH_M), coarse, min(c for _, c in found), max(c for _, c in found))
        for (coarse, _), found in groups.items()
    ]
