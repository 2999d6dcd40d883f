"""Readings API: an incident's monitor readings for the people who treat or receive the patient;
and the Lambda entry of device telemetry (an SQS batch in, a partial batch response out)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import HEALTH_RECORD, HEALTH_RECORD_RULE
from chalicelib.core.http import Ctx, route
from chalicelib.core.lambdas import lambda_function
from chalicelib.core.observability import count
from chalicelib.healthaccess.api import audited
from chalicelib.telemetry.schemas import ReadingList, ReadingsQuery

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/incidents/{incident_id}/vitals",
    "GET",
    summary="The incident's monitor readings with NEWS2 (assigned crew, county dispatcher, receiving hospital)",
    roles=(Role.CREW, Role.DISPATCHER, Role.HOSPITAL),
    query=ReadingsQuery,
    response=ReadingList,
    tags=("telemetry",),
    errors=HEALTH_RECORD,
    refused=audited("vitals.read"),
    description=HEALTH_RECORD_RULE,
)
def get_readings(ctx: Ctx) -> ReadingList:
    from chalicelib.telemetry.service import incident_readings
    from chalicelib.telemetry.wiring import get_readings

    return incident_readings(get_readings(), ctx.who, ctx.params["incident_id"], ctx.query, utcnow())


@lambda_function(bp, name="ingest_telemetry")
def ingest_telemetry(event: dict[str, Any]) -> dict[str, Any]:
    """SQS event source mapping with ReportBatchItemFailures: only the ids returned are delivered
    again. Positions are coalesced across the whole batch (one write per unit), which is why the
    batch is handled as a whole here rather than record by record."""
    from aws_lambda_powertools.utilities.data_classes import SQSEvent

    from chalicelib.telemetry.decode import Inbound
    from chalicelib.telemetry.service import ingest
    from chalicelib.telemetry.wiring import get_ports

    records = [Inbound(r.message_id, r.body) for r in SQSEvent(event).records]
    outcome = ingest(records, get_ports())
    count("TelemetryMessages", len(records))
    if outcome.positions_written:
        count("PositionWrites", outcome.positions_written)
    return {"batchItemFailures": [{"itemIdentifier": i} for i in sorted(outcome.failed)]}
