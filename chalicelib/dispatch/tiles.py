"""Search tiles: H3 cells at a chosen resolution, each one GSI query on `available-by-cell`.

A tile finer than the coarse (GSI hash) cell is a range of the fine sort key: the H3
indexes of a cell's descendants are contiguous, so `cell_fine BETWEEN lo AND hi` reads
exactly that tile. Fine tiles keep the read cost near `want` where units are dense;
coarse tiles keep the query count low where they are sparse.
"""

from __future__ import annotations

from typing import NamedTuple

import h3

from chalicelib.core.counties import nearest_county
from chalicelib.core.geo import COARSE_RES, FINE_RES, cells, distance_m
from chalicelib.dispatch.entities import Point

URBAN = frozenset({"350602", "350603", "350604", "350605"})
# (resolution, disk radius in steps) per phase, finest first. Res 8 k=2 covers ~1 km, res 7 ~3.5 km;
# then coarse rings to ~25 km in the city districts, ~50 km in the rural counties.
URBAN_PLAN = ((8, 2), (7, 2), (COARSE_RES, 4))
RURAL_PLAN = ((8, 2), (7, 2), (COARSE_RES, 8))


# Farthest point of a tile's fine descendants from its centre, in mean edges: measured 1.04
# (res 6), 1.04 (7), 1.01 (8) over Fujian; H3 children overhang their parent's outline.
REACH = 1.1


class Tile(NamedTuple):
    coarse: str
    lo: str | None = None  # fine-cell range; None: the whole coarse cell
    hi: str | None = None


def plan_for(point: Point, county: str | None) -> tuple[tuple[int, int], ...]:
    code = county or nearest_county(point.lat, point.lon).code
    return URBAN_PLAN if code in URBAN else RURAL_PLAN


def disk(point: Point, res: int, k: int) -> list[tuple[float, Tile]]:
    """Tiles within k steps of the point's tile (the parent of its fine cell, as geo does),
    each with the least distance any of its points can have from `point`, nearest first."""
    origin = h3.cell_to_parent(cells(point.lat, point.lon).fine, res)
    reach = REACH * h3.average_hexagon_edge_length(res, "m")
    out = []
    for c in h3.grid_disk(origin, k):
        lat, lon = h3.cell_to_latlng(c)
        out.append((max(0.0, distance_m(point.lat, point.lon, lat, lon) - reach), tile(c)))
    return sorted(out)


def tile(cell: str) -> Tile:
    res = h3.get_resolution(cell)
    if res == COARSE_RES:
        return Tile(cell)
    kids = h3.cell_to_children(cell, FINE_RES)
    return Tile(h3.cell_to_parent(cell, COARSE_RES), min(kids), max(kids))


def lower_bound_m(res: int, j: int) -> float:
    """No point in a tile j or more steps away lies nearer than this to the search point.

    Calibrated on 90,000 random pairs over Fujian (min distance per ring: 0.99, 2.35, 3.77,
    5.06, 6.19 edges for j = 2..6 at res 6, 7 and 8), with a margin below each.
    """
    return h3.average_hexagon_edge_length(res, "m") * max(0.0, 1.2 * j - 1.5)
