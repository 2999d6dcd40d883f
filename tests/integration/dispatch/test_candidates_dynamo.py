"""The DynamoDB candidate source against moto: the sparse index, filters, items read, stations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.core.tables import bound
from chalicelib.dispatch.adapters.candidates import DynamoCandidateSource
from chalicelib.dispatch.entities import Point
from chalicelib.dispatch.eta import ModelEta
from chalicelib.dispatch.service import recommend_for
from chalicelib.fleet.dal import StationRecord, UnitRecord, station_record, unit_record
from chalicelib.fleet.entities import Station, Unit, UnitStatus, UnitType

NOW = datetime(2025, 3, 4, 4, 0, tzinfo=UTC)
HERE = Point(24.5109, 117.6536)
ALS = frozenset({UnitType.ALS})


def put(uid: str, dlat: float, kind: str = "ALS", county: str = "350602", status: str = "AVAILABLE",
        age_s: int = 0) -> None:  # fmt: skip
    unit = Unit(unit_id=uid, plate=uid, type=kind, station_id="S1", county=county, status=status,
                lat=HERE.lat + dlat, lon=HERE.lon, position_at=NOW - timedelta(seconds=age_s))  # fmt: skip
    with bound(UnitRecord).batch_write() as batch:  # unconditional, as the seed loader writes
        batch.save(unit_record(unit))


def test_given_units_in_several_cells_then_nearest_first_and_busy_never_read(aws_env: Any) -> None:
    # 0.001 deg ~ 110 m; 0.05 and 0.12 deg land in other coarse cells.
    for uid, dlat in [("far", 0.12), ("near", 0.001), ("mid", 0.05), ("next", 0.01)]:
        put(uid, dlat)
    put("busy", 0.0005, status="EN_ROUTE")
    found, items = DynamoCandidateSource(stations=dict).available_near(HERE, ALS, None, 3)
    assert [c.unit_id for c in found] == ["near", "next", "mid"]
    # No busy unit is read; a coarser phase re-reads the few units a finer one saw (4 units, 7 reads).
    assert items <= 3 * 4


def test_given_type_and_county_filters_then_only_suitable_units(aws_env: Any) -> None:
    put("bls", 0.001, kind="BLS")
    put("neo", 0.002, kind="NEONATAL")
    put("als-other", 0.003, county="350603")
    put("als", 0.02)
    source = DynamoCandidateSource(stations=dict)
    both = frozenset({UnitType.ALS, UnitType.BLS})
    assert [c.unit_id for c in source.available_near(HERE, both, None, 5)[0]] == ["bls", "als-other", "als"]
    assert [c.unit_id for c in source.available_near(HERE, ALS, "350602", 5)[0]] == ["als"]
    neo = frozenset({UnitType.NEONATAL})
    assert [c.unit_id for c in source.available_near(HERE, neo, None, 5)[0]] == ["neo"]


def test_given_dense_block_then_items_read_stay_bounded(aws_env: Any) -> None:
    with bound(UnitRecord).batch_write() as batch:
        for i in range(400):  # 400 units packed within ~2 km
            unit = Unit(unit_id=f"d{i}", plate="p", type="ALS", station_id="S1", county="350602",
                        status=UnitStatus.AVAILABLE, lat=HERE.lat + (i % 20) * 0.001,
                        lon=HERE.lon + (i // 20) * 0.001, position_at=NOW)  # fmt: skip
            batch.save(unit_record(unit))
    found, items = DynamoCandidateSource(stations=dict).available_near(HERE, ALS, None, 5)
    assert len(found) == 5 and items < 100


def test_given_no_unit_in_county_then_city_wide_with_stale_station_origin(aws_env: Any) -> None:
    bound(StationRecord)
    station_record(_station()).save()
    put("other", 0.01, county="350603", age_s=3600)
    result = recommend_for(HERE, UnitType.ALS, "350602", NOW, DynamoCandidateSource(), ModelEta())
    assert result.city_wide and not result.degraded
    (rec,) = result.recommendations
    assert rec.unit_id == "other"
    assert rec.reasons == [
        "nearest by travel time",
        "other county: none free in county",
        "position stale: using station",
    ]


def _station() -> Station:
    return Station(station_id="S1", name_zh="站", name_en="S", county="350602", lat=24.6, lon=117.65)
