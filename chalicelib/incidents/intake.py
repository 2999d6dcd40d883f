"""Use cases behind the intake routes: wiring ports to the pure logic."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.workflows import get_starter
from chalicelib.incidents import caller_tokens, logic, texts
from chalicelib.incidents.deps import get_incident_store
from chalicelib.incidents.models import (
    CallCreated,
    CallRequest,
    CallStatus,
    Confidence,
    IncidentCreated,
    IncidentRequest,
    Location,
    PublicLocation,
)
from chalicelib.incidents.ports import KeyRing

if TYPE_CHECKING:
    from chalicelib.dispatch.ports import DispatchIncident


def _ring() -> KeyRing:
    from chalicelib.qr.deps import get_key_ring

    return get_key_ring()


def qr_location(token: str) -> Location:
    """Locate a scan from the signed token alone: no database read."""
    from chalicelib.qr.deps import get_verifier

    claims = get_verifier().verify(token)
    return Location(
        address_code=claims.address_code,
        text=claims.text_zh,
        lat=claims.lat,
        lon=claims.lon,
        county=claims.county,
        confidence=Confidence.ADDRESS,
    )


def public(loc: Location) -> PublicLocation:
    return PublicLocation.model_validate(loc.model_dump())


def new_call(req: CallRequest, now: datetime) -> CallCreated:
    if (req.qr_token is None) == (req.location is None):
        raise ValidationFailed("send either qr_token or location", code="location_required")
    loc = qr_location(req.qr_token) if req.qr_token else logic.device_location(req.location)  # type: ignore[arg-type]
    incident, call = logic.take_call(
        store=get_incident_store(),
        starter=get_starter(),
        loc=loc,
        now=now,
        channel="qr" if req.qr_token else "device",
        phone=req.phone,
        symptoms=req.symptoms,
        note=req.note,
    )
    return CallCreated(
        call_id=call.call_id,
        incident_id=incident.incident_id,
        status=incident.status,
        linked=call.linked,
        caller_token=caller_tokens.issue(call.call_id, _ring(), now),
        location=public(loc),
    )


def call_status(call_id: str, bearer: str | None, lang: str, now: datetime) -> CallStatus:
    token = (bearer or "").removeprefix("Bearer ").strip()
    if caller_tokens.verify(token, _ring(), now) != call_id:
        raise Forbidden("this token is for another call", code="not_your_call")
    from chalicelib.dispatch.wiring import get_dispatch_store

    call = get_incident_store().get_call(call_id)
    incident = get_dispatch_store().get(call.incident_id) if call else None
    if call is None or incident is None:
        raise NotFound("no such call", code="call_not_found")
    cardiac = {"cardiac_arrest", "unconscious"} & ({*incident.symptoms} | {s.value for s in call.symptoms})
    return CallStatus(
        call_id=call_id,
        incident_id=incident.incident_id,
        status=incident.status,
        status_text=texts.status_text(incident.status, lang),
        updated_at=now,
        unit=_unit_for_caller(incident),
        guidance={"kind": "cpr", "text": texts.cpr_text(lang)} if cardiac else None,
    )


def _unit_for_caller(incident: DispatchIncident) -> dict[str, object] | None:
    """The ambulance coming, and its estimate when it was chosen: nothing about its crew."""
    if incident.unit_id is None or not incident.is_open:
        return None
    rec = incident.chosen
    return {
        "unit_id": incident.unit_id,
        "assigned_at": incident.assigned_at.isoformat() if incident.assigned_at else None,
        "eta_s": rec.get("eta_s") if rec else None,
    }


def address_location(code: str) -> Location:
    from chalicelib.addresses.logic import get_address
    from chalicelib.addresses.models import AddressStatus
    from chalicelib.qr.deps import get_address_source

    address = get_address(code, source=get_address_source())
    if address.status is AddressStatus.RETIRED:
        raise Conflict(f"address {code} is retired", code="address_retired")
    return Location(
        address_code=address.code,
        text=address.text_zh,
        lat=address.lat,
        lon=address.lon,
        county=address.county,
        confidence=Confidence.ADDRESS,
    )


def dispatcher_location(req: IncidentRequest) -> Location:
    if req.address_code:
        return address_location(req.address_code)
    if req.location:
        return logic.device_location(req.location).model_copy(update={"text": req.address_text})
    raise ValidationFailed("send address_code or location", code="location_required")


def dispatcher_incident(req: IncidentRequest, loc: Location, now: datetime) -> IncidentCreated:
    incident, call = logic.take_call(
        store=get_incident_store(),
        starter=get_starter(),
        loc=loc,
        now=now,
        channel="phone",
        phone=req.phone,
        symptoms=req.symptoms,
        note=req.note,
    )
    return IncidentCreated(
        incident_id=incident.incident_id,
        call_id=call.call_id,
        linked=call.linked,
        status=incident.status,
        location=public(loc),
    )
