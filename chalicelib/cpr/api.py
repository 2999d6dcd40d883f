"""What other domains use of guided help for the caller: the close hook of the incident's scene video.
(Call intake reads the telephone-CPR script's facts from `guidance`, a pure helper below any use case.)"""

from __future__ import annotations

from datetime import datetime

__all__ = ["close_for_incident"]


def close_for_incident(incident_id: str, now: datetime | None = None) -> bool:
    """Close the incident's scene video room, if any (best effort, never raises)."""
    from chalicelib.cpr.video import close_for_incident as close

    return close(incident_id, now)
