"""Lambda entry points of the platform domain (wired in app.py)."""

from __future__ import annotations

from typing import Any

from chalicelib.core.clock import utcnow
from chalicelib.core.observability import count, logger
from chalicelib.core.publisher import get_publisher
from chalicelib.platform import logic
from chalicelib.platform.deps import get_probe, get_store
from chalicelib.platform.models import CanaryInput, HeartbeatMessage


def canary_probe(event: dict[str, Any]) -> dict[str, str]:
    inp = CanaryInput.model_validate(event)
    result = logic.canary_probe(inp, probe=get_probe(), publisher=get_publisher(), now=utcnow())
    logic.canary_succeeded(inp.execution, store=get_store(), now=utcnow())
    return result


def canary_failed(event: dict[str, Any]) -> dict[str, str]:
    error = event.get("error") or {}
    execution = str(event.get("execution", "unknown"))
    # Only the error name reaches the (public) health view; the cause, which can hold stack
    # traces and ARNs, stays in the logs.
    logic.canary_failed(execution, str(error.get("Error", "Unknown")), store=get_store(), now=utcnow())
    count("CanaryFailed")
    logger().error(
        "platform canary failed",
        extra={"execution": execution, "error": error.get("Error"), "cause": str(error.get("Cause", ""))[:500]},
    )
    return {"execution": execution, "recorded": "failure"}


def on_platform_heartbeat(event: dict[str, Any]) -> dict[str, str]:
    message = HeartbeatMessage.model_validate(event)
    beat = logic.heartbeat_received(message, store=get_store(), now=utcnow())
    return {"component": beat.component, "source": beat.source}


def mqtt_authorizer(event: dict[str, Any]) -> dict[str, Any]:
    """IoT Core custom authorizer for people's apps (`platform/mqtt_access.py`). The token is never logged."""
    from chalicelib.core.config import get_settings
    from chalicelib.platform.mqtt_access import authorize

    answer = authorize(event, get_settings().iot_arn_prefix)
    count("MqttAppConnects" if answer["isAuthenticated"] else "MqttAppRefused")
    return answer
