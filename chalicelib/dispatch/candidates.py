"""The candidate search: best-first over H3 tiles, stop once proven.

Tiles are read in order of the least distance any of their points can have from the
incident. Stop rule: every unread unit lies at least as far as the next tile's bound (or,
past the disk, `lower_bound_m`), so once `want` candidates lie within it they are the
`want` nearest. A phase that exhausts its disk without proof hands over to the next,
coarser one, which re-reads the few units already seen (few, or the finer phase would
have stopped). A unit just across a tile edge is therefore never missed for a farther one.
"""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.core.geo import distance_m
from chalicelib.dispatch.entities import Candidate, Point
from chalicelib.dispatch.tiles import Tile, disk, lower_bound_m, plan_for
from chalicelib.fleet.entities import UnitType

# One query: the suitable candidates in a tile and the items it read (ScannedCount).
Reader = Callable[[Tile, frozenset[UnitType], str | None], tuple[list[Candidate], int]]


def search(
    point: Point,
    read: Reader,
    unit_types: frozenset[UnitType],
    county: str | None,
    want: int,
    plan: tuple[tuple[int, int], ...] | None = None,
) -> tuple[list[Candidate], int, int]:
    """Candidates nearest first, items read, queries made."""
    found: dict[str, tuple[float, Candidate]] = {}
    items = queries = 0
    for res, k in plan or plan_for(point, county):
        tiles = disk(point, res, k)
        beyond = lower_bound_m(res, k + 1)
        for i, (_, t) in enumerate(tiles):
            batch, scanned = read(t, unit_types, county)
            items, queries = items + scanned, queries + 1
            for c in batch:
                found[c.unit_id] = (distance_m(point.lat, point.lon, c.position.lat, c.position.lon), c)
            bound = min(tiles[i + 1][0], beyond) if i + 1 < len(tiles) else beyond
            if sum(1 for d, _ in found.values() if d <= bound) >= want:
                return _nearest(found, want), items, queries
    return _nearest(found, want), items, queries


def _nearest(found: dict[str, tuple[float, Candidate]], want: int) -> list[Candidate]:
    return [c for _, c in sorted(found.values(), key=lambda dc: (dc[0], dc[1].unit_id))[:want]]
