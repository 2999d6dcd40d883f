"""A hospital's access ends with the booking that gave it, over the API against moto.

Given an accepted booking, when it is cancelled, declined, or superseded (the crew takes the patient
elsewhere, the incident closes, another hospital accepts), then the hospital is refused at once and
its consultation seats end; a grant the hospital holds on another basis (its own consultation) stays.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.integration.bookings import test_bookings_api
from tests.integration.bookings.test_bookings_api import hospital, post, stroke_at_the_tcm_hospital
from tests.integration.consultations import test_consultations_api
from tests.integration.fleet import test_fleet_api
from tests.integration.portrait.test_portrait_api import audit_of

fleet = test_fleet_api.fleet  # the seeded-fleet fixture
his = test_bookings_api.his  # the recording hospital system
local_video = test_consultations_api.local_video


def portrait(client: Any, headers: dict[str, str], incident_id: str) -> int:
    return int(client.http.get(f"/v1/incidents/{incident_id}/portrait", headers=headers).status_code)


def accepted_booking(client: Any, fleet: Any, unit_id: str, incident_id: str) -> tuple[dict[str, str], dict[str, Any]]:
    """A stroke offered to the top option, which accepts; returns the crew token and the booking."""
    crew = stroke_at_the_tcm_hospital(client, fleet, unit_id, incident_id)
    offer = post(client, f"/v1/incidents/{incident_id}/bookings", crew, {}).json_body
    accepted = post(client, f"/v1/bookings/{offer['booking_id']}/accept", hospital(fleet, offer["hospital_id"]), {})
    assert accepted.status_code == 200, accepted.body
    return crew, accepted.json_body


def seats(client: Any, crew: dict[str, str], incident_id: str) -> dict[str, list[tuple[str | None, bool]]]:
    """Each consultation's participants: (hospital, still seated)."""
    listed = client.http.get(f"/v1/incidents/{incident_id}/consultations", headers=crew).json_body["consultations"]
    return {c["consultation_id"]: [(p["hospital_id"], p["left_at"] is None) for p in c["participants"]] for c in listed}


def booking_status(client: Any, crew: dict[str, str], incident_id: str, booking_id: str) -> str:
    listed = client.http.get(f"/v1/incidents/{incident_id}/bookings", headers=crew).json_body["bookings"]
    return str(next(b["status"] for b in listed if b["booking_id"] == booking_id))


def status(client: Any, crew: dict[str, str], unit_id: str, body: dict[str, Any]) -> None:
    resp = post(client, f"/v1/units/{unit_id}/status", crew, body)
    assert resp.status_code == 200, resp.body


