"""Names and fixed values shared by the stacks. Physical names are derived here only."""

from __future__ import annotations

import json
import re

SERVICE = "ems"
DEFAULT_STAGE = "dev"
# The reference deployment is in mainland China; health and location data stay in-country.
DEFAULT_REGION = "cn-northwest-1"
STAGE_PATTERN = re.compile(r"^[a-z][a-z0-9]{1,11}$")

# Runtime contract (chalicelib.core.config reads these).
ENV_MQTT_PUBLISH = "iot-data"
POWERTOOLS_SERVICE_NAME = "ems"
EMF_NAMESPACE = "EMS"
MQTT_TOPIC_ROOT = "ems"  # functions may publish below ems/ and nowhere else

API_STAGE = "api"
HTTPS_URL = r"^https://\S+$"
JWT_AUDIENCE_DEFAULT = "ems-api"
LOG_RETENTION = "ONE_YEAR"  # aws_logs.RetentionDays member
QUEUE_RETENTION_DAYS = 14
# Device telemetry waiting for its consumer: a day covers any outage worth replaying positions for.
WORK_QUEUE_RETENTION_DAYS = 1
LAMBDA_MEMORY_MB = 512
LAMBDA_TIMEOUT_S = 30

CANARY_MACHINE = "platform_canary"
CANARY_INPUT = {"checks": ["dynamodb", "mqtt"]}
CANARY_RATE_MINUTES = 1

# Co-response: every dispatch event on the dispatch bus names the agencies the call brings along
# (`detail.co_responders`); each agency's desk has one topic, fed by one rule. The app's routing
# (chalicelib.dispatch.messages.CO_RESPONSE) may name only agencies listed here, or its events
# would match no rule (tests/infrastructure/test_co_response.py checks).
AGENCIES = ("fire", "police", "red_cross")
CO_RESPONSE_QUEUE = "co-response-undelivered"
# Past this a co-response request is stale (the desk must be phoned): the event goes to the
# dead-letter queue, whose depth alarms, instead of being retried for EventBridge's default 24 hours.
CO_RESPONSE_MAX_EVENT_AGE_S = 15 * 60


def prefix(stage: str) -> str:
    """`ems-dev-`: the runtime's EMS_TABLE_PREFIX and the stem of every physical name."""
    return f"{SERVICE}-{stage}-"


def table_name(stage: str, logical: str) -> str:
    return f"{prefix(stage)}{logical}"


def queue_name(stage: str, logical: str) -> str:
    return f"{prefix(stage)}{logical}"


def state_machine_name(stage: str, logical: str) -> str:
    return f"{prefix(stage)}{logical}"


def event_bus_name(stage: str) -> str:
    return f"{prefix(stage)}dispatch"


def co_response_name(stage: str, agency: str) -> str:
    """The agency's topic and the rule that feeds it (`*` for all of them, in policies)."""
    return f"{prefix(stage)}co-response-{agency}"


def iot_rule_name(stage: str, logical: str) -> str:
    # IoT rule names allow only [A-Za-z0-9_].
    return f"{SERVICE}_{stage}_{logical}"


def app_authorizer_name(stage: str) -> str:
    """The IoT custom authorizer people's apps name in their MQTT user name."""
    return f"{prefix(stage)}apps"


def iot_policy_name(stage: str) -> str:
    """The one IoT policy every ambulance's certificate carries (CDK creates it; provision-unit attaches it)."""
    return f"{prefix(stage)}ambulance"


def stack_name(stage: str, kind: str) -> str:
    return f"{prefix(stage)}{kind}"


def _gateway_body(code: str, message: str = "$context.error.messageString") -> str:
    # `$context.error.messageString` is already a quoted JSON string; a fixed message is not.
    if not message.startswith("$"):
        message = json.dumps(message)
    return '{"error": {"code": "' + code + '", "message": ' + message + "}}"


# API Gateway answers these itself (no Lambda runs): keep them in the app's error shape.
# Unknown paths reach no route, which API Gateway reports as a missing token (403): say 404.
GATEWAY_RESPONSES: dict[str, tuple[str | None, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": ("404", _gateway_body("not_found", "no such route")),
    "ACCESS_DENIED": (None, _gateway_body("forbidden")),
    "THROTTLED": (None, _gateway_body("throttled")),
    "REQUEST_TOO_LARGE": (None, _gateway_body("payload_too_large")),
    "INTEGRATION_TIMEOUT": (None, _gateway_body("timeout")),
    "DEFAULT_4XX": (None, _gateway_body("bad_request")),
    "DEFAULT_5XX": (None, _gateway_body("internal_error")),
}
