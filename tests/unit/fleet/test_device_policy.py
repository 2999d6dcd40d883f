"""The ambulance IoT policy, as stored and as rendered: a unit connects only as its own thing,
publishes only its own telemetry, vitals and status, and hears only its own dispatch topic."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from chalicelib.dispatch.api import unit_topic
from chalicelib.telemetry.schemas import TOPIC_KINDS
from iot_rules.policies import ACCOUNT, PARTITION, REGION, THING_NAME, ambulance_policy, template, unit_topics

ACTIONS = {"iot:Connect", "iot:Publish", "iot:Subscribe", "iot:Receive"}
RENDERED = {
    "cn": ("aws-cn", "cn-northwest-1", "123456789012"),
    "global": ("aws", "ap-southeast-1", "123456789012"),
}


def resources(statement: dict[str, Any]) -> list[str]:
    value = statement["Resource"]
    return [value] if isinstance(value, str) else list(value)


def by_action(document: dict[str, Any]) -> dict[str, list[str]]:
    """Resource names (`topic/...`) per action, the thing-name variable left in; placeholders hold colons."""
    out: dict[str, list[str]] = {}
    for statement in document["Statement"]:
        names = [re.search(r":((?:client|topic|topicfilter)/.*)$", arn) for arn in resources(statement)]
        out.setdefault(statement["Action"], []).extend(m.group(1) for m in names if m)
    return out


def allows(document: dict[str, Any], thing: str, action: str, resource: str) -> bool:
    """IoT Core's decision for a connection of `thing`, for the exact resources this policy uses."""
    return any(
        s["Effect"] == "Allow"
        and s["Action"] == action
        and resource in [r.replace(THING_NAME, thing) for r in resources(s)]
        for s in document["Statement"]
    )


DOCUMENTS = {"template": template(), **{k: ambulance_policy(*v) for k, v in RENDERED.items()}}


@pytest.fixture(params=sorted(DOCUMENTS))
def document(request: pytest.FixtureRequest) -> dict[str, Any]:
    return DOCUMENTS[request.param]


def test_only_the_four_iot_actions_only_allow_no_negations(document: dict[str, Any]) -> None:
    assert {s["Action"] for s in document["Statement"]} == ACTIONS
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        assert set(statement) <= {"Sid", "Effect", "Action", "Resource", "Condition"}  # no NotAction/NotResource


def test_every_resource_is_the_connecting_things_own_and_none_is_a_wildcard(document: dict[str, Any]) -> None:
    for statement in document["Statement"]:
        assert resources(statement)
        for arn in resources(statement):
            assert THING_NAME in arn
            assert "*" not in arn and "+" not in arn and "#" not in arn, arn


def test_connect_only_as_an_attached_thing_named_like_the_client() -> None:
    for document in DOCUMENTS.values():
        (connect,) = [s for s in document["Statement"] if s["Action"] == "iot:Connect"]
        assert resources(connect)[0].endswith(f":client/{THING_NAME}")
        assert connect["Condition"] == {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}


def test_publish_exactly_the_device_topics_the_platform_parses(document: dict[str, Any]) -> None:
    own = {f"topic/ems/units/{THING_NAME}/{kind}" for kind in TOPIC_KINDS}
    assert own == {f"topic/ems/units/{THING_NAME}/{k}" for k in ("telemetry", "vitals", "status")}
    assert set(by_action(document)["iot:Publish"]) == own


def test_subscribe_and_receive_only_the_units_dispatch_topic(document: dict[str, Any]) -> None:
    actions = by_action(document)
    assert actions["iot:Subscribe"] == [f"topicfilter/{unit_topic(THING_NAME)}"]
    assert actions["iot:Receive"] == [f"topic/{unit_topic(THING_NAME)}"]


def test_template_keeps_placeholders_and_rendering_fills_every_arn() -> None:
    for statement in template()["Statement"]:
        assert all(arn.startswith(f"arn:{PARTITION}:iot:{REGION}:{ACCOUNT}:") for arn in resources(statement))
    for partition, region, account in RENDERED.values():
        document = ambulance_policy(partition, region, account)
        assert "${AWS::" not in json.dumps(document)
        for statement in document["Statement"]:
            assert all(arn.startswith(f"arn:{partition}:iot:{region}:{account}:") for arn in resources(statement))


def test_given_amb01_connected_then_it_acts_as_itself_and_never_as_another_unit() -> None:
    document = ambulance_policy(*RENDERED["cn"])
    arn = "arn:aws-cn:iot:cn-northwest-1:123456789012:"
    assert allows(document, "AMB01", "iot:Connect", f"{arn}client/AMB01")
    assert not allows(document, "AMB01", "iot:Connect", f"{arn}client/AMB02")
    for kind in ("telemetry", "vitals", "status"):
        assert allows(document, "AMB01", "iot:Publish", f"{arn}topic/ems/units/AMB01/{kind}")
        assert not allows(document, "AMB01", "iot:Publish", f"{arn}topic/ems/units/AMB02/{kind}")
    # A device must not forge a job for itself or anyone, nor read another unit's jobs.
    assert not allows(document, "AMB01", "iot:Publish", f"{arn}topic/ems/units/AMB01/dispatch")
    assert allows(document, "AMB01", "iot:Receive", f"{arn}topic/ems/units/AMB01/dispatch")
    assert not allows(document, "AMB01", "iot:Subscribe", f"{arn}topicfilter/ems/units/+/dispatch")
    assert not allows(document, "AMB01", "iot:Receive", f"{arn}topic/ems/units/AMB02/dispatch")


def test_unit_topics_name_what_the_device_may_use() -> None:
    assert unit_topics("AMB07") == {
        "iot:Publish": ["ems/units/AMB07/telemetry", "ems/units/AMB07/vitals", "ems/units/AMB07/status"],
        "iot:Subscribe": ["ems/units/AMB07/dispatch"],
        "iot:Receive": ["ems/units/AMB07/dispatch"],
    }
