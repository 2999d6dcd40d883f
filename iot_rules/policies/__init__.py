"""Device IoT policies: JSON templates in this folder, the one source read by CDK
(AWS::IoT::Policy), the `provision-unit` command and the tests.

ARNs are written with CloudFormation's pseudo-parameter names as placeholders; rendering
replaces them (CDK passes its tokens, the command the caller's real partition, region and
account). IoT's own policy variables (`${iot:...}`) are left for IoT Core to fill per connection.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
PARTITION, REGION, ACCOUNT = "${AWS::Partition}", "${AWS::Region}", "${AWS::AccountId}"
THING_NAME = "${iot:Connection.Thing.ThingName}"


def template(name: str = "ambulance") -> dict[str, Any]:
    """The policy as stored, placeholders and all."""
    document: dict[str, Any] = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    return document


def ambulance_policy(partition: str, region: str, account: str) -> dict[str, Any]:
    """The shared policy of every ambulance's certificate, for one partition, region and account."""
    return _render(template("ambulance"), {PARTITION: partition, REGION: region, ACCOUNT: account})


def unit_topics(unit_id: str) -> dict[str, list[str]]:
    """The MQTT topics (or filters) the policy grants `unit_id`, per action: what its device may use."""
    topics: dict[str, list[str]] = {}
    for statement in ambulance_policy("p", "r", "a")["Statement"]:
        resources = statement["Resource"]
        for arn in [resources] if isinstance(resources, str) else resources:
            # arn:p:iot:r:a:topic/ems/units/... -> ems/units/...; the ThingName variable holds a colon too.
            kind, _, name = arn.split(":", 5)[5].partition("/")
            if kind in ("topic", "topicfilter"):
                topics.setdefault(statement["Action"], []).append(name.replace(THING_NAME, unit_id))
    return topics


def _render(node: Any, values: dict[str, str]) -> Any:
    if isinstance(node, str):
        for placeholder, value in values.items():
            node = node.replace(placeholder, value)
        return node
    if isinstance(node, dict):
        return {key: _render(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_render(value, values) for value in node]
    return node
