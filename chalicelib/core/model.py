"""The base of the API's pydantic models: validators are built on first use, not at import.

Every route declares its models at import, so building them all there is paid by every cold
start, for routes the invocation will never serve (ADR 0003)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
