"""The workflow's Lambda entry points: its waits for milestones."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.lambdas import lambda_function
from chalicelib.workflow import service

bp = Blueprint(__name__)


@lambda_function(bp, name="await_milestone")
def await_milestone(event: dict[str, Any]) -> dict[str, Any]:
    """`.waitForTaskToken`: park the token, or complete it at once when the milestone is there."""
    return service.await_milestone(event)
