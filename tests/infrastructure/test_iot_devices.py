"""Stateless stack, connected ambulances: one IoT policy, rendered from iot_rules/policies/ambulance.json,
with no wildcard resource; certificates never appear in a template (their keys must not)."""

from __future__ import annotations

import json
from typing import Any

from infrastructure import constants
from iot_rules.policies import ambulance_policy
from tests.infrastructure.conftest import STAGE, Synth

ACCOUNT = "111122223333"


def resolve(node: Any, pseudo: dict[str, str]) -> Any:
    """The document as CloudFormation deploys it: pseudo-parameter Refs and Fn::Join evaluated."""
    if isinstance(node, dict) and set(node) == {"Ref"}:
        return pseudo[node["Ref"]]
    if isinstance(node, dict) and set(node) == {"Fn::Join"}:
        separator, parts = node["Fn::Join"]
        return separator.join(resolve(p, pseudo) for p in parts)
    if isinstance(node, dict):
        return {k: resolve(v, pseudo) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, pseudo) for v in node]
    return node


def test_one_ambulance_policy_rendered_from_the_template(synth: Synth) -> None:
    (policy,) = synth.resources("stateless", "AWS::IoT::Policy").values()
    assert policy["Properties"]["PolicyName"] == constants.iot_policy_name(STAGE)
    pseudo = {"AWS::Partition": synth.partition, "AWS::Region": synth.region, "AWS::AccountId": ACCOUNT}
    document = resolve(policy["Properties"]["PolicyDocument"], pseudo)
    assert document == ambulance_policy(synth.partition, synth.region, ACCOUNT)


def test_no_wildcard_resource_in_the_synthesized_policy(synth: Synth) -> None:
    (policy,) = synth.resources("stateless", "AWS::IoT::Policy").values()
    for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
        assert statement["Effect"] == "Allow" and statement["Action"].startswith("iot:")
        assert "*" not in json.dumps(statement["Resource"]), statement
        assert "${iot:Connection.Thing.ThingName}" in json.dumps(statement["Resource"])


def test_things_and_certificates_are_left_to_provisioning(synth: Synth) -> None:
    for kind in synth.templates:
        for type_ in ("AWS::IoT::Certificate", "AWS::IoT::Thing", "AWS::IoT::PolicyPrincipalAttachment"):
            assert not synth.resources(kind, type_), (kind, type_)


def test_apps_connect_through_one_custom_authorizer_iot_alone_may_invoke(synth: Synth) -> None:
    (authorizer,) = synth.resources("stateless", "AWS::IoT::Authorizer").values()
    props = authorizer["Properties"]
    assert props["AuthorizerName"] == constants.app_authorizer_name(STAGE)
    assert props["SigningDisabled"] is True and props["Status"] == "ACTIVE"
    function = json.dumps(props["AuthorizerFunctionArn"])
    assert "MqttAuthorizer" in function
    permissions = [
        p["Properties"]
        for p in synth.resources("stateless", "AWS::Lambda::Permission").values()
        if json.dumps(p["Properties"]["FunctionName"]) == function
    ]
    assert len(permissions) == 1 and permissions[0]["Principal"] == "iot.amazonaws.com"
    assert "SourceArn" in permissions[0] and "SourceAccount" in permissions[0]
