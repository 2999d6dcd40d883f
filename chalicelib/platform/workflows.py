"""Starting executions of the platform's state machines (a port with a boto3 adapter)."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from functools import lru_cache
from typing import Any

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.errors import ServiceUnavailable


class WorkflowStarter(ABC):
    @abstractmethod
    def start(self, machine: str, name: str, payload: dict[str, Any]) -> str:
        """Start a named execution; returns its ARN."""


class StepFunctionsStarter(WorkflowStarter):
    def start(self, machine: str, name: str, payload: dict[str, Any]) -> str:
        arn = get_settings().state_machines.get(machine)
        if not arn:
            raise ServiceUnavailable(f"state machine {machine} is not configured", code="workflow_unavailable")
        resp = client("stepfunctions").start_execution(stateMachineArn=arn, name=name, input=json.dumps(payload))
        return str(resp["executionArn"])


@lru_cache(maxsize=1)
def get_starter() -> WorkflowStarter:
    return StepFunctionsStarter()
