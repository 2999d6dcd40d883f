"""Builds ingestion's ports once per container (lazily: nothing at import time)."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.core.config import get_settings
from chalicelib.telemetry.ingest import Ports


@lru_cache(maxsize=1)
def get_ports() -> Ports:
    from chalicelib.fleet.deps import get_fleet_store
    from chalicelib.telemetry.adapters import AssessmentRetriage, FleetArrivals, ModelEtaUpdates, QueueOutbox
    from chalicelib.telemetry.store import DynamoPlaces, DynamoTelemetryStore

    s = get_settings()
    return Ports(
        store=DynamoTelemetryStore(s.vitals_ttl_days),
        places=DynamoPlaces(),
        arrivals=FleetArrivals(get_fleet_store()),
        outbox=QueueOutbox(s.telemetry_rejects_queue),
        coalesce_s=s.position_coalesce_s,
        retriage=AssessmentRetriage(),
        etas=ModelEtaUpdates(),
    )


def reset() -> None:
    get_ports.cache_clear()
