"""What dispatch tells the crew, co-responders and the dispatch board. Pure builders.

None of these carry personal data: a crew needs the place and the nature of the call, a
fire or police desk only the place and the kind of help wanted. The caller's phone and
any health record stay behind the permission-checked incident API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.dispatch.entities import DispatchIncident

SCHEMA = 1
EVENT_SOURCE = "ems.dispatch"
DISPATCHED = "UnitDispatched"

# Which agencies each kind of call brings along: data, read by the CDK rules through the
# event's `co_responders` field, so the routing is decided once, here.
CO_RESPONSE: dict[str, tuple[str, ...]] = {
    "trauma": ("police", "fire"),  # road traffic collisions: scene safety, extrication
    "bleeding": ("police",),  # violence until shown otherwise
    "cardiac_arrest": ("fire",),  # firefighters carry AEDs and arrive first in many districts
    "unconscious": ("fire",),
}


def unit_topic(unit_id: str) -> str:
    """The unit's dispatch channel (its onboard terminal and crew app)."""
    return f"ems/units/{unit_id}/dispatch"


def board_topic(county: str) -> str:
    """The county's dispatch board: alerts its dispatchers must look at."""
    return f"ems/dispatch/{county}/alerts"


def co_responders(symptoms: tuple[str, ...]) -> list[str]:
    return sorted({agency for s in symptoms for agency in CO_RESPONSE.get(s, ())})


def crew_assignment(inc: DispatchIncident, rec: dict[str, Any] | None) -> dict[str, Any]:
    """`ems/units/{unit_id}/dispatch`: the job, enough to drive there without a voice call."""
    return {
        "schema": SCHEMA,
        "type": "assignment",
        "incident_id": inc.incident_id,
        "assigned_at": inc.assigned_at.isoformat() if inc.assigned_at else None,
        "location": {"lat": inc.point.lat, "lon": inc.point.lon, "address": inc.address_text},
        "county": inc.county,
        "nature": list(inc.symptoms),
        "needs": inc.needs.value,
        "eta_s": rec.get("eta_s") if rec else None,
        "co_responders": co_responders(inc.symptoms),
    }


def stand_down(incident_id: str, reason: str, at: datetime) -> dict[str, Any]:
    """The crew is released from the incident (cancelled, or another unit was sent)."""
    return {"schema": SCHEMA, "type": "stand_down", "incident_id": incident_id, "reason": reason, "at": at.isoformat()}


def co_response(inc: DispatchIncident, now: datetime) -> dict[str, Any]:
    """Detail of the EventBridge event sent on every dispatch. `nature` names only the kinds of
    call that bring an agency along (trauma, bleeding, ...): what a fire or police desk needs to
    act, never the rest of what the caller said (pregnancy, chest pain ...)."""
    return {
        "schema": SCHEMA,
        "incident_id": inc.incident_id,
        "county": inc.county,
        "location": {"lat": inc.point.lat, "lon": inc.point.lon, "address": inc.address_text},
        "nature": [s for s in inc.symptoms if s in CO_RESPONSE],
        "unit_id": inc.unit_id,
        "dispatched_at": now.isoformat(),
        "co_responders": co_responders(inc.symptoms),
    }


def board_alert(inc: DispatchIncident, kind: str, now: datetime) -> dict[str, Any]:
    """`ems/dispatch/{county}/alerts`: an incident the county's dispatchers must look at."""
    return {
        "schema": SCHEMA,
        "type": kind,
        "incident_id": inc.incident_id,
        "county": inc.county,
        "needs": inc.needs.value,
        "waiting_since": (inc.waiting_since or now).isoformat(),
        "at": now.isoformat(),
    }
