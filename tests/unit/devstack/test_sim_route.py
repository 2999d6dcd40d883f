"""The simulator's street paths and speed profiles: start and end where asked, never faster than the
cruise speed between two 1 Hz fixes, headings a compass can show, stopped on arrival."""

from __future__ import annotations

import random
from itertools import pairwise

from hypothesis import example, given, settings
from hypothesis import strategies as st

from chalicelib.core.geo import distance_m
from chalicelib.telemetry import schemas
from devstack.sim_route import Point, heading, plan, street_path

CENTRE = Point(24.51, 117.66)  # Zhangzhou; trips up to about 10 km each way
POINTS = st.builds(
    Point,
    st.floats(CENTRE.lat - 0.08, CENTRE.lat + 0.08),
    st.floats(CENTRE.lon - 0.08, CENTRE.lon + 0.08),
)
SPEEDS = st.floats(20.0, 250.0)


@settings(deadline=None, max_examples=60)
@given(POINTS, POINTS, SPEEDS, st.integers(0, 2**32))
@example(Point(24.430000000000007, 117.625), Point(24.430000000000003, 117.625), 20.0, 0)  # a hair apart
def test_a_drive_goes_from_origin_to_destination_within_the_speed(
    origin: Point, dest: Point, kmh: float, seed: int
) -> None:
    # Given two points and a cruise speed, when a drive is planned at 1 Hz
    fixes = plan(origin, dest, kmh, random.Random(seed))
    # Then it starts standing at the origin and ends stopped at the destination
    assert (fixes[0].lat, fixes[0].lon, fixes[0].speed_kmh) == (origin.lat, origin.lon, 0.0)
    assert (fixes[-1].lat, fixes[-1].lon, fixes[-1].speed_kmh) == (dest.lat, dest.lon, 0.0)
    # And no second covers more than the cruise speed allows (0.5 % for the flat-earth step)
    for a, b in pairwise(fixes):
        assert distance_m(a.lat, a.lon, b.lat, b.lon) <= kmh / 3.6 * 1.005 + 0.01
    for f in fixes:
        assert 0.0 <= f.heading_deg < 360.0
        assert 0.0 <= f.speed_kmh <= kmh + 1e-9
    # And it brakes: the second before the stop is slow
    if len(fixes) > 2:
        assert fixes[-2].speed_kmh <= 0.3 * kmh + 2.0


@settings(deadline=None, max_examples=30)
@given(POINTS, POINTS, SPEEDS, st.integers(0, 2**32))
def test_every_fix_is_a_valid_position_message(origin: Point, dest: Point, kmh: float, seed: int) -> None:
    for seq, f in enumerate(plan(origin, dest, kmh, random.Random(seed))):
        payload = {"unit_id": "AMB01", "seq": seq, "ts": "2026-01-01T00:00:00+08:00", **f._asdict()}
        schemas.parse("ems/units/AMB01/telemetry", payload)


def test_a_drive_across_town_turns_corners_and_is_reproducible() -> None:
    # Given a trip of about 2 km
    origin, dest = Point(24.5031, 117.7065), Point(24.5150, 117.6900)
    # When planned twice with the same seed
    first, again = plan(origin, dest, 45.0, random.Random(7)), plan(origin, dest, 45.0, random.Random(7))
    # Then the runs agree, the path is a dog-leg (several headings), not a straight line
    assert first == again
    assert len(street_path(origin, dest, random.Random(7))) >= 3
    assert len({round(f.heading_deg) for f in first}) >= 2
    # And the trip takes about as long as 45 km/h over a street grid
    straight_s = distance_m(*origin, *dest) / (45 / 3.6)
    assert straight_s < len(first) < 3 * straight_s


def test_a_short_hop_goes_straight_and_no_trip_stands_still() -> None:
    here = Point(24.5, 117.6)
    assert street_path(here, Point(24.5002, 117.6), random.Random(1)) == [here, Point(24.5002, 117.6)]
    assert [f.speed_kmh for f in plan(here, here, 50.0, random.Random(1))] == [0.0]


def test_heading_is_a_compass_bearing() -> None:
    assert heading(0.0, 1.0) == 0.0
    assert heading(1.0, 0.0) == 90.0
    assert heading(0.0, -1.0) == 180.0
    assert heading(-1.0, 0.0) == 270.0
    assert 0.0 <= heading(-1e-300, 1.0) < 360.0
