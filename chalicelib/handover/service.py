"""Handing the patient over on arrival: the booking closes, the FHIR bundle is built, kept and sent.

The bundle is built from what the platform holds (the booking and its orders, the unit's time
nodes, the crew's latest assessment, the monitor's readings, the identified resident record) and
validated before it is stored; the hospital's information system gets it through the HIS port.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.bookings.api import AcceptedBooking
from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.tables import bound
from chalicelib.handover.bundle import HandoverFacts, Order, Reading
from chalicelib.handover.dal import HandoverRecord
from chalicelib.handover.schemas import HandoverView

MAX_READINGS = 60  # the newest minute-by-minute readings are what the team reads; the rest stay in /vitals
_NODES = {"eTimes.03": "dispatched", "eTimes.05": "en_route", "eTimes.06": "on_scene",
          "eTimes.07": "patient_contact", "eTimes.09": "departed_scene", "eTimes.11": "at_hospital"}  # fmt: skip


def hand_over(who: Principal, incident_id: str, now: datetime) -> HandoverView:
    from chalicelib.bookings import api as bookings
    from chalicelib.core.config import get_settings
    from chalicelib.healthaccess.api import open_record

    access = open_record(who, incident_id, "handover.create", now)
    booking = bookings.accepted_admission(incident_id)
    if booking is None:
        raise Conflict("no accepted booking to hand over to", code="no_accepted_booking")
    facts = _facts(incident_id, booking, access.unit_id or booking.unit_id, now)
    from chalicelib.handover.bundle import build

    bundle = build(facts)
    bookings.arrive(booking.booking_id, now)
    his_status = bookings.send_handover(booking.hospital_id, bundle)
    record = bound(HandoverRecord)(
        incident_id, booking.booking_id, hospital_id=booking.hospital_id, unit_id=booking.unit_id,
        handed_over_at=now, handed_over_by=who.subject, bundle=bundle, his_status=his_status,
        expires_at=now + timedelta(days=get_settings().vitals_ttl_days),
    )  # fmt: skip
    record.save()
    _refresh_kpis(incident_id, now)
    from chalicelib.workflow.api import Milestone, reached

    reached(incident_id, Milestone.HANDED_OVER, {"booking_id": booking.booking_id})
    return _view(record)


def _refresh_kpis(incident_id: str, now: datetime) -> None:
    """The prehospital intervals are complete at handover: the KPI summary takes them now."""
    from chalicelib.core.observability import count, logger
    from chalicelib.timeline.api import refresh_kpis

    try:
        refresh_kpis(incident_id, now)
    except Exception:  # the handover stands; the next scan refreshes the summary again
        logger().exception("KPI refresh failed", extra={"incident_id": incident_id})
        count("KpiRefreshFailed")


def fetch(who: Principal, incident_id: str, now: datetime) -> HandoverView:
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "handover.read", now)
    records = list(bound(HandoverRecord).query(incident_id, scan_index_forward=False, limit=1))
    if not records:
        raise NotFound("no handover yet", code="handover_not_found")
    return _view(records[0])


def _facts(incident_id: str, booking: AcceptedBooking, unit_id: str | None, now: datetime) -> HandoverFacts:
    from chalicelib.fleet.api import times_of
    from chalicelib.hospitals import api as hospitals
    from chalicelib.incidents import api as incidents
    from chalicelib.portrait.service import latest_assessment, patient_summary
    from chalicelib.telemetry.readings import newest

    incident = incidents.existing(incident_id)
    times: dict[str, datetime] = {"call_received": incident.created_at}
    for t in times_of(incident_id):
        if t.node.value in _NODES and (unit_id is None or t.unit_id == unit_id):
            times[_NODES[t.node.value]] = t.at
    assessment = latest_assessment(incident_id)
    readings = [Reading(at=r.at, values=dict(r.values), source="monitor", news2=int(r.news2))
                for r in newest(incident_id, None, MAX_READINGS)]  # fmt: skip
    if assessment is not None and assessment.input.vitals.model_dump(exclude_none=True):
        values = assessment.input.vitals.model_dump(exclude_none=True)
        readings.append(Reading(at=assessment.at, values=values, source="assessment", news2=None))
    hospital = hospitals.find(booking.hospital_id)
    result = assessment.result if assessment else None
    return HandoverFacts(
        incident_id=incident_id, unit_id=unit_id or "unknown", hospital_id=booking.hospital_id,
        hospital_name=hospital.name_zh if hospital else booking.hospital_id, handed_over_at=now, times=times,
        level=result.level if result else None, level_label_en=result.label.en if result else None,
        pathway=result.pathway if result else None, reasons_en=[r.label.en for r in result.reasons] if result else [],
        readings=sorted(readings, key=lambda r: r.at), summary=patient_summary(incident_id),
        orders=[Order(order_id=o["order_id"], code=o["code"], status=o["status"], ordered_at=booking.answered_at or now)
                for o in booking.orders or []],
    )  # fmt: skip


def _view(r: HandoverRecord) -> HandoverView:
    return HandoverView(incident_id=r.incident_id, booking_id=r.booking_id, hospital_id=r.hospital_id,
                        handed_over_at=r.handed_over_at, his_status=r.his_status, bundle=r.bundle)  # fmt: skip
