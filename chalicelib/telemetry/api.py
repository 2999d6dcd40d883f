"""What other domains may ask of telemetry: an incident's newest monitor readings (never a record).
The caller has applied the health-data access rule; the store loads on first call."""

from __future__ import annotations

from datetime import datetime

from chalicelib.telemetry.entities import StoredReading

__all__ = ["StoredReading"]


def newest_readings(incident_id: str, since: datetime | None, limit: int) -> list[StoredReading]:
    """The incident's newest readings taken after `since`, at most `limit`, oldest first."""
    from chalicelib.telemetry.wiring import get_readings

    return get_readings().newest(incident_id, since, limit)
