"""The recorder's reading of a call and the evaluator's reading of a statement, on hand-built input
(no synth): what `test_function_roles.py` relies on."""

from __future__ import annotations

import pytest

from devstack import aws_calls
from infrastructure.policy_check import Statement


@pytest.fixture(autouse=True)
def _prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMS_TABLE_PREFIX", "ems-test-")


def test_a_transaction_needs_each_items_own_action_on_each_items_table() -> None:
    # Given a transaction writing two tables and checking a third
    params = {
        "TransactItems": [
            {"Put": {"TableName": "ems-test-calls"}},
            {"Update": {"TableName": "ems-test-incidents"}},
            {"ConditionCheck": {"TableName": "ems-test-units"}},
        ]
    }
    # When it is read, Then each item is its own request, by logical table name
    found = [(r["action"], r["resource"]["name"]) for r in aws_calls.requests("dynamodb", "TransactWriteItems", params)]
    assert found == [
        ("dynamodb:PutItem", "calls"),
        ("dynamodb:UpdateItem", "incidents"),
        ("dynamodb:ConditionCheckItem", "units"),
    ]


def test_batches_name_every_table_and_queries_their_index() -> None:
    batch = aws_calls.requests("dynamodb", "BatchGetItem", {"RequestItems": {"ems-test-b": {}, "ems-test-a": {}}})
    assert [r["resource"]["name"] for r in batch] == ["a", "b"]
    (query,) = aws_calls.requests("dynamodb", "Query", {"TableName": "ems-test-units", "IndexName": "by-cell"})
    assert query["resource"] == {"kind": "table", "name": "units", "prefixed": True, "index": "by-cell"}


def test_sqs_batches_are_checked_as_the_single_action_and_services_by_their_iam_prefix() -> None:
    url = "https://sqs.cn-northwest-1.amazonaws.com.cn/123456789012/ems-test-telemetry-rejects"
    (send,) = aws_calls.requests("sqs", "SendMessageBatch", {"QueueUrl": url})
    assert send["action"] == "sqs:SendMessage" and send["resource"]["name"] == "telemetry-rejects"
    machine = {"stateMachineArn": "arn:x:stateMachine:ems-test-m"}
    (start,) = aws_calls.requests("stepfunctions", "StartExecution", machine)
    assert start["action"] == "states:StartExecution" and start["resource"]["name"] == "m"


def test_events_carry_their_source_and_detail_type_for_the_policy_condition() -> None:
    entry = {"Source": "ems.dispatch", "DetailType": "UnitDispatched", "EventBusName": "ems-test-dispatch"}
    (put,) = aws_calls.requests("events", "PutEvents", {"Entries": [entry]})
    assert put["context"] == {"events:source": "ems.dispatch", "events:detail-type": "UnitDispatched"}


def test_a_statement_allows_by_wildcard_and_condition_only() -> None:
    put = Statement(
        actions=["events:PutEvents"],
        resources=["arn:aws:events:r:1:event-bus/ems-test-dispatch"],
        conditions={"StringEquals": {"events:source": "ems.dispatch", "events:detail-type": ["UnitDispatched"]}},
    )
    bus = "arn:aws:events:r:1:event-bus/ems-test-dispatch"
    dispatched = {"events:source": "ems.dispatch", "events:detail-type": "UnitDispatched"}
    assert put.allows("events:putevents", bus, dispatched)  # actions match case-insensitively
    assert not put.allows("events:PutEvents", bus, {**dispatched, "events:source": "other"})
    topics = Statement(actions=["iot:Publish"], resources=["arn:aws:iot:r:1:topic/ems/*"], conditions={})
    assert topics.allows("iot:Publish", "arn:aws:iot:r:1:topic/ems/units/U1/dispatch", {})
    assert not topics.allows("iot:Publish", "arn:aws:iot:r:1:topic/other", {})
    assert not topics.allows("iot:Publish", "*", {})  # an unknown resource is never taken as allowed
    unknown = Statement(actions=["s3:GetObject"], resources=["*"], conditions={"StringLike": {"k": "v"}})
    assert not unknown.allows("s3:GetObject", "arn:aws:s3:::b/k", {})  # an operator it does not know
