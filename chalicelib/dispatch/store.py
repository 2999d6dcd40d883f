"""The DynamoDB candidate source: queries on the sparse `available-by-cell` index, never a scan."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

from chalicelib.core.geo import distance_m
from chalicelib.core.tables import bound
from chalicelib.dispatch.candidates import CandidateSource, search
from chalicelib.dispatch.models import Candidate, Point
from chalicelib.dispatch.tiles import Tile
from chalicelib.fleet.dal import AvailableByCellIndex, StationRecord, UnitRecord
from chalicelib.fleet.models import UnitType


@cache
def station_points() -> Mapping[str, Point]:
    """About twenty stations, read once per container: stale positions fall back to them."""
    return {s.station_id: Point(float(s.lat), float(s.lon)) for s in bound(StationRecord).scan()}


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
        cond = UnitRecord.type.is_in(*sorted(t.value for t in unit_types))
        result = bound(UnitRecord).available_by_county.query(county, filter_condition=cond)
        stations = self._stations()
        ranked = sorted(
            (distance_m(point.lat, point.lon, float(r.lat), float(r.lon)), r.unit_id, self._candidate(r, stations))
            for r in result
        )
        self.last_queries = 1
        return [c for _, _, c in ranked[:want]], result.page_iter.total_scanned_count

    def _read(self, tile: Tile, unit_types: frozenset[UnitType], county: str | None) -> tuple[list[Candidate], int]:
        units = bound(UnitRecord)
        # Filters cut the bytes returned, not the items read: ScannedCount is what is billed.
        cond = UnitRecord.type.is_in(*sorted(t.value for t in unit_types))
        if county is not None:
            cond &= UnitRecord.county == county
        key = AvailableByCellIndex.cell_fine.between(tile.lo, tile.hi) if tile.lo and tile.hi else None
        result = units.available_by_cell.query(tile.coarse, range_key_condition=key, filter_condition=cond)
        stations = self._stations()
        out = [self._candidate(r, stations) for r in result]
        return out, result.page_iter.total_scanned_count

    @staticmethod
    def _candidate(r: UnitRecord, stations: Mapping[str, Point]) -> Candidate:
        return Candidate(
            unit_id=r.unit_id,
            type=UnitType(r.type),
            county=r.county,
            position=Point(float(r.lat), float(r.lon)),
            position_at=r.position_at,
            station_id=r.station_id,
            station=stations.get(r.station_id),
        )
