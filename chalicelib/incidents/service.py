"""Call intake's use cases: wiring ports to the pure logic."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.observability import count, logger, mask_phone
from chalicelib.core.workflows import WorkflowStarter, get_starter
from chalicelib.cpr.guidance import metronome_bpm, needs_cpr
from chalicelib.dispatch.schemas import IncidentDetail
from chalicelib.incidents import caller_tokens, logic, texts
from chalicelib.incidents.entities import Call
from chalicelib.incidents.ports import KeyRing
from chalicelib.incidents.schemas import (
    CallCreated,
    CallGuidance,
    CallRequest,
    CallStatus,
    CallView,
    Confidence,
    IncidentCreated,
    IncidentRequest,
    Location,
    NearbyAed,
    PublicLocation,
)
from chalicelib.incidents.wiring import flood_limits, get_incident_store

if TYPE_CHECKING:
    from chalicelib.dispatch.ports import DispatchIncident


def _ring() -> KeyRing:
    from chalicelib.qr.api import key_ring

    return key_ring()


def qr_location(token: str, client: str | None = None) -> Location:
    """Locate a scan from the signed token alone: no database read. With `client` (the source IP),
    the scan is counted once its token is verified (see `FloodLimits`)."""
    from chalicelib.qr.api import QrTokenError, verify

    try:
        claims = verify(token)
    except QrTokenError:
        if client is not None:
            count("QrTokenRefused")
            flood_limits().refused.check(client)  # past its budget a forger gets 429, not the reason
        raise
    if client is not None:
        flood_limits().scans.check(f"{client}|{claims.address_code}")
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


def new_call(req: CallRequest, now: datetime, client: str | None = None) -> CallCreated:
    """`client` (the caller's source IP) turns on the flood check; in-process callers leave it out."""
    if (req.qr_token is None) == (req.location is None):
        raise ValidationFailed("send either qr_token or location", code="location_required")
    if req.qr_token:
        loc = qr_location(req.qr_token, client)
    else:
        if client is not None:
            flood_limits().devices.check(client)
        loc = logic.device_location(req.location)  # type: ignore[arg-type]
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


def caller_call(call_id: str, bearer: str | None, now: datetime) -> tuple[Call, DispatchIncident]:
    """The call a caller token speaks for, and its incident (403 `not_your_call` for another call's token)."""
    caller_tokens.require(call_id, bearer, _ring(), now)
    from chalicelib.dispatch.api import incident as dispatch_incident

    call = get_incident_store().get_call(call_id)
    incident = dispatch_incident(call.incident_id) if call else None
    if call is None or incident is None:
        raise NotFound("no such call", code="call_not_found")
    return call, incident


def call_status(call_id: str, bearer: str | None, lang: str, now: datetime) -> CallStatus:
    call, incident = caller_call(call_id, bearer, now)
    cardiac = needs_cpr({*incident.symptoms} | {s.value for s in call.symptoms})
    aeds = _aeds_for_caller(call, lang, now) if cardiac and incident.is_open else None
    return CallStatus(
        call_id=call_id,
        incident_id=incident.incident_id,
        status=incident.status,
        status_text=texts.status_text(incident.status, lang),
        updated_at=now,
        unit=_unit_for_caller(incident),
        guidance=_cpr_guidance(call_id, lang, bool(aeds)) if cardiac else None,
        aeds=aeds,
    )


def _cpr_guidance(call_id: str, lang: str, aed_near: bool) -> CallGuidance:
    base = f"/v1/calls/{call_id}"
    return CallGuidance(
        kind="cpr",
        text=texts.cpr_text(lang),
        steps_url=f"{base}/cpr?lang={'en' if lang == 'en' else 'zh-CN'}",
        progress_url=f"{base}/cpr/progress",
        video_url=f"{base}/video",
        metronome_bpm=metronome_bpm(),
        aed_text=texts.aed_text(lang) if aed_near else None,
    )


def _aeds_for_caller(call: Call, lang: str, now: datetime) -> list[NearbyAed] | None:
    """AEDs usable now within 200 m of the caller; None (not an error) when the registry cannot be read,
    so the status, the unit and the guidance still reach the caller."""
    from chalicelib.aeds.api import usable_near

    try:
        found = usable_near(call.location.lat, call.location.lon, now)
    except Exception as exc:
        count("CallerAedLookupFailed")
        logger().warning("AED lookup for a caller failed", extra={"error": type(exc).__name__})
        return None
    return [
        NearbyAed(aed_id=a.aed_id, name=a.name_en if lang == "en" else a.name_zh, indoor=a.indoor,
                  distance_m=a.distance_m, lat=a.lat, lon=a.lon)
        for a in found
    ]  # fmt: skip


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
    from chalicelib.addresses.api import AddressStatus, get_address

    address = get_address(code)
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


def incident_detail(who: Principal, incident_id: str) -> IncidentDetail:
    """Every call linked to the incident, with its dispatch (404 for another county's, audited)."""
    from chalicelib.dispatch import api as dispatch
    from chalicelib.platform import audit

    incident = dispatch.load(who, incident_id)
    audit.record(who, f"incident:{incident.incident_id}", "incident.read")
    calls = [
        CallView(call_id=c.call_id, channel=c.channel, created_at=c.created_at, symptoms=c.symptoms, note=c.note,
                 linked=c.linked, phone_masked=mask_phone(c.phone) if c.phone else None)
        for c in get_incident_store().calls_of(incident.incident_id)
    ]  # fmt: skip
    return IncidentDetail(
        incident_id=incident.incident_id, status=incident.status, county=incident.county,
        location=PublicLocation.model_validate(incident.location), symptoms=list(incident.symptoms),  # type: ignore[arg-type]
        created_at=incident.created_at, workflow=incident.workflow, calls=calls,
        dispatch=dispatch.dispatch_view(incident), attention=incident.attention,
    )  # fmt: skip


# The workflow's own steps on the incident.


def registered(incident_id: str, execution: str) -> None:
    get_incident_store().mark_started(incident_id, execution)


def needs_dispatcher(incident_id: str, reason: str) -> None:
    get_incident_store().flag_needs_dispatcher(incident_id, reason)
    count("IncidentNeedsDispatcher")


def reconcile(now: datetime, grace: timedelta, starter: WorkflowStarter) -> list[str]:
    """Start the workflow of every incident whose start did not register within `grace`."""
    return logic.reconcile(store=get_incident_store(), starter=starter, now=now, grace=grace)
