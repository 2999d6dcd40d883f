"""The FHIR R4 adapter against the devstack's HIS simulator over real HTTP on loopback: what the
platform sends validates as FHIR, repeated requests create nothing twice, failures are named."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.bookings.adapters.his_fhir import FhirHospitalSystem
from chalicelib.bookings.ports import HisNotConnected, HisUnavailable
from devstack.his_sim import HisSimulator, parse_behaviours

BOOKING = {"booking_id": "BK1", "incident_id": "INC1", "hospital_id": "HOS01", "level": 2, "pathway": "stroke",
           "eta_s": 840}  # fmt: skip
ORDERS = [{"order_id": "BK1-1", "code": "bloods", "status": "active"},
          {"order_id": "BK1-2", "code": "ct_head", "status": "active"}]  # fmt: skip


@pytest.fixture
def his() -> Iterator[tuple[HisSimulator, list[tuple[str, str, str]]]]:
    answers: list[tuple[str, str, str]] = []
    sim = HisSimulator(host="127.0.0.1", port=0, behaviours=parse_behaviours("HOS09=down,*=manual,HOS02=accept"),
                       answer=lambda h, b, d: answers.append((h, b, d)), answer_delay_s=0)  # fmt: skip
    sim.start()
    yield sim, answers
    sim.stop()


def adapter(sim: HisSimulator, retries: int = 0) -> FhirHospitalSystem:
    return FhirHospitalSystem({h: sim.base_url(h) for h in ("HOS01", "HOS02", "HOS09")}, timeout_s=2, retries=retries)


def test_proposal_registration_and_orders_round_trip_and_repeat_safely(his: Any) -> None:
    sim, answers = his
    fhir = adapter(sim)
    fhir.propose("HOS01", BOOKING)
    fhir.propose("HOS01", BOOKING)  # a retried request: still one appointment
    assert list(sim.appointments) == [("HOS01", "BK1")]
    assert sim.appointments[("HOS01", "BK1")]["status"] == "proposed"
    reg = fhir.register("HOS01", BOOKING)
    assert reg.registration_no.startswith("HOS01-") and reg.payment_status == "pending"
    assert fhir.register("HOS01", BOOKING).registration_no == reg.registration_no  # the same registration
    assert sim.appointments[("HOS01", "BK1")]["status"] == "booked"
    ids = fhir.order("HOS01", BOOKING, ORDERS)
    assert len(ids) == 2 and all(i.startswith("ServiceRequest/") for i in ids)
    assert fhir.order("HOS01", BOOKING, ORDERS) == ids  # conditional creates: no duplicate orders
    assert answers == []  # manual: nobody answers for the hospital
    handover = {"resourceType": "Bundle", "type": "collection", "identifier": {"system": "urn:ems:handover",
                "value": "INC1"}, "entry": []}  # fmt: skip
    fhir.hand_over("HOS01", handover)
    fhir.hand_over("HOS01", handover)
    assert list(sim.handovers) == [("HOS01", "INC1")]


def test_a_hospital_configured_to_accept_answers_through_the_platform(his: Any) -> None:
    sim, answers = his
    adapter(sim).propose("HOS02", {**BOOKING, "hospital_id": "HOS02"})
    deadline = time.monotonic() + 5
    while not answers and time.monotonic() < deadline:
        time.sleep(0.05)
    assert answers == [("HOS02", "BK1", "accept")]


def test_failures_are_named_and_never_carry_patient_data(his: Any) -> None:
    sim, _ = his
    with pytest.raises(HisUnavailable) as down:
        adapter(sim, retries=1).register("HOS09", BOOKING)
    assert "503" in down.value.reason or "MaxRetryError" in down.value.reason
    with pytest.raises(HisNotConnected):
        adapter(sim).propose("HOS05", BOOKING)
    with pytest.raises(HisUnavailable) as missing:
        adapter(sim).register("HOS01", {**BOOKING, "booking_id": "BK-UNKNOWN"})
    assert "404" in missing.value.reason and "INC1" not in missing.value.reason
    status, outcome = sim.handle(
        "POST", "/his/HOS01/Appointment", b'{"resourceType": "Appointment", "status": "bogus"}'
    )
    assert status == 422 and outcome["resourceType"] == "OperationOutcome"
