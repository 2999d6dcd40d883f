"""MQTT publishing port. In AWS it is the IoT data plane; the local stack installs
its own publisher (a client of the local broker) through `use_publisher`."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.root import provider


class Publisher(ABC):
    @abstractmethod
    def publish(self, topic: str, payload: dict[str, object], qos: int = 1) -> None: ...


class IotDataPublisher(Publisher):
    def publish(self, topic: str, payload: dict[str, object], qos: int = 1) -> None:
        _iot_data().publish(topic=topic, qos=qos, payload=json.dumps(payload).encode())


@provider
def _iot_data() -> Any:
    # China accounts need their account-specific data endpoint (EMS_IOT_DATA_ENDPOINT).
    endpoint = get_settings().iot_data_endpoint
    if not endpoint:
        return client("iot-data")
    import boto3

    url = endpoint if endpoint.startswith("https://") else f"https://{endpoint}"
    return boto3.client("iot-data", region_name=get_settings().region, endpoint_url=url)


_override: Publisher | None = None


def use_publisher(publisher: Publisher | None) -> None:
    global _override
    _override = publisher


def get_publisher() -> Publisher:
    return _override or _default()


@provider
def _default() -> Publisher:
    return IotDataPublisher()
