"""AWS adapters of dispatch's ports: MQTT (IoT data plane or the local broker), EventBridge,
Step Functions task tokens. Clients are built on first use."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.core.aws import client
from chalicelib.core.config import settings_of
from chalicelib.core.publisher import get_publisher
from chalicelib.dispatch.messages import DISPATCHED, EVENT_SOURCE, board_topic, unit_topic
from chalicelib.dispatch.ports import CoResponders, CrewChannel, WorkflowWaker
from chalicelib.dispatch.settings import DispatchSettings


class MqttCrewChannel(CrewChannel):
    def send(self, unit_id: str, message: dict[str, Any]) -> None:
        # QoS 1: the onboard terminal's persistent session receives it after a dead spot.
        get_publisher().publish(unit_topic(unit_id), message, qos=1)


def board_alert(county: str, alert: dict[str, Any]) -> None:
    get_publisher().publish(board_topic(county), alert, qos=1)


class EventBridgeCoResponders(CoResponders):
    def dispatched(self, detail: dict[str, Any]) -> None:
        resp = client("events").put_events(
            Entries=[
                {
                    "Source": EVENT_SOURCE,
                    "DetailType": DISPATCHED,
                    "Detail": json.dumps(detail),
                    "EventBusName": settings_of(DispatchSettings).event_bus,
                }
            ]
        )
        if resp.get("FailedEntryCount"):
            codes = [e.get("ErrorCode") for e in resp.get("Entries", []) if e.get("ErrorCode")]
            raise RuntimeError(f"event not accepted: {codes}")


class StepFunctionsWaker(WorkflowWaker):
    # The wait is over already (timed out into escalation, or the execution ended).
    _GONE = ("TaskTimedOut", "TaskDoesNotExist", "InvalidToken")

    def wake(self, token: str, result: dict[str, Any]) -> bool:
        sfn = client("stepfunctions")
        try:
            sfn.send_task_success(taskToken=token, output=json.dumps(result))
        except sfn.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in self._GONE:
                return False
            raise
        return True
