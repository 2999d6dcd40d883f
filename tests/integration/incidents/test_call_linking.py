"""Simultaneous calls from neighbouring doors, with real threads over the app on moto (its DynamoDB
writes made atomic by devstack/moto_atomic.py, as in DynamoDB): within the 50 m linking radius they
end on one incident with every call kept, whichever side of a cell border the doors are on;
beyond it they stay apart."""

from __future__ import annotations

import math
import threading
import time
from typing import Any

import pytest

from chalicelib.core.geo import cell_at, distance_m
from chalicelib.incidents.logic import CLAIM_RES, DEDUPE_RADIUS_M
from chalicelib.incidents.wiring import get_incident_store
from tests.integration.conftest import Env


def _offset(lat: float, lon: float, east_m: float, north_m: float) -> tuple[float, float]:
    return lat + north_m / 111_195, lon + east_m / (111_195 * math.cos(math.radians(lat)))


def _border(lat: float, lon: float) -> tuple[float, float]:
    """A point on the border of the claim cell of (lat, lon), walking east a metre at a time."""
    start = cell_at(lat, lon, CLAIM_RES)
    for step in range(1, 400):
        point = _offset(lat, lon, step, 0)
        if cell_at(*point, CLAIM_RES) != start:
            return point
    raise AssertionError("no cell border within 400 m")


def _plate(code: str, lat: float, lon: float) -> str:
    from chalicelib.addresses.dal import AddressRecord
    from chalicelib.core.geo import cells
    from chalicelib.core.tables import bound
    from chalicelib.qr.schemas import QrClaims
    from chalicelib.qr.tokens import sign
    from chalicelib.qr.wiring import get_key_ring

    coarse, fine = cells(lat, lon)
    text = f"漳州市芗城区测试路{code}号"
    bound(AddressRecord)(
        code, county="350602", township="南坊街道", community="东方社区", road="测试路", number=code[-4:],
        text_zh=text, text_en=f"No. {code} Test Rd", lat=lat, lon=lon, cell_coarse=coarse, cell_fine=fine,
    ).save()  # fmt: skip
    claims = QrClaims(
        address_code=code, county="350602", lat=lat, lon=lon, text_zh=text, kid="k1", issued_at=int(time.time()) - 10
    )
    return sign(claims, get_key_ring())


def _simultaneous(tokens: list[str]) -> list[Any]:
    from chalicelib.core.clock import utcnow
    from chalicelib.incidents import service
    from chalicelib.incidents.schemas import CallRequest

    go = threading.Barrier(len(tokens))
    results: list[Any] = [None] * len(tokens)

    def scan(i: int) -> None:
        go.wait(timeout=30)
        try:
            results[i] = service.new_call(CallRequest(qr_token=tokens[i]), utcnow())
        except Exception as exc:  # reported below as the lost call it is
            results[i] = exc

    threads = [threading.Thread(target=scan, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    lost = [r for r in results if r is None or isinstance(r, Exception)]
    assert not lost, f"calls lost: {lost!r}"
    return results


@pytest.mark.parametrize("spot", range(3))
def test_simultaneous_calls_from_doors_within_the_radius_across_a_cell_border_end_on_one_incident(
    aws_env: Env, spot: int
) -> None:
    # Given five doors around a claim-cell border, each within 50 m of every other (29 to 48 m apart)
    lat, lon = _border(24.5109 + spot * 0.01, 117.6536 + spot * 0.01)
    turn = [math.radians(90 + 72 * i + 15 * spot) for i in range(5)]
    doors = [_offset(lat, lon, 25 * math.cos(a), 25 * math.sin(a)) for a in turn]
    assert len({cell_at(*d, CLAIM_RES) for d in doors}) > 1  # the doors straddle the border
    pairs = [distance_m(*a, *b) for i, a in enumerate(doors) for b in doors[i + 1 :]]
    assert min(pairs) > 25 and max(pairs) < DEDUPE_RADIUS_M
    tokens = [_plate(f"ZZ-LINK-{spot}{i:03d}", *d) for i, d in enumerate(doors)]

    # When all five call at the same moment
    results = _simultaneous(tokens)

    # Then they end on one incident, and every call is kept on it
    incidents = {r.incident_id for r in results}
    assert len(incidents) == 1, incidents
    calls = get_incident_store().calls_of(incidents.pop())
    assert sorted(c.call_id for c in calls) == sorted(r.call_id for r in results)
    assert sum(c.linked for c in calls) == len(doors) - 1


def test_simultaneous_calls_from_doors_beyond_the_radius_open_their_own_incidents(aws_env: Env) -> None:
    # Given two doors 67 m apart, across a cell border
    lat, lon = _border(24.5309, 117.6736)
    west, east = _offset(lat, lon, -33.5, 0), _offset(lat, lon, 33.5, 0)
    assert DEDUPE_RADIUS_M < distance_m(*west, *east) < 70
    tokens = [_plate("ZZ-FAR-0001", *west), _plate("ZZ-FAR-0002", *east)]

    # When both call at once
    results = _simultaneous(tokens)

    # Then each has its own incident: they are not the same emergency
    assert len({r.incident_id for r in results}) == 2
    assert not any(r.linked for r in results)
