"""Lambda entry of device telemetry: an SQS batch in, a partial batch response out."""

from __future__ import annotations

from typing import Any

from chalicelib.core.observability import count
from chalicelib.telemetry.decode import Inbound


def ingest_telemetry(event: dict[str, Any]) -> dict[str, Any]:
    """SQS event source mapping with ReportBatchItemFailures: only the ids returned are delivered
    again. Positions are coalesced across the whole batch (one write per unit), which is why the
    batch is handled as a whole here rather than record by record."""
    from aws_lambda_powertools.utilities.data_classes import SQSEvent

    from chalicelib.telemetry.ingest import ingest
    from chalicelib.telemetry.wiring import get_ports

    records = [Inbound(r.message_id, r.body) for r in SQSEvent(event).records]
    outcome = ingest(records, get_ports())
    count("TelemetryMessages", len(records))
    if outcome.positions_written:
        count("PositionWrites", outcome.positions_written)
    return {"batchItemFailures": [{"itemIdentifier": i} for i in sorted(outcome.failed)]}
