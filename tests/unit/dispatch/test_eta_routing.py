"""Amazon Location adapter (botocore Stubber: moto has no geo-routes) and the fallback wrapper."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from chalicelib.dispatch.adapters.routing import FallbackEta, LocationRoutesEta
from chalicelib.dispatch.entities import Eta, Point
from chalicelib.dispatch.eta import EtaProvider, ModelEta, RoutingError

AT = datetime(2025, 3, 4, 8, 30, tzinfo=timezone(timedelta(hours=8)))
DEST = Point(24.5109, 117.6536)
ORIGINS = [Point(24.52, 117.66), Point(24.60, 117.70)]


@pytest.fixture
def stubbed() -> Any:
    client = boto3.client("geo-routes", region_name="ap-southeast-1")
    with Stubber(client) as stub:
        yield client, stub


def cell(duration: int, distance: int) -> list[dict[str, Any]]:
    return [{"Duration": duration, "Distance": distance}]


def test_given_route_matrix_then_etas_in_origin_order_from_routing(stubbed: Any) -> None:
    client, stub = stubbed
    expected = {
        "Origins": [{"Position": [117.66, 24.52]}, {"Position": [117.70, 24.60]}],
        "Destinations": [{"Position": [117.6536, 24.5109]}],
        "RoutingBoundary": {"Geometry": {"AutoCircle": {}}},
        "TravelMode": "Car",
        "DepartureTime": "2025-03-04T08:30:00+08:00",
    }
    response = {
        "ErrorCount": 0,
        "PricingBucket": "b",
        "RouteMatrix": [cell(300, 2000), cell(900, 12000)],
        "RoutingBoundary": {"Geometry": {"Circle": {"Center": [117.6, 24.5], "Radius": 1000}}, "Unbounded": False},
    }
    stub.add_response("calculate_route_matrix", response, expected)
    etas = LocationRoutesEta(lambda: client).matrix(ORIGINS, DEST, AT)
    assert etas == [Eta(300, 2000, "routing"), Eta(900, 12000, "routing")]


def test_given_service_error_then_fallback_uses_model_and_says_why(stubbed: Any) -> None:
    client, stub = stubbed
    stub.add_client_error("calculate_route_matrix", "ThrottlingException", http_status_code=429, expected_params=None)
    etas = FallbackEta(LocationRoutesEta(lambda: client), ModelEta()).matrix(ORIGINS, DEST, AT)
    assert etas == [
        e.__class__(**{**e.__dict__, "degraded": True, "reason": "routing failed: ThrottlingException"})
        for e in ModelEta().matrix(ORIGINS, DEST, AT)
    ]
    assert all(e.source == "model" for e in etas)


def test_given_an_unroutable_pair_then_adapter_raises_and_fallback_degrades(stubbed: Any) -> None:
    client, stub = stubbed
    rows = [cell(300, 2000), [{"Distance": 0, "Duration": 0, "Error": "OutOfBounds"}]]
    for _ in range(2):
        stub.add_response(
            "calculate_route_matrix",
            {"ErrorCount": 1, "PricingBucket": "b", "RouteMatrix": rows, "RoutingBoundary": {"Unbounded": True}},
        )
    with pytest.raises(RoutingError, match="OutOfBounds"):
        LocationRoutesEta(lambda: client).matrix(ORIGINS, DEST, AT)
    etas = FallbackEta(LocationRoutesEta(lambda: client), ModelEta()).matrix(ORIGINS, DEST, AT)
    assert all(e.degraded and e.reason == "routing failed: RoutingError" for e in etas)


class Slow(EtaProvider):
    def __init__(self) -> None:
        self.release = threading.Event()

    def matrix(self, origins: list[Point], destination: Point, at: datetime) -> list[Eta]:
        self.release.wait(5)
        return [Eta(1, 1, "routing") for _ in origins]


def test_given_slow_provider_then_fallback_answers_within_the_timeout() -> None:
    slow = Slow()
    try:
        etas = FallbackEta(slow, ModelEta(), timeout_s=0.05).matrix(ORIGINS, DEST, AT)
    finally:
        slow.release.set()
    assert all(e.degraded and "timed out" in (e.reason or "") for e in etas)


def test_given_healthy_provider_then_fallback_passes_it_through_and_no_origins_no_call() -> None:
    class Fixed(EtaProvider):
        def matrix(self, origins: list[Point], destination: Point, at: datetime) -> list[Eta]:
            return [Eta(5, 5, "routing") for _ in origins]

    assert FallbackEta(Fixed(), ModelEta()).matrix(ORIGINS, DEST, AT) == [Eta(5, 5, "routing")] * 2
    assert FallbackEta(Fixed(), ModelEta()).matrix([], DEST, AT) == []
