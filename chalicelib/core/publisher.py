"""MQTT publishing port. In AWS it is the IoT data plane; the local stack installs
its own publisher (a client of the local broker) through `use_publisher`."""

from __future__ import annotations

import json
from functools import lru_cache

from chalicelib.core.aws import client
from chalicelib.platform.ports import Publisher


class IotDataPublisher(Publisher):
    def publish(self, topic: str, payload: dict[str, object], qos: int = 1) -> None:
        client("iot-data").publish(topic=topic, qos=qos, payload=json.dumps(payload).encode())


_override: Publisher | None = None


def use_publisher(publisher: Publisher | None) -> None:
    global _override
    _override = publisher


def get_publisher() -> Publisher:
    return _override or _default()


@lru_cache(maxsize=1)
def _default() -> Publisher:
    return IotDataPublisher()
