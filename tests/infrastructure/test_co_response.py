"""Dispatch bus and co-response: the bus, what the functions may put on it and do with task
tokens, one rule and one encrypted topic per agency, the key and the dead-letter queue."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.dispatch.entities import Point
from chalicelib.dispatch.messages import CO_RESPONSE, DISPATCHED, EVENT_SOURCE, co_response
from chalicelib.dispatch.ports import DispatchIncident
from chalicelib.fleet.entities import UnitType
from infrastructure import constants
from infrastructure.constructs.grants import TASK_RESPONSE
from tests.infrastructure.conftest import STAGE, Synth

BUS = f"ems-{STAGE}-dispatch"
QUEUE = f"ems-{STAGE}-co-response-undelivered"
EVENTS = {"Service": "events.amazonaws.com"}


def _one(resources: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    assert len(resources) == 1, sorted(resources)
    ((logical, resource),) = resources.items()
    return logical, resource["Properties"]


def _bus(synth: Synth) -> tuple[str, dict[str, Any]]:
    return _one(synth.resources("stateless", "AWS::Events::EventBus"))


def _statements(synth: Synth, kind: str, type_: str, document: str) -> list[dict[str, Any]]:
    return [s for r in synth.resources(kind, type_).values() for s in r["Properties"][document]["Statement"]]


def _function_statements(synth: Synth) -> list[dict[str, Any]]:
    return _statements(synth, "stateless", "AWS::IAM::ManagedPolicy", "PolicyDocument")


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def _imports(value: Any, logical_prefix: str) -> bool:
    """A cross-stack reference to an attribute of a stateful resource whose logical id starts so."""
    return isinstance(value, dict) and f"ExportsOutputFnGetAtt{logical_prefix}" in str(value.get("Fn::ImportValue"))


def _queue_ref(synth: Synth) -> str:
    (logical,) = (
        k for k, r in synth.resources("stateful", "AWS::SQS::Queue").items() if r["Properties"]["QueueName"] == QUEUE
    )
    return logical


def _topics(synth: Synth) -> dict[str, str]:
    """Topic name -> logical id."""
    return {r["Properties"]["TopicName"]: k for k, r in synth.resources("stateless", "AWS::SNS::Topic").items()}


def _rules(synth: Synth) -> dict[str, tuple[str, dict[str, Any]]]:
    """Rule name -> (logical id, properties), rules on the dispatch bus only."""
    bus, _ = _bus(synth)
    return {
        r["Properties"]["Name"]: (k, r["Properties"])
        for k, r in synth.resources("stateless", "AWS::Events::Rule").items()
        if r["Properties"].get("EventBusName") == {"Fn::GetAtt": [bus, "Name"]}
    }


def test_the_dispatch_bus_is_named_for_the_stage_encrypted_and_has_a_dead_letter_queue(synth: Synth) -> None:
    _, bus = _bus(synth)
    assert bus["Name"] == BUS == constants.event_bus_name(STAGE)
    assert _imports(bus["KmsKeyIdentifier"], "DataKey")
    assert _imports(bus["DeadLetterConfig"]["Arn"], _queue_ref(synth))


def test_functions_are_told_the_bus_name(synth: Synth) -> None:
    for fn in synth.resources("stateless", "AWS::Serverless::Function").values():
        assert fn["Properties"]["Environment"]["Variables"]["EMS_EVENT_BUS"] == BUS


def test_functions_may_put_only_dispatch_events_and_only_on_the_dispatch_bus(synth: Synth) -> None:
    statements = [s for s in _function_statements(synth) if any(a.startswith("events:") for a in _actions(s))]
    assert any(s in statements for s in synth.function_statements("DispatchIncident"))  # it dispatches
    bus, _ = _bus(synth)
    for put in statements:
        assert _actions(put) == {"events:PutEvents"} and put["Effect"] == "Allow"
        assert put["Resource"] == {"Fn::GetAtt": [bus, "Arn"]}
        assert put["Condition"] == {"StringEquals": {"events:source": EVENT_SOURCE, "events:detail-type": [DISPATCHED]}}


def test_task_token_actions_are_granted_on_star_because_they_take_no_resource(synth: Synth) -> None:
    granted = [s for s in _function_statements(synth) if _actions(s) & set(TASK_RESPONSE)]
    assert {a for s in granted for a in _actions(s)} >= set(TASK_RESPONSE)
    assert all(s["Resource"] == "*" and "Condition" not in s for s in granted)
    # Nothing else of Step Functions, and nothing beyond X-Ray and the task tokens, rides on "*".
    unscoped = {a for s in _function_statements(synth) if s["Resource"] == "*" for a in _actions(s)}
    assert unscoped == set(TASK_RESPONSE) | {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


@pytest.mark.parametrize("agency", constants.AGENCIES)
def test_each_agency_has_one_rule_matching_its_co_responders_to_its_topic(synth: Synth, agency: str) -> None:
    name = f"ems-{STAGE}-co-response-{agency}"
    _, rule = _rules(synth)[name]
    assert rule["State"] == "ENABLED"
    assert rule["EventPattern"] == {
        "source": ["ems.dispatch"],
        "detail-type": ["UnitDispatched"],
        "detail": {"co_responders": [agency]},
    }
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Ref": _topics(synth)[name]}
    assert _imports(target["DeadLetterConfig"]["Arn"], _queue_ref(synth))
    assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] == constants.CO_RESPONSE_MAX_EVENT_AGE_S
    assert "RoleArn" not in target  # the topic policy authorizes the rule itself


def test_no_rule_on_the_bus_but_one_per_agency(synth: Synth) -> None:
    assert set(_rules(synth)) == {f"ems-{STAGE}-co-response-{a}" for a in constants.AGENCIES}


def _matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """EventBridge matching for exact-value patterns: a list of values matches a field equal to one
    of them, or an array field with any element among them."""
    for field, wanted in pattern.items():
        if field not in event:
            return False
        value = event[field]
        if isinstance(wanted, dict):
            if not isinstance(value, dict) or not _matches(wanted, value):
                return False
        elif not set(value if isinstance(value, list) else [value]) & set(wanted):
            return False
    return True


def _dispatch_event(symptoms: tuple[str, ...]) -> dict[str, Any]:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    incident = DispatchIncident(
        incident_id="inc-1",
        county="c-1",
        status="assigned",
        point=Point(34.26, 108.94),
        address_text="1 Example Road",
        symptoms=symptoms,
        needs=UnitType.ALS,
        created_at=now,
        unit_id="u-1",
    )
    # As EventBridge wraps what the app puts (chalicelib.dispatch.adapters.aws.EventBridgeCoResponders).
    return {"source": EVENT_SOURCE, "detail-type": DISPATCHED, "detail": co_response(incident, now)}


def test_the_apps_dispatch_events_reach_exactly_the_desks_of_their_co_responders(synth: Synth) -> None:
    rules = _rules(synth)
    topic_names = {logical: name for name, logical in _topics(synth).items()}
    kinds = [*sorted(CO_RESPONSE), "headache"]  # and a call that brings no one along
    for symptoms in itertools.chain.from_iterable(itertools.combinations(kinds, n) for n in range(3)):
        event = _dispatch_event(symptoms)
        reached = {
            topic_names[t["Arn"]["Ref"]]
            for _, rule in rules.values()
            if _matches(rule["EventPattern"], event)
            for t in rule["Targets"]
        }
        wanted = {f"ems-{STAGE}-co-response-{a}" for a in event["detail"]["co_responders"]}
        assert reached == wanted, symptoms


def test_every_agency_the_app_routes_to_has_a_desk() -> None:
    assert {a for agencies in CO_RESPONSE.values() for a in agencies} <= set(constants.AGENCIES)


@pytest.mark.parametrize("agency", constants.AGENCIES)
def test_each_topic_is_encrypted_with_the_data_key_and_tls_only(synth: Synth, agency: str) -> None:
    logical = _topics(synth)[f"ems-{STAGE}-co-response-{agency}"]
    topic = synth.templates["stateless"]["Resources"][logical]["Properties"]
    assert _imports(topic["KmsMasterKeyId"], "DataKey")
    statements = _topic_policy(synth, logical)
    assert {
        "Action": "sns:Publish",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": "*",
        "Resource": {"Ref": logical},
        "Sid": "AllowPublishThroughSSLOnly",
    } in statements


def _topic_policy(synth: Synth, topic: str) -> list[dict[str, Any]]:
    (policy,) = (
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in synth.resources("stateless", "AWS::SNS::TopicPolicy").values()
        if p["Properties"]["Topics"] == [{"Ref": topic}]
    )
    return policy


@pytest.mark.parametrize("agency", constants.AGENCIES)
def test_only_the_agencys_rule_may_publish_to_its_topic(synth: Synth, agency: str) -> None:
    name = f"ems-{STAGE}-co-response-{agency}"
    topic, (rule, _) = _topics(synth)[name], _rules(synth)[name]
    statements = _topic_policy(synth, topic)
    source = {"aws:SourceArn": {"Fn::GetAtt": [rule, "Arn"]}}
    (allow,) = (s for s in statements if s["Effect"] == "Allow")
    assert allow["Principal"] == EVENTS and _actions(allow) == {"sns:Publish"}
    assert allow["Condition"] == {"ArnEquals": source}
    assert any(
        s["Effect"] == "Deny" and s["Principal"] == {"AWS": "*"} and s["Condition"] == {"ArnNotEquals": source}
        for s in statements
        if _actions(s) == {"sns:Publish"}
    )
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"StringEquals": {"sns:Protocol": "http"}}
        for s in statements
        if _actions(s) == {"sns:Subscribe"}
    )


def test_the_key_lets_eventbridge_use_it_only_for_the_bus_the_topics_and_the_queue(synth: Synth) -> None:
    statements = [s for s in _statements(synth, "stateful", "AWS::KMS::Key", "KeyPolicy") if s["Principal"] == EVENTS]
    assert statements
    account = {"Ref": "AWS::AccountId"}
    contexts: dict[str, str] = {}
    for s in statements:
        assert s["Condition"]["StringEquals"]["aws:SourceAccount"] == account
        if _actions(s) == {"kms:DescribeKey"}:
            assert BUS in json.dumps(s["Condition"]["StringEquals"]["aws:SourceArn"])
            continue
        assert _actions(s) == {"kms:Decrypt", "kms:GenerateDataKey"}
        ((key, arn),) = s["Condition"]["StringLike"].items()
        contexts[key] = json.dumps(arn)
    assert set(contexts) == {
        "kms:EncryptionContext:aws:events:event-bus:arn",
        "kms:EncryptionContext:aws:sns:topicArn",
        "kms:EncryptionContext:aws:sqs:arn",
    }
    assert f":event-bus/{BUS}" in contexts["kms:EncryptionContext:aws:events:event-bus:arn"]
    assert f":ems-{STAGE}-co-response-*" in contexts["kms:EncryptionContext:aws:sns:topicArn"]
    assert f":{QUEUE}" in contexts["kms:EncryptionContext:aws:sqs:arn"]


def test_only_the_bus_and_its_rules_may_fill_the_encrypted_dead_letter_queue(synth: Synth) -> None:
    logical = _queue_ref(synth)
    queue = synth.templates["stateful"]["Resources"][logical]["Properties"]
    assert "KmsMasterKeyId" in queue
    (policy,) = (
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in synth.resources("stateful", "AWS::SQS::QueuePolicy").values()
        if p["Properties"]["Queues"] == [{"Ref": logical}]
    )
    (allow,) = (s for s in policy if s["Effect"] == "Allow")
    assert allow["Principal"] == EVENTS and _actions(allow) == {"sqs:SendMessage"}
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    sources = json.dumps(allow["Condition"]["ArnLike"]["aws:SourceArn"])
    assert f":event-bus/{BUS}" in sources and f":rule/{BUS}/*" in sources


def test_the_dead_letter_queue_raises_an_alarm(synth: Synth) -> None:
    depth = [
        a["Properties"]
        for a in synth.resources("stateless", "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
    ]
    assert any(_imports(d["Value"], _queue_ref(synth)) for a in depth for d in a["Dimensions"])
