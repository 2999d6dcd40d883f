"""paho-mqtt 2.x clients of the local broker: the app's Publisher port (what the IoT data plane does in
AWS) and a single-filter subscriber the IoT-rule bridge runs one per rule.

paho's network thread (loop_start) reconnects on its own; the session is clean, so each (re)connect
re-subscribes and `publish` waits for the connection before sending.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from chalicelib.core.publisher import Publisher
from devstack import aws_calls


class MqttError(RuntimeError):
    pass


class _Connection:
    def __init__(self, *, host: str, port: int, client_id: str, timeout_s: float, keepalive_s: int) -> None:
        self.host, self.port, self.timeout_s, self.keepalive_s = host, port, timeout_s, keepalive_s
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311)
        self.client.reconnect_delay_set(min_delay=1, max_delay=4)  # a local broker restarts in well under 4 s
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.ready = threading.Event()
        self.refused: str | None = None

    def connect(self) -> None:
        """Blocks until connected (and subscribed, for a subscriber); raises MqttError after `timeout_s`."""
        self.client.connect_async(self.host, self.port, self.keepalive_s)
        self.client.loop_start()
        if not self.ready.wait(self.timeout_s):
            self.close()
            detail = f": {self.refused}" if self.refused else ""
            raise MqttError(f"not ready on mqtt://{self.host}:{self.port} within {self.timeout_s}s{detail}")

    def close(self) -> None:
        """Idempotent: paho returns error codes, not exceptions, when already disconnected or stopped."""
        self.client.disconnect()
        self.client.loop_stop()
        self.ready.clear()

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            self.refused = str(reason)
            return
        self._session_started()

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, _reason: Any, _p: Any) -> None:
        self.ready.clear()

    def _session_started(self) -> None:
        self.ready.set()


class MqttPublisher(_Connection, Publisher):
    """The `Publisher` port over MQTT: JSON bodies, and qos 1 means `publish` returns after the PUBACK."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 1883,
        client_id: str,
        timeout_s: float = 5.0,
        keepalive_s: int = 30,
    ) -> None:
        super().__init__(host=host, port=port, client_id=client_id, timeout_s=timeout_s, keepalive_s=keepalive_s)

    def publish(self, topic: str, payload: dict[str, object], qos: int = 1) -> None:
        aws_calls.record("iot-data", "Publish", {"topic": topic})  # in AWS, the function's iot-data call
        body = json.dumps(payload, separators=(",", ":"))
        if not self.ready.wait(self.timeout_s):
            raise MqttError(f"cannot publish to {topic}: not connected to mqtt://{self.host}:{self.port}")
        info = self.client.publish(topic, body, qos=qos)
        try:
            info.wait_for_publish(self.timeout_s)
        except (RuntimeError, ValueError) as exc:
            raise MqttError(f"publish to {topic} failed: {exc}") from exc
        if not info.is_published():
            raise MqttError(f"no PUBACK for {topic} within {self.timeout_s}s")


class MqttSubscriber(_Connection):
    """One topic filter at qos 1. `on_message(topic, payload)` runs on paho's network thread: keep it short."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        client_id: str,
        topic_filter: str,
        on_message: Callable[[str, bytes], None],
        timeout_s: float = 5.0,
        keepalive_s: int = 30,
    ) -> None:
        super().__init__(host=host, port=port, client_id=client_id, timeout_s=timeout_s, keepalive_s=keepalive_s)
        self.topic_filter = topic_filter
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = lambda _c, _u, msg: on_message(msg.topic, bytes(msg.payload))

    def _session_started(self) -> None:
        self.client.subscribe(self.topic_filter, qos=1)

    def _on_subscribe(self, _c: mqtt.Client, _u: Any, _mid: int, reasons: list[Any], _p: Any) -> None:
        if any(r.is_failure for r in reasons):
            self.refused = f"broker refused subscription to {self.topic_filter!r}"
            return
        self.ready.set()
