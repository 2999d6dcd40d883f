"""IoT topic rules: each JSON file here is one rule (SQL, actions, errorAction), the one
source read by CDK (AWS::IoT::TopicRule) and by the local stack's MQTT bridge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def load_rules() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(HERE.glob("*.json"))]


def rule_functions(rule: dict[str, Any]) -> list[str]:
    return [a["lambda"]["function"] for a in rule["actions"] if "lambda" in a]


def rule_queues(rule: dict[str, Any]) -> list[str]:
    queues = [a["sqs"]["queue"] for a in rule["actions"] if "sqs" in a]
    if "sqs" in rule.get("errorAction", {}):
        queues.append(rule["errorAction"]["sqs"]["queue"])
    return queues
