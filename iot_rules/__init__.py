"""IoT topic rules: each JSON file here is one rule (SQL, actions, errorAction), the one
source read by CDK (AWS::IoT::TopicRule) and by the local stack's MQTT bridge."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Consumer:
    """How a work queue fed by the rules is drained: a Lambda event source mapping in AWS, the
    devstack's poller locally. Both read this, so batching and redrive are decided once."""

    function: str  # the `@app.lambda_function` name
    batch_size: int
    window_s: int  # MaximumBatchingWindowInSeconds: what trades freshness for fewer, fuller batches
    max_receive: int  # deliveries before a message that keeps failing moves to `dead_letter`
    dead_letter: str  # retries exhausted (an outage): redrive to the source once it is over
    rejects: str  # invalid messages, never retried, each with its reason


# One queue for the three device topics: vitals and device status are a trickle beside the 1 Hz
# positions, and one consumer sees a unit's fixes and readings together.
CONSUMERS: dict[str, Consumer] = {
    "device-telemetry": Consumer(
        function="ingest_telemetry",
        batch_size=100,
        window_s=1,
        max_receive=5,
        dead_letter="device-telemetry-dlq",
        rejects="telemetry-rejects",
    ),
}


def load_rules() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(HERE.glob("*.json"))]


def rule_functions(rule: dict[str, Any]) -> list[str]:
    return [a["lambda"]["function"] for a in rule["actions"] if "lambda" in a]


def dead_letter_queues() -> list[str]:
    """Queues that hold what could not be handled: errorActions, consumers' DLQs and rejects."""
    names = {r["errorAction"]["sqs"]["queue"] for r in load_rules() if "sqs" in r.get("errorAction", {})}
    names |= {q for c in CONSUMERS.values() for q in (c.dead_letter, c.rejects)}
    return sorted(names)


def work_queues() -> list[str]:
    """Queues the rules' sqs actions feed, each drained by its consumer."""
    fed = {a["sqs"]["queue"] for r in load_rules() for a in r["actions"] if "sqs" in a}
    missing = fed - set(CONSUMERS)
    if missing:
        raise ValueError(f"rule queues without a consumer in iot_rules.CONSUMERS: {sorted(missing)}")
    return sorted(fed)


def rule_queues(rule: dict[str, Any]) -> list[str]:
    queues = [a["sqs"]["queue"] for a in rule["actions"] if "sqs" in a]
    if "sqs" in rule.get("errorAction", {}):
        queues.append(rule["errorAction"]["sqs"]["queue"])
    return queues
