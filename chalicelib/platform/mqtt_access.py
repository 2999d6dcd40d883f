"""MQTT for people's apps: an AWS IoT Core custom authorizer that takes the same sign-in as the API.

The crew app, the dispatch desk, the hospital board and the volunteer app connect to IoT Core over MQTT
(WebSocket or TLS) with the user name `<anything>?x-amz-customauthorizer-name=<authorizer>` and their ID
token as the password. The authorizer checks the token exactly as the API does (`core.auth`) and returns
a policy that lets the app subscribe to its own topics only, and publish to none:

| role | may receive |
| --- | --- |
| crew (`unit:ID`) | `ems/units/ID/dispatch`, `ems/units/ID/alerts` |
| dispatcher (`county:CODE`; city-wide: every county) | `ems/dispatch/CODE/#` |
| hospital (`hospital:ID`) | `ems/hospitals/ID/inbound`, `ems/hospitals/ID/alerts` |
| volunteer (`volunteer:ID`) | `ems/volunteers/ID/alerts` |

Callers, responders and administrators get no topic: callers poll the call status, co-responders hear
through their agency's EventBridge topic, administrators use the dashboards. The connection is closed
when the token would have expired, and the policy is re-evaluated every 5 minutes.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from chalicelib.core.auth import Principal, Role

REFRESH_S = 300
MAX_SESSION_S = 86_400  # IoT Core's limit for disconnectAfterInSeconds


def topics_for(who: Principal) -> list[str]:
    """The topics (and filters) the principal's app may subscribe to and receive."""
    if who.role is Role.CREW:
        return [f"ems/units/{u}/{kind}" for u in sorted(who.scope_ids("unit")) for kind in ("dispatch", "alerts")]
    if who.role is Role.DISPATCHER:
        if who.city_wide:
            return ["ems/dispatch/#"]
        return [f"ems/dispatch/{c}/#" for c in sorted(who.scope_ids("county"))]
    if who.role is Role.HOSPITAL:
        return [
            f"ems/hospitals/{h}/{kind}" for h in sorted(who.scope_ids("hospital")) for kind in ("inbound", "alerts")
        ]
    if who.role is Role.VOLUNTEER:
        return [f"ems/volunteers/{v}/alerts" for v in sorted(who.scope_ids("volunteer"))]
    return []


def policy(who: Principal, arn_prefix: str, client_id: str) -> dict[str, Any]:
    """An IoT policy for this connection: connect as its own client id, subscribe to and receive its topics."""
    topics = topics_for(who)
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": "iot:Connect", "Resource": f"{arn_prefix}:client/{client_id}"}
    ]
    if topics:
        filters = [f"{arn_prefix}:topicfilter/{t}" for t in topics]
        received = [f"{arn_prefix}:topic/{_receive(t)}" for t in topics]
        statements += [
            {"Effect": "Allow", "Action": "iot:Subscribe", "Resource": filters},
            {"Effect": "Allow", "Action": "iot:Receive", "Resource": received},
        ]
    return {"Version": "2012-10-17", "Statement": statements}


def _receive(topic: str) -> str:
    # Receive is checked against the concrete topic of each message: a filter's `#` becomes IoT's `*`.
    return topic[:-1] + "*" if topic.endswith("#") else topic


def principal_id(subject: str) -> str:
    """IoT wants 1-128 letters and digits: the subject without its separators."""
    return (re.sub(r"[^A-Za-z0-9]", "", subject) or "anonymous")[:128]


DENY: dict[str, Any] = {
    "isAuthenticated": False,
    "principalId": "denied",
    "disconnectAfterInSeconds": 300,
    "refreshAfterInSeconds": 300,
    "policyDocuments": [],
}


def authorize(event: dict[str, Any], arn_prefix: str) -> dict[str, Any]:
    """The custom authorizer's answer for one connection attempt (never raises: a refusal is an answer)."""
    from chalicelib.core.auth import authenticate
    from chalicelib.core.errors import DomainError

    mqtt = (event.get("protocolData") or {}).get("mqtt") or {}
    client_id = str(mqtt.get("clientId") or "")
    try:
        token = base64.b64decode(str(mqtt.get("password") or ""), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return DENY
    if not token or not re.fullmatch(r"[A-Za-z0-9_.:-]{1,128}", client_id):
        return DENY
    try:
        who, expires_in = authenticate(f"Bearer {token}"), _expires_in(token)
    except (DomainError, ValueError):
        return DENY
    return {
        "isAuthenticated": True,
        "principalId": principal_id(who.subject),
        "disconnectAfterInSeconds": max(60, min(expires_in, MAX_SESSION_S)),
        "refreshAfterInSeconds": REFRESH_S,
        "policyDocuments": [policy(who, arn_prefix, client_id)],
    }


def _expires_in(token: str) -> int:
    """Seconds until the (already verified) token expires."""
    import time

    import jwt

    exp = jwt.decode(token, options={"verify_signature": False}).get("exp", 0)
    return int(exp - time.time())
