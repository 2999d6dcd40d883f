"""Ranking: by travel time, top 5, with the reasons a dispatcher reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.dispatch.entities import Candidate, Eta, Point, suitable_types
from chalicelib.dispatch.recommend import STALE_NO_STATION, STALE_STATION, origin_of, recommend
from chalicelib.fleet.entities import UnitType

NOW = datetime(2025, 3, 4, 4, 0, tzinfo=UTC)
HERE = Point(24.51, 117.65)


def cand(
    uid: str,
    dlat: float = 0.01,
    *,
    county: str = "350602",
    kind: UnitType = UnitType.ALS,
    age_s: float = 10,
    station: Point | None = None,
) -> Candidate:
    return Candidate(uid, kind, county, Point(HERE.lat + dlat, HERE.lon), NOW - timedelta(seconds=age_s), "s1", station)


def eta(s: float, degraded: bool = False) -> Eta:
    return Eta(s, s * 10, "model", degraded, "routing failed: X" if degraded else None)


def test_given_candidates_then_ranked_by_eta_not_distance_and_top_five() -> None:
    cs = [cand(f"u{i}", dlat=0.01 * i) for i in range(7)]
    etas = [eta(s) for s in (500, 100, 300, 200, 700, 600, 400)]
    recs = recommend(HERE, UnitType.ALS, "350602", cs, etas, NOW)
    assert [r.unit_id for r in recs] == ["u1", "u3", "u2", "u6", "u0"]
    assert recs[0].reasons == ["nearest by travel time", "same county"]
    assert recs[1].reasons == ["same county"]
    assert recs[0].distance_m == pytest.approx(1112, abs=2)


def test_given_units_of_another_county_then_the_reason_says_none_free_in_county() -> None:
    recs = recommend(HERE, UnitType.BLS, "350602", [cand("x", county="350603")], [eta(60)], NOW)
    assert recs[0].reasons == ["nearest by travel time", "other county: none free in county", "ALS unit for a BLS need"]


def test_given_stale_position_then_station_is_the_origin_or_the_gap_is_named() -> None:
    station = Point(24.60, 117.65)
    assert origin_of(cand("a", age_s=10), NOW, 300) == (Point(HERE.lat + 0.01, HERE.lon), None)
    assert origin_of(cand("b", age_s=900, station=station), NOW, 300) == (station, STALE_STATION)
    assert origin_of(cand("c", age_s=900), NOW, 300)[1] == STALE_NO_STATION
    recs = recommend(HERE, UnitType.ALS, None, [cand("b", age_s=900, station=station)], [eta(60)], NOW)
    assert recs[0].reasons == ["nearest by travel time", STALE_STATION]
    assert recs[0].distance_m == pytest.approx(10_008, abs=5)


def test_given_degraded_eta_then_flagged_with_its_reason() -> None:
    recs = recommend(HERE, UnitType.ALS, None, [cand("a")], [eta(60, degraded=True)], NOW)
    assert recs[0].degraded and recs[0].reasons[-1] == "ETA from the model: routing failed: X"


def test_given_mismatched_lengths_then_error() -> None:
    with pytest.raises(ValueError):
        recommend(HERE, UnitType.ALS, None, [cand("a")], [], NOW)


def test_suitability_als_serves_bls_never_the_reverse() -> None:
    assert suitable_types(UnitType.BLS) == {UnitType.BLS, UnitType.ALS}
    assert suitable_types(UnitType.ALS) == {UnitType.ALS}
    assert suitable_types(UnitType.NEONATAL) == {UnitType.NEONATAL}


@given(st.lists(st.floats(0, 10_000), min_size=0, max_size=12))
def test_property_output_sorted_by_eta_and_at_most_five(seconds: list[float]) -> None:
    cs = [cand(f"u{i:02d}") for i in range(len(seconds))]
    recs = recommend(HERE, UnitType.ALS, None, cs, [eta(s) for s in seconds], NOW)
    assert len(recs) == min(5, len(seconds))
    assert [r.eta_s for r in recs] == sorted(r.eta_s for r in recs)
    assert [r.eta_s for r in recs] == [round(s) for s in sorted(seconds)[:5]]