def test_a_cancelled_booking_ends_the_hospitals_access_and_seats_at_once(
    fleet: Any, client: Any, his: Any, local_video: None
) -> None:
    crew, booking = accepted_booking(client, fleet, "AMB01", "INC-AX1")
    receiving = hospital(fleet, booking["hospital_id"])
    assert portrait(client, receiving, "INC-AX1") == 200
    # A consultation with the accepting hospital rides on its booking; one with another hospital has its own grant.
    on_booking = post(client, "/v1/incidents/INC-AX1/consultations", crew, {"specialties": ["neurology"]}).json_body
    assert on_booking["hospital_id"] == booking["hospital_id"]
    other_id = "HOS07" if booking["hospital_id"] != "HOS07" else "HOS09"
    second = post(client, "/v1/incidents/INC-AX1/consultations", crew,
                  {"specialties": ["radiology"], "hospital_id": other_id}).json_body  # fmt: skip
    other = hospital(fleet, other_id)
    assert post(client, f"/v1/consultations/{on_booking['consultation_id']}/join", receiving, {}).status_code == 200
    assert post(client, f"/v1/consultations/{second['consultation_id']}/join", other, {}).status_code == 200

    cancelled = post(client, f"/v1/bookings/{booking['booking_id']}/cancel", crew, {"reason": "patient refused"})
    assert cancelled.status_code == 200 and cancelled.json_body["status"] == "cancelled"

    # At once: no wait for the grant's expiry or its TTL.
    refused = client.http.get("/v1/incidents/INC-AX1/portrait", headers=receiving)
    assert (refused.status_code, refused.json_body["error"]["code"]) == (403, "not_destination")
    assert client.http.get("/v1/incidents/INC-AX1/vitals", headers=receiving).status_code == 403
    rejoin = post(client, f"/v1/consultations/{on_booking['consultation_id']}/join", receiving, {})
    assert rejoin.status_code == 403
    now = seats(client, crew, "INC-AX1")
    assert (booking["hospital_id"], False) in now[on_booking["consultation_id"]]  # the seat ended with the access
    assert (other_id, True) in now[second["consultation_id"]]
    # The other hospital's consultation is another basis: untouched.
    assert portrait(client, other, "INC-AX1") == 200
    trail = [(e["action"], e["reason"]) for e in audit_of(client, fleet, "INC-AX1")]
    [revoked] = [r for a, r in trail if a == "access.revoked"]
    assert revoked.startswith(f"hospital:{booking['hospital_id']} booking:{booking['booking_id']}: cancelled")
    assert ("portrait.read.denied", "not_destination") in trail


def test_a_decline_leaves_a_grant_held_on_another_basis(fleet: Any, client: Any, his: Any, local_video: None) -> None:
    crew = stroke_at_the_tcm_hospital(client, fleet, "AMB04", "INC-AX2")
    # The experts of HOS01 are consulted first (their own grant), then the patient is offered to HOS01.
    consult = post(client, "/v1/incidents/INC-AX2/consultations", crew,
                   {"specialties": ["neurology"], "hospital_id": "HOS01"}).json_body  # fmt: skip
    experts = hospital(fleet, "HOS01")
    assert post(client, f"/v1/consultations/{consult['consultation_id']}/join", experts, {}).status_code == 200
    offer = post(client, "/v1/incidents/INC-AX2/bookings", crew, {"hospital_id": "HOS01"}).json_body
    declined = post(client, f"/v1/bookings/{offer['booking_id']}/decline", experts, {"reason": "no_capacity"})
    assert declined.status_code == 200 and declined.json_body["status"] == "declined"
    assert portrait(client, experts, "INC-AX2") == 200  # the consultation's grant is not the booking's
    assert ("HOS01", True) in seats(client, crew, "INC-AX2")[consult["consultation_id"]]

    # The next hospital accepts, then declines nothing more: a cancel by the desk ends its access only.
    next_id = declined.json_body["next_booking_id"]
    nxt = next(b for b in client.http.get("/v1/incidents/INC-AX2/bookings", headers=crew).json_body["bookings"]
               if b["booking_id"] == next_id)  # fmt: skip
    receiving = hospital(fleet, nxt["hospital_id"])
    assert post(client, f"/v1/bookings/{next_id}/accept", receiving, {}).status_code == 200
    assert portrait(client, receiving, "INC-AX2") == 200
    desk = fleet.token("dispatcher")
    assert post(client, f"/v1/bookings/{next_id}/cancel", desk, {"reason": "wrong patient"}).status_code == 200
    assert portrait(client, receiving, "INC-AX2") == 403
    assert portrait(client, experts, "INC-AX2") == 200


