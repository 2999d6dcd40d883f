"""The local interpreter fails as AWS does: `States.Runtime` (a missing JSONPath, a Choice on a missing
variable) ends the execution, and no Retry or Catch on `States.ALL` hides it (devstack/strict_sfn.py)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from chalicelib.core.aws import client as aws
from tests.integration.conftest import Env

ROLE = "arn:aws-cn:iam::123456789012:role/ems-test-strict"
CATCH_ALL = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}]
RETRY_ALL = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5, "MaxAttempts": 3}]
CAUGHT = {"Caught": {"Type": "Succeed"}}


def run(name: str, definition: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    sfn = aws("stepfunctions")
    machine = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, name=f"{name}-1", input=json.dumps(payload))["executionArn"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        desc = sfn.describe_execution(executionArn=arn)
        if desc["status"] != "RUNNING":
            events = sfn.get_execution_history(executionArn=arn)["events"]
            desc["entered"] = [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]
            return dict(desc)
        time.sleep(0.1)
    raise AssertionError("execution did not finish")


def reads(parameters: dict[str, Any], kind: str = "Task") -> dict[str, Any]:
    """A state with a Retry and a Catch on States.ALL whose Parameters read from the input. moto evaluates
    a Task's Parameters inside its retry loop: there, unpatched, a missing path is retried and caught."""
    if kind == "Task":
        invoke = {"FunctionName": "ems-test-canary_probe", "Payload": parameters}
        body = {"Type": "Task", "Resource": "arn:aws-cn:states:::lambda:invoke", "Parameters": invoke}
    else:
        branch = {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}
        body = {"Type": "Parallel", "Parameters": parameters, "Branches": [branch]}
    return {
        "StartAt": "Read",
        "States": {"Read": {**body, "Retry": RETRY_ALL, "Catch": CATCH_ALL, "End": True}, **CAUGHT},
    }


def test_a_missing_jsonpath_fails_the_execution_past_a_catch_all(aws_env: Env) -> None:
    # Given a state caught and retried on States.ALL that reads $.error; when the input has no error
    started = time.monotonic()
    result = run("ems-test-strict-missing", reads({"error.$": "$.error"}), {"incident_id": "I1"})
    # Then the execution fails with States.Runtime at once: not retried, not caught
    assert result["status"] == "FAILED" and result["error"] == "States.Runtime", result
    assert "$.error" in result["cause"]
    assert result["entered"] == ["Read"]
    assert time.monotonic() - started < 5  # a retry would have waited 5 s


def test_a_present_jsonpath_runs_as_before(aws_env: Env) -> None:
    result = run("ems-test-strict-present", reads({"error.$": "$.error"}, "Parallel"), {"error": {"Error": "X"}})
    assert result["status"] == "SUCCEEDED" and result["entered"] == ["Read", "B"], result


def test_other_errors_are_still_caught_by_a_catch_all(aws_env: Env) -> None:
    failing = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "branch failed"}}}
    definition = {
        "StartAt": "Run",
        "States": {"Run": {"Type": "Parallel", "Branches": [failing], "Catch": CATCH_ALL, "End": True}, **CAUGHT},
    }
    result = run("ems-test-strict-caught", definition, {})
    assert result["status"] == "SUCCEEDED" and result["entered"] == ["Run", "F", "Caught"], result


def test_a_branch_timing_out_is_caught_by_its_parallel(aws_env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a Parallel caught on States.ALL whose branch's Task outlasts its TimeoutSeconds
    monkeypatch.setitem(aws_env.adapter.handlers, "canary_probe", lambda event, context: time.sleep(3))
    invoke = {"FunctionName": "ems-test-canary_probe", "Payload": {}}
    slow = {"Type": "Task", "Resource": "arn:aws-cn:states:::lambda:invoke", "Parameters": invoke}
    branch = {"StartAt": "T", "States": {"T": {**slow, "TimeoutSeconds": 1, "End": True}}}
    definition = {
        "StartAt": "Run",
        "States": {"Run": {"Type": "Parallel", "Branches": [branch], "Catch": CATCH_ALL, "End": True}, **CAUGHT},
    }
    result = run("ems-test-strict-branch-timeout", definition, {})
    # Then the Parallel's Catch takes its States.Timeout, as on AWS (moto alone fails on the error's name)
    assert result["status"] == "SUCCEEDED", (result.get("error"), result.get("cause"))
    assert result["entered"] == ["Run", "T", "Caught"]


def choose(rule: dict[str, Any]) -> dict[str, Any]:
    done = {"Type": "Succeed"}
    choice = {"Type": "Choice", "Choices": [{**rule, "Next": "Matched"}], "Default": "Other"}
    return {"StartAt": "Route", "States": {"Route": choice, "Matched": done, "Other": done}}


def test_a_choice_on_a_missing_variable_fails_instead_of_taking_the_default(aws_env: Env) -> None:
    rule = {"Variable": "$.booking.state", "StringEquals": "accepted"}
    result = run("ems-test-strict-choice", choose(rule), {"incident_id": "I1"})
    assert result["status"] == "FAILED" and result["error"] == "States.Runtime", result
    assert "$.booking.state" in result["cause"] and result["entered"] == ["Route"]


def test_is_present_may_test_a_missing_variable(aws_env: Env) -> None:
    rule = {"Variable": "$.booking", "IsPresent": True}
    result = run("ems-test-strict-present-test", choose(rule), {"incident_id": "I1"})
    assert result["status"] == "SUCCEEDED" and result["entered"] == ["Route", "Other"], result


def test_transitions_taken_are_recorded_for_the_coverage_report(
    aws_env: Env, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from devstack.strict_sfn import TRANSITIONS_DIR

    monkeypatch.setenv(TRANSITIONS_DIR, str(tmp_path))
    rule = {"Variable": "$.booking", "IsPresent": True}
    run("ems-test-strict-recorded", choose(rule), {"booking": {}})
    rows = [json.loads(line) for f in tmp_path.glob("*.jsonl") for line in f.read_text().splitlines()]
    assert rows == [{"machine": "ems-test-strict-recorded", "from": "Route", "to": "Matched"}]
