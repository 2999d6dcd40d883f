"""The incidents domain's ports, built on first use (`core.root` forgets them on reset)."""

from __future__ import annotations

from chalicelib.core.root import provider
from chalicelib.incidents.entities import FloodLimits
from chalicelib.incidents.ports import IncidentStore


@provider
def get_incident_store() -> IncidentStore:
    from chalicelib.incidents.adapters.intake import DynamoIncidentStore

    return DynamoIncidentStore()


@provider
def flood_limits() -> FloodLimits:
    """Per process: each container (and each test, after a reset) starts unthrottled."""
    return FloodLimits()
