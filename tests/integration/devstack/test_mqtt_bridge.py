"""The local IoT rules path end to end on loopback: a real amqtt broker, the real bridge with the rules in
iot_rules/ (or test rules), and a paho client publishing. Each test leaves no thread or socket behind."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from devstack.broker import Broker
from devstack.mqtt_bridge import Bridge
from devstack.mqtt_client import MqttError, MqttPublisher
from iot_rules import load_rules
from tests.integration.mqtt_support import running_broker, wait_for

pytestmark = pytest.mark.timeout(30)
HEARTBEAT = next(r for r in load_rules() if r["name"] == "platform_heartbeat")
HOT = {
    "name": "hot_units",
    "sql": "SELECT unit, temp, topic(3) AS unit_id FROM 'ems/units/+/telemetry' WHERE temp > 40 AND NOT unit = 'x'",
    "sqlVersion": "2016-03-23",
    "actions": [{"lambda": {"function": "on_hot"}}, {"sqs": {"queue": "hot-units"}}],
    "errorAction": {"sqs": {"queue": "iot-rule-errors"}},
}


@dataclass
class Sinks:
    fail_on: set[str] = field(default_factory=set)
    delay_s: float = 0.0
    invoked: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    dead: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    queued: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        time.sleep(self.delay_s)
        if function in self.fail_on:
            raise ValueError(f"{function} rejected the event")
        self.invoked.append((function, event))
        return {"ok": True}


@pytest.fixture
def broker() -> Iterator[Broker]:
    with running_broker() as b:
        yield b


@pytest.fixture
def sinks() -> Sinks:
    return Sinks()


@pytest.fixture
def run_bridge(broker: Broker, sinks: Sinks) -> Iterator[Callable[..., Bridge]]:
    bridges: list[Bridge] = []

    def start(*rules: dict[str, Any]) -> Bridge:
        bridge = Bridge(list(rules), host="127.0.0.1", port=broker.port, invoke=sinks.invoke,
                        dead_letter=lambda q, r: sinks.dead.append((q, r)),
                        enqueue=lambda q, b: sinks.queued.append((q, b)))  # fmt: skip
        bridge.start()
        bridges.append(bridge)
        return bridge

    yield start
    for bridge in bridges:
        bridge.stop()


@pytest.fixture
def publisher(broker: Broker) -> Iterator[MqttPublisher]:
    pub = MqttPublisher(port=broker.port, client_id="test-publisher", timeout_s=2)
    pub.connect()
    yield pub
    pub.close()


def test_heartbeat_reaches_its_handler_with_exactly_the_projected_fields(run_bridge, publisher, sinks) -> None:
    run_bridge(HEARTBEAT)
    beat = {"source": "canary", "sent_at": "2024-05-01T08:00:00Z", "seq": "1"}
    publisher.publish("ems/platform/heartbeat", {**beat, "extra": "not selected"})
    assert wait_for(lambda: sinks.invoked) == [("on_platform_heartbeat", {**beat, "topic": "ems/platform/heartbeat"})]


@pytest.mark.parametrize(("raw", "reason"), [(b"{not json", "invalid_json"), (b"\xff\xfe", "invalid_json"),
                                             (b"[1, 2]", "not_an_object")])  # fmt: skip
def test_a_payload_that_is_not_a_json_object_is_dead_lettered(run_bridge, publisher, sinks, raw, reason) -> None:
    bridge = run_bridge(HEARTBEAT)
    publisher.client.publish("ems/platform/heartbeat", raw, qos=1).wait_for_publish(3)
    queue, record = wait_for(lambda: sinks.dead)[0]
    assert queue == "iot-rule-errors" and not sinks.invoked
    assert record["rule"] == "platform_heartbeat" and record["topic"] == "ems/platform/heartbeat"
    assert record["reason"] == reason and record["error"]["type"] and base64.b64decode(record["payload"]) == raw
    assert record["received_at"].endswith("+00:00") and record["base64OriginalPayload"] == record["payload"]
    wait_for(lambda: bridge.counters == {"received": 1, "skipped": 0, "delivered": 0, "failed": 1, "lost": 0})


def test_a_failing_handler_lands_in_the_error_queue_and_other_actions_still_run(run_bridge, publisher, sinks) -> None:
    sinks.fail_on.add("on_hot")
    run_bridge(HOT)
    publisher.publish("ems/units/U7/telemetry", {"unit": "amb", "temp": 50})
    queue, record = wait_for(lambda: sinks.dead)[0]
    assert (queue, record["reason"], record["action"]) == ("iot-rule-errors", "action_failed", HOT["actions"][0])
    assert record["error"] == {"type": "ValueError", "message": "on_hot rejected the event"}
    assert record["failures"] == [{"failedAction": "LambdaAction", "failedResource": "on_hot",
                                   "errorMessage": "on_hot rejected the event"}]  # fmt: skip
    assert wait_for(lambda: sinks.queued) == [("hot-units", {"unit": "amb", "temp": 50, "unit_id": "U7"})]


def test_where_filters_and_each_rule_sees_only_its_topics(run_bridge, publisher, sinks) -> None:
    bridge = run_bridge(HOT, HEARTBEAT)
    for temp in (30, 50, "45", None):
        publisher.publish("ems/units/U1/telemetry", {"unit": "amb", "temp": temp})
    publisher.publish("ems/units/U1/status", {"unit": "amb", "temp": 99})  # no rule listens here
    wait_for(lambda: bridge.counters["received"] == 4 and bridge.counters["skipped"] == 2)
    wait_for(lambda: len(sinks.queued) == 2)
    assert [event["temp"] for _, event in sinks.invoked] == [50, "45"] and not sinks.dead


def test_a_slow_handler_does_not_block_receiving_and_stop_drains(run_bridge, publisher, sinks) -> None:
    sinks.delay_s = 0.3  # if receiving waited for handlers, the third message would arrive after 0.6 s
    bridge = run_bridge(HEARTBEAT)
    for seq in range(3):
        publisher.publish("ems/platform/heartbeat", {"source": "t", "sent_at": "x", "seq": str(seq)})
    wait_for(lambda: bridge.counters["received"] == 3, timeout_s=0.5)
    bridge.stop()
    assert [event["seq"] for _, event in sinks.invoked] == ["0", "1", "2"]


def test_publisher_and_bridge_reconnect_after_the_broker_restarts(broker, run_bridge, sinks) -> None:
    bridge = run_bridge(HEARTBEAT)
    publisher = MqttPublisher(port=broker.port, client_id="restart-publisher", timeout_s=0.5)
    publisher.connect()
    try:
        broker.stop()
        wait_for(lambda: not publisher.ready.is_set() and not bridge.subscribed)
        with pytest.raises(MqttError, match="not connected"):
            publisher.publish("ems/platform/heartbeat", {"seq": "lost"})
        broker.start()  # same port: amqtt binds with SO_REUSEADDR
        wait_for(lambda: publisher.ready.is_set() and bridge.subscribed, timeout_s=10)
        publisher.publish("ems/platform/heartbeat", {"source": "t", "sent_at": "x", "seq": "after"})
        assert wait_for(lambda: sinks.invoked)[0][1]["seq"] == "after"
    finally:
        publisher.close()
