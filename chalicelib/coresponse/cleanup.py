"""Deleting an incident's co-responder positions when it closes (cancelled, or its unit back in service).

Called from the workflow's close hook, which every way an incident closes goes through. Best effort,
and it never raises into the caller: the close itself must not fail over positions. Nothing is
served after the close anyway (the list checks the incident's status), a fix racing the close is
refused or left to the TTL, and the TTL bounds whatever a failed delete leaves behind.
"""

from __future__ import annotations

from chalicelib.core.observability import count, logger
from chalicelib.coresponse.ports import PositionStore


def incident_closed(incident_id: str, store: PositionStore | None = None) -> None:
    try:
        if store is None:
            from chalicelib.coresponse.wiring import get_positions

            store = get_positions()
        store.forget(incident_id)
    except Exception as exc:
        logger().warning("responder positions not deleted", extra={"incident_id": incident_id,
                                                                   "error": type(exc).__name__})  # fmt: skip
        count("ResponderPositionsNotDeleted")
