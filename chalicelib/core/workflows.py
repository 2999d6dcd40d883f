"""Starting executions of the platform's state machines (a port with a boto3 adapter)."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.errors import ServiceUnavailable
from chalicelib.core.root import provider


class AlreadyStarted(Exception):
    """An execution with this name exists: starting is idempotent by name."""


class WorkflowStarter(ABC):
    @abstractmethod
    def start(self, machine: str, name: str, payload: dict[str, Any]) -> str:
        """Start a named execution; returns its ARN. Raises AlreadyStarted for a used name."""


class StepFunctionsStarter(WorkflowStarter):
    def start(self, machine: str, name: str, payload: dict[str, Any]) -> str:
        arn = get_settings().state_machines.get(machine)
        if not arn:
            raise ServiceUnavailable(f"state machine {machine} is not configured", code="workflow_unavailable")
        sfn = client("stepfunctions")
        try:
            resp = sfn.start_execution(stateMachineArn=arn, name=name, input=json.dumps(payload))
        except sfn.exceptions.ExecutionAlreadyExists as exc:
            raise AlreadyStarted(name) from exc
        return str(resp["executionArn"])


@provider
def get_starter() -> WorkflowStarter:
    return StepFunctionsStarter()
