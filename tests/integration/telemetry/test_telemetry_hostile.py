"""Hostile device payloads through the real rule and the consumer, against moto: each lands in
`telemetry-rejects` with its reason, and one too large for a queue message keeps its beginning and size."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from typing import Any

from devstack.mqtt_bridge import SQS_MAX_BYTES, fit_queue
from tests.integration.fleet import test_fleet_api
from tests.integration.telemetry import test_telemetry_ingest
from tests.integration.telemetry.test_telemetry_ingest import fix, rejects, run, sqs_record, unit, vitals

fleet = test_fleet_api.fleet
_now = test_telemetry_ingest._now  # each test's fixes start just ahead of its own clock


def bridged(topic: str, raw: bytes) -> dict[str, Any]:
    """What the devstack bridge enqueues for a payload of any size (IoT Core caps MQTT at 128 KiB)."""
    kind = topic.rsplit("/", 1)[-1]
    body = fit_queue(test_telemetry_ingest.RULES[f"unit_{kind}"].evaluate({}, topic, raw=raw), raw)
    assert len(json.dumps(body)) < SQS_MAX_BYTES
    return {"messageId": str(uuid.uuid4()), "receiptHandle": "r", "body": json.dumps(body), "eventSource": "aws:sqs"}


def test_too_deep_too_large_and_unstorable_payloads_are_rejected_with_their_reason(fleet: Any) -> None:
    topic = "ems/units/AMB03/telemetry"
    good = fix("AMB03", 1, float(unit("AMB03").lat) + 1e-3, float(unit("AMB03").lon), test_telemetry_ingest.T0)
    deep = b'{"v": 1, "x": ' + b"[" * 5_000 + b"]" * 5_000 + b"}"
    large = json.dumps({**good, "firmware": "x" * 40_000}).encode()
    at = test_telemetry_ingest.T0 + timedelta(seconds=5)
    records = [
        sqs_record(topic, deep),
        sqs_record(topic, large),
        bridged(topic, b'{"v": 1, "pad": "' + b"y" * (300 * 1024) + b'"}'),
        sqs_record("ems/units/AMB03/vitals", vitals("AMB03", 2, at, hr=True)),
        sqs_record("ems/units/AMB03/vitals", {**vitals("AMB03", 3, at), "seq": 10**40}),
        sqs_record(topic, {**good, "ts": "0001-01-01T00:00:00+14:00"}),
        sqs_record(topic, {**good, "ts": "9999-12-31T23:59:59-12:00"}),
        sqs_record(topic, {**good, "lat": 1e-200, "seq": 2}),  # rounded to 0: stored, not a failed write
    ]
    assert run(fleet, records) == {"batchItemFailures": []}
    got = sorted(rejects(fleet), key=lambda r: r["reason"])
    reasons = sorted((r["reason"], r["field"] or "") for r in got)
    assert reasons == [
        ("clock_ahead", "ts"),
        ("clock_behind", "ts"),
        ("invalid_schema", "hr"),
        ("invalid_schema", "seq"),
        ("payload_too_deep", ""),
        ("payload_too_large", ""),
        ("payload_too_large", ""),
    ], reasons
    too_large = [r for r in got if r["reason"] == "payload_too_large"]
    whole = next(r for r in too_large if "payload_truncated" not in r)
    assert base64.b64decode(whole["payload"]) == large  # fits a message: kept whole
    cut = next(r for r in too_large if "payload_truncated" in r)
    assert cut["payload_bytes"] > 300 * 1024 and base64.b64decode(cut["payload"]).startswith(b'{"v": 1, "pad": "yyy')
    assert all(r["attrs"]["unit_id"] == "AMB03" for r in got)
