"""Routing providers behind the ETA port: the Amazon Location route matrix (geo-routes
CalculateRouteMatrix), and the safety net around any provider: a failed or slow provider
degrades the estimate, never the dispatch.

Used only where configured: Amazon Location is not offered in the China partition, where
the model (or a domestic provider behind the same port) is the default.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from chalicelib.core.observability import logger
from chalicelib.dispatch.entities import Eta, Point
from chalicelib.dispatch.eta import EtaProvider, RoutingError


def geo_routes_client() -> Any:
    import boto3
    from botocore.config import Config

    from chalicelib.core.config import get_settings, settings_of
    from chalicelib.dispatch.settings import DispatchSettings

    # No retries and short timeouts: the fallback is better than a late answer.
    cfg = Config(retries={"mode": "standard", "max_attempts": 1}, connect_timeout=1, read_timeout=2)
    region = settings_of(DispatchSettings).route_region or get_settings().region
    return boto3.client("geo-routes", region_name=region, config=cfg)  # type: ignore[call-overload]


class LocationRoutesEta(EtaProvider):
    def __init__(self, client_factory: Callable[[], Any] = geo_routes_client, travel_mode: str = "Car") -> None:
        self._factory, self._mode = client_factory, travel_mode
        self._client: Any = None

    def matrix(self, origins: list[Point], destination: Point, at: datetime) -> list[Eta]:
        if not origins:
            return []
        if self._client is None:
            self._client = self._factory()
        when = at if at.tzinfo else at.replace(tzinfo=UTC)
        response = self._client.calculate_route_matrix(
            Origins=[{"Position": [o.lon, o.lat]} for o in origins],  # GeoJSON order: lon, lat
            Destinations=[{"Position": [destination.lon, destination.lat]}],
            RoutingBoundary={"Geometry": {"AutoCircle": {}}},
            TravelMode=self._mode,
            DepartureTime=when.isoformat(timespec="seconds"),
        )
        rows = response.get("RouteMatrix") or []
        if len(rows) != len(origins):
            raise RoutingError(f"route matrix has {len(rows)} rows for {len(origins)} origins")
        return [self._eta(row) for row in rows]

    @staticmethod
    def _eta(row: list[dict[str, Any]]) -> Eta:
        cell = row[0] if row else {}
        if cell.get("Error") or "Duration" not in cell:
            # One unroutable pair would make the ranking mix sources; fall back as a whole.
            raise RoutingError(f"route matrix entry unusable: {cell.get('Error', 'missing')}")
        return Eta(seconds=float(cell["Duration"]), metres=float(cell.get("Distance", 0)), source="routing")


class FallbackEta(EtaProvider):
    def __init__(self, primary: EtaProvider, fallback: EtaProvider, timeout_s: float = 2.0) -> None:
        self._primary, self._fallback, self._timeout_s = primary, fallback, timeout_s
        self._pool: ThreadPoolExecutor | None = None

    def _workers(self) -> ThreadPoolExecutor:
        # Created on first use, not at import (cold start). A timed-out call keeps its thread
        # until botocore's own read timeout ends it; a few workers absorb that.
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="eta")
        return self._pool

    def matrix(self, origins: list[Point], destination: Point, at: datetime) -> list[Eta]:
        if not origins:
            return []
        future = self._workers().submit(self._primary.matrix, origins, destination, at)
        try:
            etas = future.result(timeout=self._timeout_s)
            if len(etas) != len(origins):
                raise ValueError(f"{len(etas)} estimates for {len(origins)} origins")
            return etas
        except FutureTimeout:
            future.cancel()
            reason = f"routing timed out after {self._timeout_s:g} s"
        except Exception as exc:  # any provider failure must fall back, whatever its type
            reason = f"routing failed: {type(exc).__name__}"
        logger().warning("eta degraded", extra={"reason": reason})
        estimates = self._fallback.matrix(origins, destination, at)
        return [replace(e, degraded=True, reason=reason) for e in estimates]
