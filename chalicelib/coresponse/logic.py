"""Who may share a position on which incident, and for how long it is kept. Pure: no I/O, no clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict, Forbidden, ValidationFailed
from chalicelib.coresponse.entities import IncidentFacts, ResponderPosition
from chalicelib.dispatch.messages import co_responders

# The co-responding agencies; the CDK gives each its desk's topic (infrastructure/constants.py AGENCIES).
AGENCIES = ("fire", "police", "red_cross")
# A phone's clock a little ahead of ours is drift; further ahead it is a wrong clock.
MAX_AHEAD = timedelta(seconds=30)
# An older fix says where the team was, not where it is: the dispatcher would be misled.
MAX_AGE = timedelta(minutes=5)
# Kept this long after the responder's latest fix (DynamoDB TTL), closed incident or not: a team
# that stops sharing disappears on its own, and a delete missed on close is bounded too.
RETENTION = timedelta(hours=1)


class NotCoResponding(Forbidden):
    code = "agency_not_co_responding"


class IncidentClosed(Conflict):
    code = "incident_closed"


def agency_of(who: Principal) -> str:
    """The responder's one agency, from its token's `agency:` scope (403 otherwise)."""
    agencies = who.scope_ids("agency")
    if len(agencies) != 1:
        raise Forbidden("a responder's token names exactly one agency", code="scope_denied")
    (agency,) = agencies
    if agency not in AGENCIES:
        raise Forbidden(f"unknown agency {agency}", code="scope_denied")
    return agency


def check_fix_time(at: datetime, now: datetime) -> None:
    if at > now + MAX_AHEAD:
        raise ValidationFailed("'at' is in the future; check the device clock", code="time_in_future")
    if at < now - MAX_AGE:
        raise ValidationFailed("'at' is more than 5 minutes old; send the current fix", code="position_too_old")


def may_share(incident: IncidentFacts | None, incident_id: str, agency: str) -> IncidentFacts:
    """The incident, if `agency` co-responds to it and it is still open.

    A missing incident looks like one the agency was not called to: incident ids cannot be probed.
    """
    if incident is None or agency not in co_responders(incident.symptoms):
        raise NotCoResponding(f"{agency} is not co-responding to incident {incident_id}")
    if not incident.is_open:
        raise IncidentClosed(f"the incident is {incident.status}", details={"status": incident.status})
    return incident


def remove_at(at: datetime) -> datetime:
    return at + RETENTION


def served(positions: list[ResponderPosition], now: datetime) -> list[ResponderPosition]:
    """What the dispatcher sees: fixes within the retention (DynamoDB's TTL may delete them late)."""
    live = [p for p in positions if remove_at(p.at) > now]
    return sorted(live, key=lambda p: (p.agency, p.callsign, p.responder_id))


def desk_message(p: ResponderPosition) -> dict[str, object]:
    """`ems/dispatch/{county}/responders`: one fix, for the county desk's map."""
    return {
        "schema": 1,
        "type": "responder_position",
        "incident_id": p.incident_id,
        "responder_id": p.responder_id,
        "agency": p.agency,
        "callsign": p.callsign,
        "lat": p.lat,
        "lon": p.lon,
        "accuracy_m": p.accuracy_m,
        "heading": p.heading,
        "speed": p.speed,
        "at": p.at.isoformat(),
    }