def test_the_crew_taking_the_patient_elsewhere_supersedes_the_booking(fleet: Any, client: Any, his: Any) -> None:
    crew, booking = accepted_booking(client, fleet, "AMB05", "INC-AX3")
    receiving = hospital(fleet, booking["hospital_id"])
    assert portrait(client, receiving, "INC-AX3") == 200
    elsewhere = "HOS09" if booking["hospital_id"] != "HOS09" else "HOS07"
    for step in ("en_route", "on_scene"):
        status(client, crew, "AMB05", {"status": step})
    status(client, crew, "AMB05", {"status": "transporting", "destination_id": elsewhere})

    assert portrait(client, receiving, "INC-AX3") == 403
    assert booking_status(client, crew, "INC-AX3", booking["booking_id"]) == "cancelled"
    topic = f"ems/hospitals/{booking['hospital_id']}/inbound"
    told = [m for t, m in fleet.publisher.sent if t == topic and m.get("type") == "booking_cancelled"]
    assert told and told[-1]["superseded"] is True and elsewhere in told[-1]["reason"]
    assert portrait(client, hospital(fleet, elsewhere), "INC-AX3") == 200  # the destination the crew named


def test_the_same_destination_keeps_the_booking(fleet: Any, client: Any, his: Any) -> None:
    crew, booking = accepted_booking(client, fleet, "AMB06", "INC-AX4")
    for step in ("en_route", "on_scene"):
        status(client, crew, "AMB06", {"status": step})
    status(client, crew, "AMB06", {"status": "transporting", "destination_id": booking["hospital_id"]})
    assert booking_status(client, crew, "INC-AX4", booking["booking_id"]) == "accepted"
    assert portrait(client, hospital(fleet, booking["hospital_id"]), "INC-AX4") == 200


def test_an_incident_that_closes_supersedes_its_open_booking(fleet: Any, client: Any, his: Any) -> None:
    crew, booking = accepted_booking(client, fleet, "AMB07", "INC-AX5")
    receiving = hospital(fleet, booking["hospital_id"])
    for step in ("en_route", "on_scene", "available"):  # treated and released at the scene
        status(client, crew, "AMB07", {"status": step})
    assert booking_status(client, fleet.token("dispatcher"), "INC-AX5", booking["booking_id"]) == "cancelled"
    assert portrait(client, receiving, "INC-AX5") == 403


def test_another_hospital_accepting_supersedes_the_first(fleet: Any, client: Any, his: Any) -> None:
    from chalicelib.bookings.service import offers as service

    crew, first = accepted_booking(client, fleet, "AMB08", "INC-AX6")
    h1 = hospital(fleet, first["hospital_id"])
    assert portrait(client, h1, "INC-AX6") == 200
    # An offer made in the same instant as the first (the workflow and the crew at once) is answered later.
    now = datetime.now(UTC)
    options = service._options("INC-AX6", now)
    other = next(o for o in options.options if o.hospital_id != first["hospital_id"])
    racing = service._offer("INC-AX6", options, other, None, [], "workflow", now)
    h2 = hospital(fleet, other.hospital_id)
    assert post(client, f"/v1/bookings/{racing.booking_id}/accept", h2, {}).status_code == 200

    assert portrait(client, h1, "INC-AX6") == 403
    assert portrait(client, h2, "INC-AX6") == 200
    assert booking_status(client, crew, "INC-AX6", first["booking_id"]) == "cancelled"


def test_a_handed_over_patient_keeps_the_hospitals_access_after_the_unit_leaves(
    fleet: Any, client: Any, his: Any
) -> None:
    crew, booking = accepted_booking(client, fleet, "AMB09", "INC-AX7")
    for step in ("en_route", "on_scene"):
        status(client, crew, "AMB09", {"status": step})
    status(client, crew, "AMB09", {"status": "transporting", "destination_id": booking["hospital_id"]})
    status(client, crew, "AMB09", {"status": "at_hospital"})
    handed = post(client, "/v1/incidents/INC-AX7/handover", crew, {})
    assert handed.status_code in (200, 201), handed.body
    status(client, crew, "AMB09", {"status": "available"})
    assert booking_status(client, fleet.token("dispatcher"), "INC-AX7", booking["booking_id"]) == "arrived"
    assert portrait(client, hospital(fleet, booking["hospital_id"]), "INC-AX7") == 200
