"""Reads of the sparse `available-by-cell` and `available-by-county` indexes for dispatch's
candidate search: queries, never a scan; filters cut the bytes returned, not the items read."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.core.tables import bound
from chalicelib.fleet.dal import AvailableByCellIndex, StationRecord, UnitRecord
from chalicelib.fleet.entities import FreeUnit, UnitType


def in_tile(
    coarse: str, lo: str | None, hi: str | None, types: Iterable[UnitType], county: str | None
) -> tuple[list[FreeUnit], int]:
    """Free units of these types in one tile (a fine-cell range of a coarse cell), and the items read
    (ScannedCount: what is billed)."""
    cond = UnitRecord.type.is_in(*sorted(t.value for t in types))
    if county is not None:
        cond &= UnitRecord.county == county
    key = AvailableByCellIndex.cell_fine.between(lo, hi) if lo and hi else None
    result = bound(UnitRecord).available_by_cell.query(coarse, range_key_condition=key, filter_condition=cond)
    found = [_free(r) for r in result]
    return found, result.page_iter.total_scanned_count


def in_county(county: str, types: Iterable[UnitType]) -> tuple[list[FreeUnit], int]:
    """Every free unit of these types in a county: one Query on `available-by-county`."""
    cond = UnitRecord.type.is_in(*sorted(t.value for t in types))
    result = bound(UnitRecord).available_by_county.query(county, filter_condition=cond)
    found = [_free(r) for r in result]
    return found, result.page_iter.total_scanned_count


def station_points() -> dict[str, tuple[float, float]]:
    """About twenty stations, read whole."""
    return {s.station_id: (float(s.lat), float(s.lon)) for s in bound(StationRecord).scan()}


def _free(r: UnitRecord) -> FreeUnit:
    return FreeUnit(
        unit_id=r.unit_id,
        type=UnitType(r.type),
        county=r.county,
        lat=float(r.lat),
        lon=float(r.lon),
        position_at=r.position_at,
        station_id=r.station_id,
    )
