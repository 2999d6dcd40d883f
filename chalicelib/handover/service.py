"""Handing the patient over on arrival: the booking closes, the FHIR bundle is built, kept and sent.

The bundle is built from what the platform holds (the booking and its orders, the unit's time
nodes, the crew's latest assessment, the monitor's readings, the identified resident record) and
validated before it is stored; the hospital's information system gets it through bookings.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.handover.bundle import build
from chalicelib.handover.entities import Handover
from chalicelib.handover.ports import HandoverPorts
from chalicelib.handover.schemas import HandoverView


def hand_over(ports: HandoverPorts, who: Principal, incident_id: str, now: datetime) -> HandoverView:
    from chalicelib.core.config import get_settings
    from chalicelib.healthaccess.api import open_record

    access = open_record(who, incident_id, "handover.create", now)
    booking = ports.admissions.accepted(incident_id)
    if booking is None:
        raise Conflict("no accepted booking to hand over to", code="no_accepted_booking")
    facts = ports.facts.gather(incident_id, booking, access.unit_id or booking.unit_id, now)
    bundle = build(facts)
    ports.admissions.arrive(booking.booking_id, now)
    his_status = ports.admissions.send(booking.hospital_id, bundle)
    handover = Handover(
        incident_id, booking.booking_id, hospital_id=booking.hospital_id, unit_id=booking.unit_id,
        handed_over_at=now, handed_over_by=who.subject, bundle=bundle, his_status=his_status,
        expires_at=now + timedelta(days=get_settings().vitals_ttl_days),
    )  # fmt: skip
    ports.store.add(handover)
    ports.followers.handed_over(incident_id, booking.booking_id, now)
    return _view(handover)


def fetch(ports: HandoverPorts, who: Principal, incident_id: str, now: datetime) -> HandoverView:
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "handover.read", now)
    found = ports.store.latest(incident_id)
    if found is None:
        raise NotFound("no handover yet", code="handover_not_found")
    return _view(found)


def _view(h: Handover) -> HandoverView:
    return HandoverView(incident_id=h.incident_id, booking_id=h.booking_id, hospital_id=h.hospital_id,
                        handed_over_at=h.handed_over_at, his_status=h.his_status, bundle=h.bundle)  # fmt: skip
