"""The base of the API's pydantic models: validators are built on first use, not at import.

Every route declares its models at import, so building them all there is paid by every cold
start, for routes the invocation will never serve (ADR 0003).

Request bodies are validated from JSON in strict mode (`chalicelib.core.parsing`): no bool for a
number, no number for a string. Every number read from JSON must also be one DynamoDB can store
(at most 38 digits, magnitude 1e-130 .. 1e126): a tiny float such as 1e-200 or a 40-digit integer
is refused with its field's name instead of failing the write. Data read back from the tables is
validated in Python mode and is not checked again."""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

# Far inside DynamoDB's range, and beyond any physical quantity the API takes.
MAX_INT = 10**18
MAX_FLOAT = 1e15
MIN_FLOAT = 1e-6


def storable_problem(value: Any) -> str | None:
    """Why a number decoded from JSON cannot be kept, or None (walks lists and dicts)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    if isinstance(value, int):
        return None if -MAX_INT <= value <= MAX_INT else f"must be within ±{MAX_INT:.0e}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "must be a finite number"
        if value != 0 and not MIN_FLOAT <= abs(value) <= MAX_FLOAT:
            return f"must be 0 or between {MIN_FLOAT:g} and {MAX_FLOAT:g} in magnitude"
        return None
    if isinstance(value, list | tuple | set | frozenset):
        return next((p for p in map(storable_problem, value) if p), None)
    if isinstance(value, dict):
        return next((p for p in map(storable_problem, value.values()) if p), None)
    return None


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        if info.mode == "json":
            problem = storable_problem(value)
            if problem:
                raise ValueError(problem)
        return value
