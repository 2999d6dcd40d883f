"""Step Functions and MQTT through the running devstack, as a device and ops would use them."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import paho.mqtt.client as mqtt
import requests

from tests.e2e.conftest import Devstack


def _publish(devstack: Devstack, topic: str, payload: bytes) -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"e2e-{uuid.uuid4().hex[:6]}")
    client.connect("127.0.0.1", devstack.mqtt_port)
    client.loop_start()
    try:
        client.publish(topic, payload, qos=1).wait_for_publish(timeout=10)
    finally:
        client.loop_stop()
        client.disconnect()


def _eventually(check: Any, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def test_device_message_reaches_the_rule_handler(devstack: Devstack) -> None:
    seq = uuid.uuid4().hex[:8]
    body = {"source": "e2e", "sent_at": "2026-11-25T03:00:00Z", "seq": seq, "extra": "dropped by SELECT"}
    _publish(devstack, "ems/platform/heartbeat", json.dumps(body).encode())
    ddb = devstack.aws("dynamodb")

    def stored() -> bool:
        item = ddb.get_item(TableName="ems-local-heartbeats", Key={"component": {"S": "mqtt"}}).get("Item", {})
        return item.get("source", {}).get("S") == f"e2e:{seq}"

    assert _eventually(stored)


def test_bad_device_message_goes_to_the_dead_letter_queue_with_reason(devstack: Devstack) -> None:
    _publish(devstack, "ems/platform/heartbeat", b"\xff not json")
    sqs = devstack.aws("sqs")
    url = sqs.get_queue_url(QueueName="ems-local-iot-rule-errors")["QueueUrl"]

    def dead_letters() -> list[dict[str, Any]]:
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        return [json.loads(m["Body"]) for m in msgs]

    found = _eventually(lambda: [d for d in dead_letters() if d.get("reason") == "invalid_json"])
    assert found and found[0]["rule"] == "platform_heartbeat"


def test_canary_executions_succeed_and_manual_run_works(devstack: Devstack) -> None:
    sfn = devstack.aws("stepfunctions")
    machine = next(m for m in sfn.list_state_machines()["stateMachines"] if m["name"].endswith("platform_canary"))
    resp = requests.post(
        f"{devstack.api}/platform/canary-runs",
        json={"checks": ["dynamodb", "mqtt"]},
        headers=devstack.token("admin"),
        timeout=10,
    )
    assert resp.status_code == 202, resp.text
    arn = resp.json()["execution_arn"]
    status = _eventually(
        lambda: (
            sfn.describe_execution(executionArn=arn)["status"] != "RUNNING"
            and sfn.describe_execution(executionArn=arn)["status"]
        )
    )
    assert status == "SUCCEEDED"
    done = sfn.list_executions(stateMachineArn=machine["stateMachineArn"], statusFilter="SUCCEEDED")["executions"]
    assert len(done) >= 2  # scheduled runs too
