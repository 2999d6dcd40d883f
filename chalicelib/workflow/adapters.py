"""Step Functions' task tokens (imported on first use, not at cold start)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.core.aws import client
from chalicelib.workflow.ports import TaskWaker

_OVER = ("TaskTimedOut", "TaskDoesNotExist", "InvalidToken")


class StepFunctionsWaker(TaskWaker):
    def wake(self, token: str, output: dict[str, Any]) -> bool:
        sfn = client("stepfunctions")
        try:
            sfn.send_task_success(taskToken=token, output=json.dumps(output))
        except sfn.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _OVER:
                return False
            raise
        return True
