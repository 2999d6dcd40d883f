"""The platform canary state machine, run by moto's ASL interpreter, reaches the real
Chalice lambda handlers through the devstack adapter."""

from __future__ import annotations

import json
import time
from typing import Any

from chalicelib.core.aws import client as aws
from chalicelib.platform.wiring import get_store
from tests.integration.conftest import Env


def _run(env: Env, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    sfn = aws("stepfunctions")
    arn = sfn.start_execution(stateMachineArn=env.machines["platform_canary"], name=name, input=json.dumps(payload))[
        "executionArn"
    ]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        desc = sfn.describe_execution(executionArn=arn)
        if desc["status"] != "RUNNING":
            desc["history"] = sfn.get_execution_history(executionArn=arn)["events"]
            return dict(desc)
        time.sleep(0.1)
    raise AssertionError("execution did not finish")


def test_canary_execution_reaches_handlers_and_succeeds(aws_env: Env) -> None:
    # Given tables and the canary machine; when an execution runs
    result = _run(aws_env, "canary-ok", {"checks": ["dynamodb", "mqtt"]})
    # Then it succeeds through the real canary_probe handler
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert output["probe"]["result"]["execution"] == "canary-ok"
    assert ("canary_probe", True) in aws_env.adapter.invocations
    # and it published the MQTT heartbeat and recorded the workflow heartbeat
    assert aws_env.publisher.sent[0][0] == "ems/platform/heartbeat"
    assert aws_env.publisher.sent[0][1]["seq"] == "canary-ok"
    beat = get_store().heartbeats()["stepfunctions"]
    assert beat.ok and beat.source == "canary-ok"


def test_handler_that_raises_takes_the_catch_path(aws_env: Env) -> None:
    # Given input the handler rejects; when the execution runs
    result = _run(aws_env, "canary-bad", {"checks": ["no-such-check"]})
    # Then the handler raised, the Catch ran RecordFailure, and the execution ended failed (visible)
    assert result["status"] == "FAILED"
    assert result.get("error") == "PlatformCanaryFailed"
    assert ("canary_probe", False) in aws_env.adapter.invocations
    assert ("canary_failed", True) in aws_env.adapter.invocations
    beat = get_store().heartbeats()["stepfunctions"]
    assert not beat.ok
    assert beat.detail is not None and "InvalidEvent" in beat.detail
    entered = [e["stateEnteredEventDetails"]["name"] for e in result["history"] if "stateEnteredEventDetails" in e]
    assert entered == ["Probe", "RecordFailure", "NeedsAttention"]
