"""Amazon Location route matrix (geo-routes CalculateRouteMatrix) behind the ETA port.

Used only where configured: Amazon Location is not offered in the China partition, where
the model (or a domestic provider behind the same port) is the default.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chalicelib.dispatch.eta import EtaProvider, RoutingError
from chalicelib.dispatch.models import Eta, Point


def geo_routes_client() -> Any:
    import boto3
    from botocore.config import Config

    from chalicelib.core.config import get_settings

    # No retries and short timeouts: the fallback is better than a late answer.
    cfg = Config(retries={"mode": "standard", "max_attempts": 1}, connect_timeout=1, read_timeout=2)
    return boto3.client("geo-routes", region_name=get_settings().route_region or get_settings().region, config=cfg)  # type: ignore[call-overload]


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
