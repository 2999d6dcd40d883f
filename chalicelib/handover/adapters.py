"""The handover's ports: its table (PynamoDB), and the domains a handover reads from and tells."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.bookings.api import AcceptedBooking
from chalicelib.core.tables import bound
from chalicelib.handover.bundle import HandoverFacts, Order, Reading
from chalicelib.handover.dal import HandoverRecord
from chalicelib.handover.entities import Handover
from chalicelib.handover.ports import Admissions, FactSources, Followers, HandoverStore

MAX_READINGS = 60  # the newest minute-by-minute readings are what the team reads; the rest stay in /vitals
_NODES = {"eTimes.03": "dispatched", "eTimes.05": "en_route", "eTimes.06": "on_scene",
          "eTimes.07": "patient_contact", "eTimes.09": "departed_scene", "eTimes.11": "at_hospital"}  # fmt: skip


class DynamoHandoverStore(HandoverStore):
    def add(self, handover: Handover) -> None:
        h = handover
        bound(HandoverRecord)(
            h.incident_id, h.booking_id, hospital_id=h.hospital_id, unit_id=h.unit_id, handed_over_at=h.handed_over_at,
            handed_over_by=h.handed_over_by, bundle=h.bundle, his_status=h.his_status, expires_at=h.expires_at,
        ).save()  # fmt: skip

    def latest(self, incident_id: str) -> Handover | None:
        for r in bound(HandoverRecord).query(incident_id, scan_index_forward=False, limit=1):
            return Handover(
                r.incident_id, r.booking_id, r.hospital_id, r.unit_id, r.handed_over_at, r.handed_over_by, r.bundle,
                r.his_status, r.expires_at,
            )  # fmt: skip
        return None


class BookingsAdmissions(Admissions):
    def accepted(self, incident_id: str) -> AcceptedBooking | None:
        from chalicelib.bookings.api import accepted_admission

        return accepted_admission(incident_id)

    def arrive(self, booking_id: str, now: datetime) -> None:
        from chalicelib.bookings.api import arrive

        arrive(booking_id, now)

    def send(self, hospital_id: str, bundle: dict[str, Any]) -> str:
        from chalicelib.bookings.api import send_handover

        return send_handover(hospital_id, bundle)


class DomainFacts(FactSources):
    def gather(self, incident_id: str, booking: AcceptedBooking, unit_id: str | None, now: datetime) -> HandoverFacts:
        from chalicelib.fleet.api import times_of
        from chalicelib.hospitals import api as hospitals
        from chalicelib.incidents import api as incidents
        from chalicelib.portrait.api import latest_assessment, patient_summary
        from chalicelib.telemetry.api import newest_readings

        incident = incidents.existing(incident_id)
        times: dict[str, datetime] = {"call_received": incident.created_at}
        for t in times_of(incident_id):
            if t.node.value in _NODES and (unit_id is None or t.unit_id == unit_id):
                times[_NODES[t.node.value]] = t.at
        assessment = latest_assessment(incident_id)
        readings = [Reading(at=r.at, values=dict(r.values), source="monitor", news2=int(r.news2))
                    for r in newest_readings(incident_id, None, MAX_READINGS)]  # fmt: skip
        if assessment is not None and assessment.input.vitals.model_dump(exclude_none=True):
            values = assessment.input.vitals.model_dump(exclude_none=True)
            readings.append(Reading(at=assessment.at, values=values, source="assessment", news2=None))
        hospital = hospitals.find(booking.hospital_id)
        result = assessment.result if assessment else None
        return HandoverFacts(
            incident_id=incident_id, unit_id=unit_id or "unknown", hospital_id=booking.hospital_id,
            hospital_name=hospital.name_zh if hospital else booking.hospital_id, handed_over_at=now, times=times,
            level=result.level if result else None, level_label_en=result.label.en if result else None,
            pathway=result.pathway if result else None,
            reasons_en=[r.label.en for r in result.reasons] if result else [],
            readings=sorted(readings, key=lambda r: r.at), summary=patient_summary(incident_id),
            orders=[Order(order_id=o["order_id"], code=o["code"], status=o["status"],
                          ordered_at=booking.answered_at or now) for o in booking.orders],
        )  # fmt: skip


class DomainFollowers(Followers):
    def handed_over(self, incident_id: str, booking_id: str, now: datetime) -> None:
        from chalicelib.core.observability import count, logger
        from chalicelib.timeline.api import refresh_kpis
        from chalicelib.workflow.api import Milestone, reached

        # The prehospital intervals are complete at handover: the KPI summary takes them now.
        try:
            refresh_kpis(incident_id, now)
        except Exception:  # the handover stands; the next scan refreshes the summary again
            logger().exception("KPI refresh failed", extra={"incident_id": incident_id})
            count("KpiRefreshFailed")
        reached(incident_id, Milestone.HANDED_OVER, {"booking_id": booking_id})
