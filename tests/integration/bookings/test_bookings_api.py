"""Bookings over the API against moto: the offer, a decline moving to the next option, acceptance with
pre-registration, pre-orders, green channel and access to the record, the inbound board, the timeout.

The hospital information system is a recording stand-in here; the FHIR adapter against a real HTTP
server is tested in tests/integration/bookings/test_his_fhir.py and end to end on the devstack.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.bookings.ports import HisUnavailable, HospitalSystem, Registration
from tests.integration.fleet import test_fleet_api
from tests.integration.fleet.test_fleet_api import assign

fleet = test_fleet_api.fleet  # the seeded-fleet fixture


class RecordingHis(HospitalSystem):
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.down: set[str] = set()

    def propose(self, hospital_id: str, booking: dict[str, Any]) -> None:
        self.calls.append(("propose", hospital_id, booking["booking_id"]))

    def register(self, hospital_id: str, booking: dict[str, Any]) -> Registration:
        if hospital_id in self.down:
            raise HisUnavailable("POST /Appointment: HTTP 503")
        self.calls.append(("register", hospital_id, booking["booking_id"]))
        return Registration(registration_no=f"R-{hospital_id}-0001", payment_status="pending")

    def order(self, hospital_id: str, booking: dict[str, Any], orders: list[dict[str, Any]]) -> list[str]:
        self.calls.append(("order", hospital_id, booking["booking_id"]))
        return [f"ServiceRequest/{o['order_id']}" for o in orders]

    def hand_over(self, hospital_id: str, bundle: dict[str, Any]) -> None:
        self.calls.append(("hand_over", hospital_id, bundle["identifier"]["value"]))


@pytest.fixture
def his(fleet: Any) -> Iterator[RecordingHis]:
    from chalicelib.bookings.wiring import use_his

    fake = RecordingHis()
    use_his(fake)
    yield fake
    use_his(None)


def post(client: Any, path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.http.post(path, headers={**headers, "Content-Type": "application/json"}, body=json.dumps(body))


def stroke_at_the_tcm_hospital(client: Any, fleet: Any, unit_id: str, incident_id: str) -> dict[str, str]:
    """A large-vessel stroke, the unit beside the thrombolysis-only TCM hospital; returns the crew token."""
    assign(unit_id, incident_id)
    crew = fleet.token("crew", f"unit:{unit_id}")
    fix = {"lat": 24.5165, "lon": 117.6562, "at": datetime.now(UTC).isoformat()}
    assert post(client, f"/v1/units/{unit_id}/position", crew, fix).json_body["accepted"]
    onset = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    findings = {"be_fast": True, "lams": 5, "last_known_well": onset}
    assert post(client, f"/v1/incidents/{incident_id}/assessments", crew, {"findings": findings}).status_code == 201
    return crew


def hospital(fleet: Any, hospital_id: str) -> dict[str, str]:
    return fleet.token("hospital", f"hospital:{hospital_id}")


def test_a_decline_moves_to_the_next_option_and_acceptance_readies_the_hospital(
    fleet: Any, client: Any, his: RecordingHis
) -> None:
    crew = stroke_at_the_tcm_hospital(client, fleet, "AMB01", "INC-BK")
    resp = post(client, "/v1/incidents/INC-BK/bookings", crew, {"orders": ["ecg"]})
    assert resp.status_code == 201, resp.body
    first = resp.json_body
    assert first["status"] == "offered" and first["rank"] == 1 and first["qualified"]
    assert first["hospital_id"] in ("HOS01", "HOS02")
    assert [o["code"] for o in first["orders"]] == ["bloods", "ecg", "ct_head", "ct_angiography"]
    assert all(o["status"] == "draft" for o in first["orders"])
    offers = [(t, m) for t, m in fleet.publisher.sent if m.get("type") == "booking_offered"]
    assert offers[-1][0] == f"ems/hospitals/{first['hospital_id']}/inbound"
    assert "name" not in offers[-1][1] and offers[-1][1]["pathway"] == "stroke"  # no identity before acceptance
    assert ("propose", first["hospital_id"], first["booking_id"]) in his.calls
    again = post(client, "/v1/incidents/INC-BK/bookings", crew, {})
    assert (again.status_code, again.json_body["error"]["code"]) == (409, "booking_open")

    # The first hospital cannot see the patient before accepting, and declines.
    h1 = hospital(fleet, first["hospital_id"])
    assert client.http.get("/v1/incidents/INC-BK/portrait", headers=h1).status_code == 403
    declined = post(client, f"/v1/bookings/{first['booking_id']}/decline", h1, {"reason": "no_capacity"})
    assert declined.status_code == 200, declined.body
    assert declined.json_body["status"] == "declined" and declined.json_body["next_booking_id"]
    second_id = declined.json_body["next_booking_id"]
    listed = client.http.get("/v1/incidents/INC-BK/bookings", headers=crew).json_body["bookings"]
    second = next(b for b in listed if b["booking_id"] == second_id)
    assert second["status"] == "offered" and second["hospital_id"] != first["hospital_id"]
    assert second["hospital_id"] in ("HOS01", "HOS02")  # still a thrombectomy centre, never the nearer TCM

    # Only that hospital may answer, once.
    wrong = post(client, f"/v1/bookings/{second_id}/accept", h1, {})
    assert wrong.json_body["error"]["code"] == "scope_denied"
    h2 = hospital(fleet, second["hospital_id"])
    accepted = post(client, f"/v1/bookings/{second_id}/accept", h2, {"note": "stroke team called"})
    assert accepted.status_code == 200, accepted.body
    got = accepted.json_body
    assert got["status"] == "accepted" and got["registration_no"] == f"R-{second['hospital_id']}-0001"
    assert got["his_status"] == "ok" and got["payment_status"] == "pending"
    assert all(o["status"] == "active" and o["his_id"] for o in got["orders"])
    assert got["teams"] == ["stroke_team", "ct", "neurointervention"]
    twice = post(client, f"/v1/bookings/{second_id}/accept", h2, {})
    assert (twice.status_code, twice.json_body["error"]["code"]) == (409, "booking_not_open")

    # Acceptance shares the record, readies the teams, tells the crew and fills the board.
    assert client.http.get("/v1/incidents/INC-BK/portrait", headers=h2).status_code == 200
    kinds = [(t, m["type"]) for t, m in fleet.publisher.sent if m.get("booking_id") == second_id]
    assert (f"ems/hospitals/{second['hospital_id']}/inbound", "green_channel") in kinds
    assert ("ems/units/AMB01/dispatch", "booking_accepted") in kinds
    board = client.http.get(f"/v1/hospitals/{second['hospital_id']}/inbound", headers=h2).json_body
    [patient] = [p for p in board["patients"] if p["incident_id"] == "INC-BK"]
    assert patient["status"] == "accepted" and patient["portrait"] == "/v1/incidents/INC-BK/portrait"
    assert patient["eta_s"] > 0 and patient["pathway"] == "stroke" and patient["registration_no"]


def test_no_answer_in_time_expires_the_offer_and_offers_the_next(fleet: Any, client: Any, his: RecordingHis) -> None:
    from chalicelib.bookings.routes import booking_timeout
    from chalicelib.bookings.service import expire

    crew = stroke_at_the_tcm_hospital(client, fleet, "AMB02", "INC-TO")
    offer = post(client, "/v1/incidents/INC-TO/bookings", crew, {}).json_body
    assert booking_timeout.domain_function({"booking_id": offer["booking_id"]}) == {
        "booking_id": offer["booking_id"],
        "expired": False,
    }
    later = datetime.fromisoformat(offer["answer_by"]) + timedelta(seconds=1)
    view = expire(offer["booking_id"], later)
    assert view is not None and view.status == "expired" and view.next_booking_id
    assert expire(offer["booking_id"], later) is None  # once
    listed = client.http.get("/v1/incidents/INC-TO/bookings", headers=crew).json_body["bookings"]
    assert [b["status"] for b in listed] == ["expired", "offered"]

    # The second expires too: no thrombectomy centre is left, and the county desk is told.
    second = listed[1]
    assert expire(second["booking_id"], later + timedelta(minutes=5)) is not None
    alerts = [m for _, m in fleet.publisher.sent if m.get("type") == "no_hospital_accepted"]
    assert alerts and alerts[-1]["incident_id"] == "INC-TO"


def test_an_information_system_down_still_accepts_and_says_so(fleet: Any, client: Any, his: RecordingHis) -> None:
    crew = stroke_at_the_tcm_hospital(client, fleet, "AMB05", "INC-HIS")
    offer = post(client, "/v1/incidents/INC-HIS/bookings", crew, {}).json_body
    his.down.add(offer["hospital_id"])
    got = post(client, f"/v1/bookings/{offer['booking_id']}/accept", hospital(fleet, offer["hospital_id"]), {})
    assert got.status_code == 200, got.body
    assert got.json_body["status"] == "accepted" and got.json_body["his_status"] == "failed"
    assert got.json_body["registration_no"] is None  # the ED registers by hand; the board shows it


def test_a_chosen_hospital_must_exist_and_others_cannot_book(fleet: Any, client: Any, his: RecordingHis) -> None:
    crew = stroke_at_the_tcm_hospital(client, fleet, "AMB06", "INC-PICK")
    bad = post(client, "/v1/incidents/INC-PICK/bookings", crew, {"hospital_id": "HOS99"})
    assert bad.status_code == 422 and bad.json_body["error"]["code"] == "unknown_hospital"
    assert post(client, "/v1/incidents/INC-PICK/bookings", fleet.token("crew", "unit:AMB07"), {}).status_code == 403
    # The desk may send the patient to a hospital that is not qualified (it knows something the rules do not).
    picked = post(client, "/v1/incidents/INC-PICK/bookings", fleet.token("dispatcher"), {"hospital_id": "HOS04"})
    assert picked.status_code == 201 and picked.json_body["qualified"] is False and picked.json_body["rank"] is None
    cancel = post(client, f"/v1/bookings/{picked.json_body['booking_id']}/cancel", crew, {"reason": "family choice"})
    assert cancel.status_code == 200 and cancel.json_body["status"] == "cancelled"


def test_on_arrival_the_crew_hands_over_a_valid_fhir_bundle(fleet: Any, client: Any, his: RecordingHis) -> None:
    from chalicelib.handover.bundle import validate
    from tests.unit.archive.test_archive import ID_NUMBER, resident_bundle

    assert post(client, "/v1/archive/bundles", fleet.token("admin"), resident_bundle()).status_code == 201
    crew = stroke_at_the_tcm_hospital(client, fleet, "AMB08", "INC-HO")
    assert post(client, "/v1/incidents/INC-HO/patient", crew, {"id_number": ID_NUMBER}).json_body["matched"]
    early = post(client, "/v1/incidents/INC-HO/handover", crew, {})
    assert (early.status_code, early.json_body["error"]["code"]) == (409, "no_accepted_booking")
    offer = post(client, "/v1/incidents/INC-HO/bookings", crew, {}).json_body
    ed = hospital(fleet, offer["hospital_id"])
    assert post(client, f"/v1/bookings/{offer['booking_id']}/accept", ed, {}).status_code == 200

    resp = post(client, "/v1/incidents/INC-HO/handover", crew, {})
    assert resp.status_code == 201, resp.body
    got = resp.json_body
    validate(got["bundle"])
    kinds = [e["resource"]["resourceType"] for e in got["bundle"]["entry"]]
    assert {"Patient", "Encounter", "Observation", "Condition", "AllergyIntolerance", "ServiceRequest"} <= set(kinds)
    assert kinds.count("ServiceRequest") == len(offer["orders"]) and got["his_status"] == "ok"
    assert ID_NUMBER not in json.dumps(got["bundle"])
    assert ("hand_over", offer["hospital_id"], "INC-HO") in his.calls
    listed = client.http.get("/v1/incidents/INC-HO/bookings", headers=crew).json_body["bookings"]
    assert listed[-1]["status"] == "arrived"
    again = client.http.get("/v1/incidents/INC-HO/handover", headers=ed)
    assert again.status_code == 200 and again.json_body["bundle"] == got["bundle"]
    assert post(client, "/v1/incidents/INC-HO/handover", crew, {}).status_code == 409  # once


def test_a_hospital_refers_its_patient_down_and_the_record_follows_the_acceptance(
    fleet: Any, client: Any, his: RecordingHis
) -> None:
    crew = stroke_at_the_tcm_hospital(client, fleet, "AMB09", "INC-REF")
    offer = post(client, "/v1/incidents/INC-REF/bookings", crew, {}).json_body
    centre = hospital(fleet, offer["hospital_id"])
    assert post(client, f"/v1/bookings/{offer['booking_id']}/accept", centre, {}).status_code == 200

    rehab = hospital(fleet, "HOS04")
    body = {"to_hospital_id": "HOS04", "direction": "down", "reason": "after thrombectomy, rehabilitation near home"}
    stranger = post(client, "/v1/incidents/INC-REF/referrals", hospital(fleet, "HOS07"), body)
    assert stranger.status_code == 403  # a hospital without the patient cannot refer them
    itself = post(client, "/v1/incidents/INC-REF/referrals", centre, {**body, "to_hospital_id": offer["hospital_id"]})
    assert itself.status_code == 422 and itself.json_body["error"]["code"] == "same_hospital"
    resp = post(client, "/v1/incidents/INC-REF/referrals", centre, body)
    assert resp.status_code == 201, resp.body
    referral = resp.json_body
    assert referral["kind"] == "referral" and referral["referred_by"] == offer["hospital_id"]
    assert referral["direction"] == "down" and referral["status"] == "offered"
    board = client.http.get("/v1/hospitals/HOS04/inbound", headers=rehab).json_body["patients"]
    assert [(p["kind"], p["referred_by"]) for p in board if p["incident_id"] == "INC-REF"] == [
        ("referral", offer["hospital_id"])
    ]
    assert client.http.get("/v1/incidents/INC-REF/portrait", headers=rehab).status_code == 403

    accepted = post(client, f"/v1/bookings/{referral['booking_id']}/accept", rehab, {})
    assert accepted.status_code == 200 and accepted.json_body["registration_no"] == "R-HOS04-0001"
    assert client.http.get("/v1/incidents/INC-REF/portrait", headers=rehab).status_code == 200
    told = [m for t, m in fleet.publisher.sent if t == f"ems/hospitals/{offer['hospital_id']}/inbound"]
    assert told[-1]["type"] == "referral_accepted" and told[-1]["referred_to"] == "HOS04"
    trail = client.http.get("/v1/audit?subject=incident%3AINC-REF&limit=100", headers=fleet.token("admin"))
    actions = [e["action"] for e in trail.json_body["events"]]
    assert "referral.create" in actions and "portrait.read" in actions and "portrait.read.denied" in actions
