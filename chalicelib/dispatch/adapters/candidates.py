"""The candidate source over the fleet's sparse indexes (`available-by-cell`, `available-by-county`):
queries, never a scan."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from chalicelib.core.geo import distance_m
from chalicelib.dispatch.candidates import search
from chalicelib.dispatch.entities import Candidate, Point
from chalicelib.dispatch.ports import CandidateSource
from chalicelib.dispatch.tiles import Tile
from chalicelib.fleet import api as fleet
from chalicelib.fleet.entities import FreeUnit, UnitType


def station_points() -> Mapping[str, Point]:
    """About twenty stations, read once per container (by the fleet): stale positions fall back to them."""
    return {station_id: Point(*at) for station_id, at in fleet.station_points().items()}


class DynamoCandidateSource(CandidateSource):
    def __init__(self, stations: Callable[[], Mapping[str, Point]] = station_points) -> None:
        self._stations = stations
        self.last_queries = 0  # for the benchmark: queries of the latest search

    def available_near(
        self, point: Point, unit_types: frozenset[UnitType], county: str | None, want: int
    ) -> tuple[list[Candidate], int]:
        if county is not None:
            return self._in_county(point, unit_types, county, want)
        found, items, self.last_queries = search(point, self._read, unit_types, None, want)
        return found, items

    def _in_county(
        self, point: Point, unit_types: frozenset[UnitType], county: str, want: int
    ) -> tuple[list[Candidate], int]:
        """One Query on the sparse `available-by-county` index: a county's free units are few,
        and a tile search would read every tile of the county to prove it had found them all."""
        units, scanned = fleet.free_in_county(county, unit_types)
        stations = self._stations()
        ranked = sorted(
            (distance_m(point.lat, point.lon, u.lat, u.lon), u.unit_id, self._candidate(u, stations)) for u in units
        )
        self.last_queries = 1
        return [c for _, _, c in ranked[:want]], scanned

    def _read(self, tile: Tile, unit_types: frozenset[UnitType], county: str | None) -> tuple[list[Candidate], int]:
        units, scanned = fleet.free_in_tile(tile.coarse, tile.lo, tile.hi, unit_types, county)
        stations = self._stations()
        return [self._candidate(u, stations) for u in units], scanned

    @staticmethod
    def _candidate(u: FreeUnit, stations: Mapping[str, Point]) -> Candidate:
        return Candidate(
            unit_id=u.unit_id,
            type=u.type,
            county=u.county,
            position=Point(u.lat, u.lon),
            position_at=u.position_at,
            station_id=u.station_id,
            station=stations.get(u.station_id),
        )
