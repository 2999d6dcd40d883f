"""Who is alerted for a cardiac arrest and when an alert passes on: the pure rules."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.geo import cells, distance_m, fine_ranges, nearest_first_ranges
from chalicelib.volunteers import logic
from chalicelib.volunteers.entities import AlertStatus, PlaceKind, VolunteerTier
from chalicelib.volunteers.logic import AlertState, Candidate

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
LAT, LON = 24.5, 117.65
M = 1 / 111_195.0  # degrees of latitude per metre


def vol(vid: str, metres: float, tier: VolunteerTier = VolunteerTier.REGISTERED, **kw: object) -> Candidate:
    base: dict[str, object] = {"cert_expiry": date(2030, 1, 1), "located_at": NOW - timedelta(minutes=2)}
    base.update(kw)
    return Candidate(vid, tier, lat=LAT + metres * M, lon=LON, **base)  # type: ignore[arg-type]


def rank(cands: list[Candidate], place: PlaceKind = PlaceKind.PUBLIC, **kw: object) -> list[str]:
    args: dict[str, object] = {"incident_id": "INC1", "lat": LAT, "lon": LON, "radius": 500, "place": place,
                               "now": NOW, "position_ttl_s": 900}  # fmt: skip
    args.update(kw)
    return [c.volunteer_id for c, _ in logic.ranked(cands, **args)]  # type: ignore[arg-type]


def test_nearest_first_within_the_radius() -> None:
    assert rank([vol("far", 600), vol("b", 300), vol("a", 100), vol("edge", 499)]) == ["a", "b", "edge"]


def test_expired_certificates_stale_positions_and_busy_volunteers_are_not_alerted() -> None:
    cands = [
        vol("expired", 50, cert_expiry=date(2026, 11, 25)),
        vol("stale", 60, located_at=NOW - timedelta(minutes=16)),
        vol("never", 70, located_at=None),
        vol("busy", 80, engaged="INC0"),
        vol("ours", 90, engaged="INC1"),
        vol("ok", 100, cert_expiry=NOW.date()),
    ]
    assert rank(cands) == ["ours", "ok"]


def test_an_engagement_nobody_released_lapses_after_three_hours() -> None:
    assert rank([vol("old", 50, engaged="INC0", engaged_at=NOW - timedelta(hours=4))]) == ["old"]
    assert rank([vol("new", 50, engaged="INC0", engaged_at=NOW - timedelta(hours=1))]) == []


def test_a_certificate_lasts_to_the_end_of_its_day_in_china() -> None:
    evening = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)  # 23:30 in China on the 25th
    assert logic.certified(date(2026, 11, 25), evening)
    assert not logic.certified(date(2026, 11, 25), evening + timedelta(hours=1))


def test_public_tier_goes_to_public_places_only() -> None:
    cands = [vol("pub", 50, VolunteerTier.PUBLIC), vol("reg", 60), vol("pro", 70, VolunteerTier.PROFESSIONAL)]
    assert rank(cands, PlaceKind.PUBLIC) == ["pub", "reg", "pro"]
    assert rank(cands, PlaceKind.HOME) == ["reg", "pro"]
    assert logic.place_kind("350602001001") is PlaceKind.HOME and logic.place_kind(None) is PlaceKind.PUBLIC


def test_already_asked_are_skipped() -> None:
    assert rank([vol("a", 10), vol("b", 20)], exclude={"a"}) == ["b"]


def test_towns_use_500_m_and_the_countryside_1_km() -> None:
    assert logic.radius_m("350602", 24.51, 117.65) == 500  # a district
    assert logic.radius_m("350629", 25.0043, 117.5342) == 500  # Hua'an's county town
    assert logic.radius_m("350629", 25.15, 117.40) == 1000  # Hua'an's mountains


def test_a_round_expires_the_silent_and_tops_up_to_three() -> None:
    late, soon = NOW - timedelta(seconds=1), NOW + timedelta(seconds=30)
    alerts = [
        AlertState("a", AlertStatus.ACCEPTED, late),
        AlertState("b", AlertStatus.OFFERED, late),
        AlertState("c", AlertStatus.OFFERED, soon),
        AlertState("d", AlertStatus.DECLINED, late),
    ]
    plan = logic.plan(alerts, NOW)
    assert plan.expire == ["b"] and plan.wanted == 1
    assert logic.next_check(alerts, NOW, set(plan.expire)) == soon
    assert logic.plan([], NOW).wanted == 3
    assert logic.next_check([AlertState("a", AlertStatus.ACCEPTED, soon)], NOW, set()) is None


def test_the_volunteer_nearest_the_aed_brings_it() -> None:
    aed = (LAT + 150 * M, LON)
    assert logic.aed_bearer([("a", LAT + 10 * M, LON), ("b", LAT + 160 * M, LON)], *aed) == "b"
    assert logic.aed_bearer([], *aed) is None


@given(
    lat=st.floats(23.6, 25.1),
    lon=st.floats(117.0, 118.1),
    radius=st.sampled_from([200, 500, 1000, 2000]),
    bearing=st.floats(0, 2 * math.pi),
    share=st.floats(0, 1),
)
def test_every_point_of_the_disk_is_in_a_cell_read(
    lat: float, lon: float, radius: int, bearing: float, share: float
) -> None:
    d = radius * share
    p_lat = lat + d * math.cos(bearing) * M
    p_lon = lon + d * math.sin(bearing) * M / math.cos(math.radians(lat))
    point = cells(p_lat, p_lon)
    ranges = fine_ranges(lat, lon, radius)
    assert any(c == point.coarse and lo <= point.fine <= hi for c, lo, hi in ranges)
    assert len(ranges) <= {200: 4, 500: 6, 1000: 8, 2000: 14}[radius]
    ordered = nearest_first_ranges(lat, lon, radius)
    holding = [near for near, c, lo, hi in ordered if c == point.coarse and lo <= point.fine <= hi]
    assert holding and holding[0] <= distance_m(lat, lon, p_lat, p_lon)  # never nearer than a range promises
    assert [near for near, *_ in ordered] == sorted(near for near, *_ in ordered)
