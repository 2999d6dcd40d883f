"""Builds ingestion's ports once per container (lazily: nothing at import time)."""

from __future__ import annotations

from chalicelib.core.config import get_settings, settings_of
from chalicelib.core.root import provider
from chalicelib.telemetry.ports import ReadingSource
from chalicelib.telemetry.service import Ports
from chalicelib.telemetry.settings import TelemetrySettings


@provider
def get_readings() -> ReadingSource:
    from chalicelib.telemetry.adapters.dynamo import DynamoReadings

    return DynamoReadings()


@provider
def get_ports() -> Ports:
    from chalicelib.fleet.api import status_writer
    from chalicelib.incidents.api import add_unit_step
    from chalicelib.telemetry.adapters.dynamo import DynamoPlaces, DynamoTelemetryStore
    from chalicelib.telemetry.adapters.outbound import AssessmentRetriage, FleetArrivals, ModelEtaUpdates, QueueOutbox

    s = settings_of(TelemetrySettings)
    return Ports(
        store=DynamoTelemetryStore(get_settings().vitals_ttl_days),
        places=DynamoPlaces(),
        arrivals=FleetArrivals(status_writer(add_unit_step)),
        outbox=QueueOutbox(s.telemetry_rejects_queue),
        coalesce_s=s.position_coalesce_s,
        retriage=AssessmentRetriage(),
        etas=ModelEtaUpdates(),
    )
