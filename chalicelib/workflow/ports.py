"""The workflow's outbound side: completing a parked task token."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class TaskWaker(ABC):
    @abstractmethod
    def wake(self, token: str, output: dict[str, Any]) -> bool:
        """Complete the task `token` with `output`; False when its wait is over already (timed out,
        gone). Any other failure raises."""
