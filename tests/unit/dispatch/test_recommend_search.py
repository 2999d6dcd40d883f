"""Candidate search over an in-memory fleet: nearest first, proven stop, reads bounded."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import h3
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core.geo import cells, distance_m
from chalicelib.dispatch.candidates import search
from chalicelib.dispatch.entities import Candidate, Point
from chalicelib.dispatch.tiles import Tile, disk, lower_bound_m, plan_for
from chalicelib.fleet.entities import UnitType

NOW = datetime(2025, 3, 4, tzinfo=UTC)
HERE = Point(24.51, 117.65)


def fleet(n: int, spread: float, seed: int) -> list[Candidate]:
    rnd = random.Random(seed)
    kinds = list(UnitType)
    return [
        Candidate(
            f"u{i}",
            kinds[i % 3],
            "350602",
            Point(HERE.lat + rnd.uniform(-spread, spread), HERE.lon + rnd.uniform(-spread, spread)),
            NOW,
            "s",
        )
        for i in range(n)
    ]


def reader(units: list[Candidate]):  # type: ignore[no-untyped-def]
    by_coarse: dict[str, list[tuple[str, Candidate]]] = {}
    for u in units:
        coarse, fine = cells(u.position.lat, u.position.lon)
        by_coarse.setdefault(coarse, []).append((fine, u))

    def read(t: Tile, types: frozenset[UnitType], county: str | None) -> tuple[list[Candidate], int]:
        rows = [u for f, u in by_coarse.get(t.coarse, []) if t.lo is None or t.lo <= f <= t.hi]  # type: ignore[operator]
        return [u for u in rows if u.type in types and county in (None, u.county)], len(rows)

    return read


def brute(units: list[Candidate], types: frozenset[UnitType], want: int) -> list[str]:
    ok = [u for u in units if u.type in types]
    ok.sort(key=lambda u: (distance_m(*HERE, *u.position), u.unit_id))
    return [u.unit_id for u in ok[:want]]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 400), st.sampled_from([0.02, 0.1, 0.4]), st.integers(1, 10), st.integers(0, 10**6))
def test_property_search_returns_exactly_the_nearest_suitable(n: int, spread: float, want: int, seed: int) -> None:
    units = fleet(n, spread, seed)
    types = frozenset({UnitType.ALS, UnitType.BLS})
    found, items, queries = search(HERE, reader(units), types, None, want)
    nearest = brute(units, types, len(units))
    # Within the search cap the answer is proven; beyond it (plan exhausted) it is best effort.
    cap = lower_bound_m(6, plan_for(HERE, None)[-1][1] + 1)
    proven = [c.unit_id for c in found if distance_m(*HERE, *c.position) <= cap]
    assert proven == nearest[: len(proven)]
    within = [u for u in nearest if distance_m(*HERE, *{x.unit_id: x for x in units}[u].position) <= cap]
    assert len(proven) == min(want, len(within))
    assert queries > 0 and items >= len(found)


def test_given_dense_fleet_then_items_read_stay_near_want_not_fleet_size() -> None:
    # ~3 units/km2 (a city centre of the 50,000-unit benchmark fleet) against a sparse fleet
    dense, sparse = fleet(5_000, 0.2, 7), fleet(50, 0.2, 7)
    found, items, _ = search(HERE, reader(dense), frozenset({UnitType.ALS}), None, 10)
    assert len(found) == 10 and items < 150  # ALS are a third of units: the floor is ~30
    found, sparse_items, _ = search(HERE, reader(sparse), frozenset({UnitType.ALS}), None, 10)
    assert len(found) == 10 and items < 3 * sparse_items


def test_given_county_filter_then_other_counties_never_returned() -> None:
    units = [
        Candidate("a", UnitType.ALS, "350603", HERE, NOW, "s"),
        Candidate("b", UnitType.ALS, "350602", Point(HERE.lat + 0.05, HERE.lon), NOW, "s"),
    ]
    found, _, _ = search(HERE, reader(units), frozenset({UnitType.ALS}), "350602", 5)
    assert [c.unit_id for c in found] == ["b"]


def test_disk_tiles_of_a_fine_resolution_are_sort_key_ranges_nearest_first() -> None:
    tiles = disk(HERE, 8, 2)
    fine = cells(*HERE).fine
    bound, t = tiles[0]
    assert bound == 0 and t.coarse == cells(*HERE).coarse and t.lo is not None and t.hi is not None
    assert t.lo <= fine <= t.hi
    assert all(t.lo <= c <= t.hi for c in h3.cell_to_children(h3.cell_to_parent(fine, 8), 9))
    assert len(tiles) == 19 and [b for b, _ in tiles] == sorted(b for b, _ in tiles)
