"""The default ETA model: monotonic in distance, slower at peak, per-county factors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.dispatch.entities import Point
from chalicelib.dispatch.eta import DEFAULT, ModelEta, profiles_with

CN = timezone(timedelta(hours=8))
XIANGCHENG = Point(24.5109, 117.6536)  # urban district seat
PINGHE = Point(24.3636, 117.3133)  # mountain county seat
ZHANGPU = Point(24.1171, 117.6136)  # default profile
NOON = datetime(2025, 3, 4, 12, 0, tzinfo=CN)


def at_hour(h: int) -> datetime:
    return datetime(2025, 3, 4, h, 30, tzinfo=CN)


@given(st.floats(0, 0.3), st.floats(0, 0.3))
def test_given_two_origins_on_one_line_then_the_farther_is_never_sooner(a: float, b: float) -> None:
    near, far = sorted((a, b))
    etas = ModelEta().matrix(
        [Point(ZHANGPU.lat + near, ZHANGPU.lon), Point(ZHANGPU.lat + far, ZHANGPU.lon)], ZHANGPU, NOON
    )
    assert etas[0].seconds <= etas[1].seconds
    assert etas[0].metres <= etas[1].metres
    assert all(e.source == "model" and not e.degraded for e in etas)


def test_given_same_trip_when_at_peak_then_slower_than_day_and_night_fastest() -> None:
    origin = [Point(ZHANGPU.lat + 0.1, ZHANGPU.lon)]
    peak, day, night = (ModelEta().matrix(origin, ZHANGPU, at_hour(h))[0].seconds for h in (8, 12, 23))
    assert peak > day > night
    assert ModelEta().matrix(origin, ZHANGPU, at_hour(17))[0].seconds == peak


def test_given_utc_time_then_peak_is_judged_in_china_time() -> None:
    origin = [Point(ZHANGPU.lat + 0.1, ZHANGPU.lon)]
    utc_peak = datetime(2025, 3, 4, 0, 30, tzinfo=UTC)  # 08:30 in Zhangzhou
    assert ModelEta().matrix(origin, ZHANGPU, utc_peak)[0] == ModelEta().matrix(origin, ZHANGPU, at_hour(8))[0]


def test_given_zero_distance_then_only_the_chute_time() -> None:
    eta = ModelEta().matrix([ZHANGPU], ZHANGPU, NOON)[0]
    assert eta.seconds == DEFAULT.chute_s and eta.metres == 0


def test_given_same_distance_then_urban_slower_than_default_and_mountain_detours_most() -> None:
    def trip(dest: Point) -> tuple[float, float]:
        eta = ModelEta().matrix([Point(dest.lat + 0.05, dest.lon)], dest, NOON)[0]
        return eta.seconds, eta.metres

    urban, default, mountain = trip(XIANGCHENG), trip(ZHANGPU), trip(PINGHE)
    assert urban[0] > default[0]
    assert mountain[1] > default[1] > urban[1]


def test_given_settings_override_then_that_county_changes_and_others_keep_defaults() -> None:
    model = ModelEta(profiles_with({"350623": {"kmh_day": 90.0}, "default": {"chute_s": 0.0}}))
    origin = [Point(ZHANGPU.lat + 0.1, ZHANGPU.lon)]
    assert model.matrix(origin, ZHANGPU, NOON)[0].seconds < ModelEta().matrix(origin, ZHANGPU, NOON)[0].seconds
    assert model.profile(XIANGCHENG) == ModelEta().profile(XIANGCHENG)
