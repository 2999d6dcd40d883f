"""The workflow's ports, built on first use (`core.root` forgets them on reset)."""

from __future__ import annotations

from chalicelib.core.root import provider
from chalicelib.workflow.ports import TaskWaker


@provider
def get_waker() -> TaskWaker:
    from chalicelib.workflow.adapters import StepFunctionsWaker

    return StepFunctionsWaker()
