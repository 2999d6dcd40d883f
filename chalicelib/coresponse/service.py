"""Co-responders sharing their live position with the dispatcher, for the incident's duration only.

Sharing is allowed while the incident is open and only to an agency the dispatch event brought
along (`co_responders`). The dispatcher's list is empty once the incident closes: the status is
checked on every read, so nothing is served after the close even before the rows are deleted.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.core.auth import Principal, Role
from chalicelib.core.observability import count, logger
from chalicelib.coresponse import logic
from chalicelib.coresponse.entities import ResponderPosition, Saved
from chalicelib.coresponse.ports import CoResponsePorts
from chalicelib.coresponse.schemas import PositionAccepted, PositionRequest, ResponderList, ResponderView
from chalicelib.incidents import scope
from chalicelib.platform import audit


def subject(incident_id: str) -> str:
    return f"incident:{incident_id}"


def share(
    ports: CoResponsePorts, who: Principal, incident_id: str, req: PositionRequest, now: datetime
) -> PositionAccepted:
    agency = logic.agency_of(who)
    logic.check_fix_time(req.at, now)
    incident = logic.may_share(ports.incidents.get(incident_id), incident_id, agency)
    position = ResponderPosition(
        incident_id=incident_id, responder_id=who.subject, agency=agency, callsign=req.callsign,
        lat=req.lat, lon=req.lon, at=req.at, received_at=now,
        accuracy_m=req.accuracy_m, heading=req.heading, speed=req.speed,
    )  # fmt: skip
    keep_until = logic.remove_at(req.at)
    saved = ports.positions.save(position, keep_until)
    if saved is Saved.STARTED:
        # Where a team is, is personal data of its members: who started sharing is on the trail.
        audit.record(who, subject(incident_id), "coresponse.share_started", f"{agency} {req.callsign}",
                     store=ports.audit)  # fmt: skip
    if saved is not Saved.STALE:
        _to_desk(ports, incident.county, position)
    return PositionAccepted(
        incident_id=incident_id, accepted=saved is not Saved.STALE, sharing_started=saved is Saved.STARTED,
        keep_until=keep_until,
    )  # fmt: skip


def responders(ports: CoResponsePorts, who: Principal, incident_id: str, now: datetime) -> ResponderList:
    """The teams sharing on the incident with their latest fix: the county desk and the assigned crew."""
    if who.role is Role.CREW:
        from chalicelib.healthaccess.rules import assigned_unit

        assigned_unit(ports.fleet, who, incident_id)  # 403 not_assigned otherwise
    incident = ports.incidents.get(incident_id)
    if incident is None:
        raise scope.missing()
    if who.role is not Role.CREW:
        scope.require_county(who, incident_id, incident.county, action="coresponse.positions.read", store=ports.audit)
    audit.record(who, subject(incident_id), "coresponse.positions.read", store=ports.audit)
    if not incident.is_open:
        return ResponderList(incident_id=incident_id, incident_open=False, responders=[])
    shown = logic.served(ports.positions.of_incident(incident_id), now)
    return ResponderList(incident_id=incident_id, incident_open=True, responders=[_view(p, now) for p in shown])


def _view(p: ResponderPosition, now: datetime) -> ResponderView:
    return ResponderView(
        responder_id=p.responder_id, agency=p.agency, callsign=p.callsign, lat=p.lat, lon=p.lon,
        accuracy_m=p.accuracy_m, heading=p.heading, speed=p.speed, at=p.at,
        age_s=max(0, int((now - p.at).total_seconds())), sharing_since=p.started_at,
    )  # fmt: skip


def _to_desk(ports: CoResponsePorts, county: str, position: ResponderPosition) -> None:
    """Best effort: the fix is stored and the desk's list has it; a lost live update is not an error."""
    try:
        ports.desk.position(county, logic.desk_message(position))
    except Exception as exc:
        # Never the position itself in a log line.
        logger().warning("responder position not published", extra={"incident_id": position.incident_id,
                                                                     "error": type(exc).__name__})  # fmt: skip
        count("ResponderPositionNotPublished")
