"""What other domains may ask of consultations: end a hospital's seats when its access ends, and
how many sessions an incident had (its KPI summary)."""

from __future__ import annotations

from datetime import datetime


def access_ended(incident_id: str, hospital_id: str, why: str, now: datetime) -> int:
    """The hospital no longer reaches the record: its open seats in the incident's sessions end now."""
    from chalicelib.consultations import service
    from chalicelib.consultations.wiring import get_ports

    return service.access_ended(get_ports(), incident_id, hospital_id, why, now)


def count_of_incident(incident_id: str) -> int:
    """How many consultations the incident had (open or closed)."""
    from chalicelib.consultations.wiring import get_ports

    return len(get_ports().store.of_incident(incident_id))
