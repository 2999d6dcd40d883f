"""Stateless stack, edges: IoT rules and the alarms."""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk.assertions import Match, Template
from chalice.utils import to_cfn_resource_name

import iot_rules
from chalicelib.workflow import definitions
from infrastructure import constants
from infrastructure.constructs.queues import queue_names
from tests.infrastructure.conftest import STAGE, Synth


def test_every_iot_rule_has_its_sql_actions_error_action_and_invoke_permission(synth: Synth) -> None:
    rules = {r["Properties"]["RuleName"]: r for r in synth.resources("stateless", "AWS::IoT::TopicRule").values()}
    permissions = synth.resources("stateless", "AWS::Lambda::Permission").values()
    assert len(rules) == len(iot_rules.load_rules())
    for rule in iot_rules.load_rules():
        payload = rules[f"ems_{STAGE}_{rule['name']}"]["Properties"]["TopicRulePayload"]
        assert payload["Sql"] == rule["sql"] and payload["AwsIotSqlVersion"] == rule["sqlVersion"]
        assert payload["ErrorAction"], f"{rule['name']} has no errorAction"
        if "sqs" in rule["errorAction"]:
            assert set(payload["ErrorAction"]["Sqs"]) == {"QueueUrl", "RoleArn", "UseBase64"}
        for fn in iot_rules.rule_functions(rule):
            arn = {"Fn::GetAtt": [to_cfn_resource_name(fn), "Arn"]}
            assert {"Lambda": {"FunctionArn": arn}} in payload["Actions"]
            assert any(
                p["Properties"]["Principal"] == "iot.amazonaws.com" and p["Properties"]["FunctionName"] == arn
                for p in permissions
            )


def test_alarms_cover_each_state_machine_and_notify_an_encrypted_topic(synth: Synth) -> None:
    template = Template.from_json(synth.templates["stateless"])
    template.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": Match.any_value()})
    failed = [
        a
        for a in synth.resources("stateless", "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == "ExecutionsFailed"
    ]
    assert len(failed) == len(definitions.names())
    assert all(a["Properties"]["AlarmActions"] for a in failed)
    (dashboard,) = synth.resources("stateless", "AWS::CloudWatch::Dashboard").values()
    assert constants.EMF_NAMESPACE in json.dumps(dashboard["Properties"]["DashboardBody"])


def test_messages_a_rule_target_rejects_go_to_the_rules_dead_letter_queue(synth: Synth) -> None:
    configs = synth.resources("stateless", "AWS::Lambda::EventInvokeConfig").values()
    targets = {fn for r in iot_rules.load_rules() if "sqs" in r["errorAction"] for fn in iot_rules.rule_functions(r)}
    assert len(configs) == len(targets)
    for config in configs:
        destination = json.dumps(config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"])
        assert "DeadLetters" in destination


def test_a_silent_canary_and_a_filling_dead_letter_queue_raise_alarms(synth: Synth) -> None:
    alarms = [a["Properties"] for a in synth.resources("stateless", "AWS::CloudWatch::Alarm").values()]
    silent = [a for a in alarms if a.get("MetricName") == "ExecutionsSucceeded"]
    assert silent and silent[0]["TreatMissingData"] == "breaching"
    depth = [a for a in alarms if a.get("MetricName") == "ApproximateNumberOfMessagesVisible"]
    assert len(depth) == len(queue_names())


def test_dispatch_situations_lost_side_effects_and_broken_glass_raise_alarms(synth: Synth) -> None:
    from infrastructure.constructs.monitoring import ACCESS_ALARMS, BOOKING_ALARMS, DISPATCH_ALARMS

    alarms = [a["Properties"] for a in synth.resources("stateless", "AWS::CloudWatch::Alarm").values()]
    emf = {a["MetricName"]: a for a in alarms if a.get("Namespace") == constants.EMF_NAMESPACE}
    assert set(emf) == set(DISPATCH_ALARMS) | set(ACCESS_ALARMS) | set(BOOKING_ALARMS)
    for alarm in emf.values():
        assert alarm["Dimensions"] == [{"Name": "service", "Value": constants.POWERTOOLS_SERVICE_NAME}]
        assert alarm["Threshold"] == 1 and alarm["AlarmActions"] and alarm["TreatMissingData"] == "notBreaching"
    # Every metric alarmed on is one the app emits.
    root = Path(__file__).resolve().parents[2] / "chalicelib"
    source = "".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    assert all(f'"{name}"' in source for name in [*DISPATCH_ALARMS, *ACCESS_ALARMS, *BOOKING_ALARMS])


def test_each_work_queue_is_drained_by_its_consumer_with_partial_batch_failures(synth: Synth) -> None:
    template = Template.from_json(synth.templates["stateless"])
    mappings = template.find_resources("AWS::Lambda::EventSourceMapping")
    assert len(mappings) == len(iot_rules.work_queues())
    expected = sorted((c.batch_size, c.window_s) for q, c in iot_rules.CONSUMERS.items())
    got = sorted(
        (m["Properties"]["BatchSize"], m["Properties"]["MaximumBatchingWindowInSeconds"]) for m in mappings.values()
    )
    assert got == expected
    for m in mappings.values():
        assert m["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    policy = json.dumps(template.find_resources("AWS::IAM::ManagedPolicy"))
    assert "sqs:ReceiveMessage" in policy and "sqs:ChangeMessageVisibility" in policy


def test_the_dashboard_shows_calls_and_the_minutes_that_matter(synth: Synth) -> None:
    [dashboard] = synth.resources("stateless", "AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    metrics = ["IncidentOpened", "UnitsAvailable", "CallLinked", "IncidentNeedsDispatcher"]
    metrics += ["Interval_call_to_dispatch", "Interval_response", "Interval_door_to_needle", "Interval_door_to_balloon"]
    for metric in metrics:
        assert metric in body, metric
    assert '\\"p90\\"' in body or "p90" in body
