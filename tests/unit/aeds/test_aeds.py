"""Whether an AED can be used now, and the nearest ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.aeds.entities import Aed, AedStatus, AedVerification
from chalicelib.aeds.logic import nearest, open_at, usable


def china(hour: int, minute: int = 0) -> datetime:
    """A China-time clock reading, as the UTC instant the platform holds."""
    return datetime(2026, 6, 1, (hour - 8) % 24, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hours", "hour", "minute", "is_open"),
    [
        ("24h", 3, 0, True),
        ("08:00-18:00", 7, 59, False),
        ("08:00-18:00", 8, 0, True),
        ("08:00-18:00", 17, 59, True),
        ("08:00-18:00", 18, 0, False),
        ("22:00-06:00", 23, 30, True),  # a night shift wraps past midnight
        ("22:00-06:00", 5, 59, True),
        ("22:00-06:00", 12, 0, False),
        ("06:00-24:00", 23, 59, True),
    ],
)
def test_opening_hours_in_china_time(hours: str, hour: int, minute: int, is_open: bool) -> None:
    assert open_at(hours, china(hour, minute)) is is_open


def aed(aed_id: str, lat: float, **kw: object) -> Aed:
    return Aed.model_validate({"aed_id": aed_id, "name_zh": "体育馆", "name_en": "Gym", "county": "350602", "lat": lat,
                               "lon": 117.65, "hours": "24h", **kw})  # fmt: skip


def test_only_a_verified_aed_in_service_in_an_open_building_is_usable() -> None:
    now = china(3)
    assert usable(aed("A", 24.5), now)
    assert not usable(aed("B", 24.5, verification=AedVerification.PENDING), now)
    assert not usable(aed("C", 24.5, status=AedStatus.MAINTENANCE), now)
    assert not usable(aed("D", 24.5, hours="08:00-18:00"), now)


def test_nearest_first_within_the_radius() -> None:
    got = nearest([aed("far", 24.51), aed("near", 24.5005), aed("mid", 24.502)], 24.5, 117.65, 500)
    assert [a.aed_id for a, _ in got] == ["near", "mid"]
    assert 50 < got[0][1] < 60


def test_hours_are_checked_at_the_edge() -> None:
    with pytest.raises(ValueError):
        aed("X", 24.5, hours="8am-6pm")
