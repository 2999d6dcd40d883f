"""H3 helpers and distance: properties that dispatch relies on."""

from __future__ import annotations

import h3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core import geo

# Zhangzhou and its surroundings, where every real query lands.
lats = st.floats(min_value=23.0, max_value=25.5, allow_nan=False)
lons = st.floats(min_value=116.5, max_value=118.5, allow_nan=False)
world_lats = st.floats(min_value=-89.9, max_value=89.9, allow_nan=False)
world_lons = st.floats(min_value=-179.9, max_value=179.9, allow_nan=False)


def test_cells_of_zhangzhou_centre_have_the_configured_resolutions() -> None:
    coarse, fine = geo.cells(24.5109, 117.6536)
    assert h3.get_resolution(coarse) == geo.COARSE_RES
    assert h3.get_resolution(fine) == geo.FINE_RES


@given(lats, lons)
def test_fine_cell_lies_inside_its_coarse_cell(lat: float, lon: float) -> None:
    coarse, fine = geo.cells(lat, lon)
    assert h3.cell_to_parent(fine, geo.COARSE_RES) == coarse


@given(lats, lons, st.integers(min_value=0, max_value=4))
def test_ring_starts_at_own_cell_and_has_hexagon_count(lat: float, lon: float, k: int) -> None:
    ring = geo.ring_cells(lat, lon, k)
    assert ring[0] == geo.cells(lat, lon).coarse
    assert len(ring) == 1 + 3 * k * (k + 1)  # no pentagons anywhere near China
    assert len(set(ring)) == len(ring)


@given(lats, lons, st.integers(min_value=1, max_value=3))
def test_ring_is_ordered_nearest_first(lat: float, lon: float, k: int) -> None:
    ring = geo.ring_cells(lat, lon, k)
    steps = [h3.grid_distance(ring[0], c) for c in ring]
    assert steps == sorted(steps)
    assert max(steps) == k


def test_negative_k_is_rejected() -> None:
    with pytest.raises(ValueError, match="k must be"):
        geo.ring_cells(24.5, 117.6, -1)


@pytest.mark.parametrize(("lat", "lon"), [(91.0, 0.0), (0.0, 181.0), (float("nan"), 117.0), (24.5, float("inf"))])
def test_invalid_coordinates_are_rejected(lat: float, lon: float) -> None:
    with pytest.raises(ValueError, match="invalid coordinates"):
        geo.cells(lat, lon)


def test_distance_matches_a_known_value() -> None:
    # Given Zhangzhou (Xiangcheng) and Xiamen city centres, about 47 km apart
    d = geo.distance_m(24.5109, 117.6536, 24.4798, 118.0894)
    assert 43_000 < d < 46_000


def test_distance_agrees_with_h3() -> None:
    a, b = (24.5109, 117.6536), (23.7016, 117.4298)
    assert geo.distance_m(*a, *b) == pytest.approx(h3.great_circle_distance(a, b, unit="m"), rel=1e-6)


@given(world_lats, world_lons, world_lats, world_lons)
def test_distance_is_symmetric_and_bounded(lat1: float, lon1: float, lat2: float, lon2: float) -> None:
    d = geo.distance_m(lat1, lon1, lat2, lon2)
    assert d == pytest.approx(geo.distance_m(lat2, lon2, lat1, lon1), abs=1e-6)
    assert 0 <= d <= 3.1416 * geo.EARTH_RADIUS_M + 1


@given(world_lats, world_lons)
def test_distance_to_self_is_zero(lat: float, lon: float) -> None:
    assert geo.distance_m(lat, lon, lat, lon) == 0


@given(lats, lons, lats, lons, lats, lons)
def test_distance_obeys_triangle_inequality(
    lat1: float, lon1: float, lat2: float, lon2: float, lat3: float, lon3: float
) -> None:
    direct = geo.distance_m(lat1, lon1, lat3, lon3)
    assert direct <= geo.distance_m(lat1, lon1, lat2, lon2) + geo.distance_m(lat2, lon2, lat3, lon3) + 1e-6
