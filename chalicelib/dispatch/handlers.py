"""Lambda entry points of dispatch, called by the call-to-admission workflow (wired in app.py).
The use cases are imported on first call: app.py imports this module at cold start."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from chalicelib.core.clock import utcnow
from chalicelib.core.model import Model


class DispatchEvent(Model):
    incident_id: str = Field(min_length=1, max_length=64)
    escalate: bool = False


class AwaitEvent(Model):
    incident_id: str = Field(min_length=1, max_length=64)
    task_token: str = Field(min_length=1, max_length=4096)


def dispatch_incident(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.dispatch import assign
    from chalicelib.dispatch.wiring import get_ports, get_search, get_waits

    e = DispatchEvent.model_validate(event)
    return assign.dispatch(
        e.incident_id, e.escalate, ports=get_ports(), search=get_search(), waits=get_waits(), now=utcnow()
    )


def await_unit(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.dispatch import assign
    from chalicelib.dispatch.wiring import get_ports

    e = AwaitEvent.model_validate(event)
    return assign.keep_waiting(e.incident_id, e.task_token, ports=get_ports())
