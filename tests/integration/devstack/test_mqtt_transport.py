"""The local broker and the paho clients on their own: lifecycle without leaks, qos 1 round trips through
the app's Publisher port, and clear failures when no broker is there."""

from __future__ import annotations

import json
import socket

import pytest

from chalicelib.core.publisher import Publisher, get_publisher, use_publisher
from devstack.broker import Broker, BrokerError
from devstack.mqtt_client import MqttError, MqttPublisher, MqttSubscriber
from tests.integration.mqtt_support import port_open, running_broker, wait_for

pytestmark = pytest.mark.timeout(30)


def test_broker_restarts_on_its_port_and_stopping_twice_is_harmless() -> None:
    with running_broker() as broker:
        port = broker.port
        broker.stop()
        broker.stop()
        assert not port_open(port) and not broker.running
        broker.start()
        assert broker.port == port and port_open(port)


def test_a_taken_port_fails_start_with_the_reason() -> None:
    with running_broker() as first:
        second = Broker(port=first.port)
        with pytest.raises(BrokerError, match="failed to start"):
            second.start()
        assert not second.running


def test_the_app_publisher_port_delivers_json_with_qos1() -> None:
    received: list[tuple[str, bytes]] = []
    with running_broker() as broker:
        listener = MqttSubscriber(port=broker.port, host="127.0.0.1", client_id="listener",
                                  topic_filter="ems/units/+/telemetry",
                                  on_message=lambda topic, body: received.append((topic, body)))  # fmt: skip
        publisher = MqttPublisher(port=broker.port, client_id="ems-app")
        listener.connect()
        publisher.connect()
        try:
            assert isinstance(publisher, Publisher)
            use_publisher(publisher)
            get_publisher().publish("ems/units/U1/telemetry", {"lat": 34.26, "lng": 108.94, "unit": "U1"})
            topic, body = wait_for(lambda: received)[0]
            assert topic == "ems/units/U1/telemetry" and json.loads(body) == {"lat": 34.26, "lng": 108.94, "unit": "U1"}
        finally:
            use_publisher(None)
            publisher.close()
            listener.close()


def test_publisher_gives_up_when_no_broker_listens() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound but not listening: connections are refused
        with pytest.raises(MqttError, match="not ready"):
            MqttPublisher(port=port, client_id="nobody", timeout_s=0.5).connect()


def test_the_broker_refuses_to_bind_beyond_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Broker(host="0.0.0.0", port=0)
