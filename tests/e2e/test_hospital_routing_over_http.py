"""Qualified-hospital routing end to end over HTTP on the devstack, with its hospital information systems:
a large-vessel stroke beside a hospital without thrombectomy is routed past it; the workflow offers the
nearest thrombectomy centre (HOS01, configured full), which declines through its system, and the offer
moves on; the next (HOS02) accepts, pre-registers the patient and takes the pre-orders; its board shows
the patient; on arrival the crew hands over a FHIR bundle that validates and reaches the hospital's system."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from chalicelib.handover.bundle import validate
from tests.e2e.conftest import Devstack

pytestmark = pytest.mark.e2e
SCENE = {"lat": 24.5150, "lon": 117.6530}  # 300 m from the TCM hospital (HOS04), which cannot thrombectomise


def wait(what: str, check: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if got := check():
            return got
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_stroke_is_routed_past_the_nearer_hospital_declined_and_accepted(devstack: Devstack) -> None:
    api, desk = devstack.api, devstack.token("dispatcher")
    created = requests.post(f"{api}/incidents", json={"location": SCENE, "symptoms": ["stroke_signs"]}, headers=desk,
                            timeout=30)  # fmt: skip
    assert created.status_code == 201, created.text
    incident_id = created.json()["incident_id"]

    def assigned() -> str | None:
        view = requests.get(f"{api}/incidents/{incident_id}", headers=desk, timeout=10).json()
        return ((view.get("dispatch") or {}).get("assignment") or {}).get("unit_id")

    unit_id = wait("a unit", assigned)
    crew = devstack.token("crew", f"unit:{unit_id}")
    try:
        for status in ("en_route", "on_scene"):
            moved = requests.post(f"{api}/units/{unit_id}/status", json={"status": status}, headers=crew, timeout=10)
            assert moved.status_code == 200, moved.text
        fix = {**SCENE, "at": datetime.now(UTC).isoformat()}
        assert requests.post(f"{api}/units/{unit_id}/position", json=fix, headers=crew, timeout=10).json()["accepted"]
        onset = (datetime.now(UTC) - timedelta(minutes=70)).isoformat()
        findings = {"be_fast": True, "lams": 5, "last_known_well": onset}
        body = {"vitals": {"hr": 96, "sbp": 182, "spo2": 96, "rr": 18}, "findings": findings}
        assert requests.post(f"{api}/incidents/{incident_id}/assessments", json=body, headers=crew,
                             timeout=10).status_code == 201  # fmt: skip

        options = requests.get(f"{api}/incidents/{incident_id}/hospital-options", headers=crew, timeout=10).json()
        assert [o["hospital_id"] for o in options["options"]] == ["HOS01", "HOS02"]
        assert "stroke_thrombectomy" in {c for s in options["skipped"] if s["hospital_id"] == "HOS04"
                                         for c in s["missing"]}  # fmt: skip

        # The workflow offers the patient to the top option itself once the crew has assessed.
        def offered() -> list[dict[str, Any]]:
            return list(
                requests.get(f"{api}/incidents/{incident_id}/bookings", headers=crew, timeout=10).json()["bookings"]
            )

        first = wait("the workflow's offer", offered)[0]
        assert first["hospital_id"] == "HOS01", first

        def accepted() -> dict[str, Any] | None:
            listed = requests.get(f"{api}/incidents/{incident_id}/bookings", headers=crew, timeout=10).json()
            # Accepted, and the hospital's system has answered (registration follows the acceptance).
            return next((b for b in listed["bookings"] if b["status"] == "accepted" and b["his_status"]), None)

        booking = wait("an acceptance and its registration", accepted)
        history = requests.get(f"{api}/incidents/{incident_id}/bookings", headers=crew, timeout=10).json()["bookings"]
        assert [(b["hospital_id"], b["status"]) for b in history] == [("HOS01", "declined"), ("HOS02", "accepted")]
        assert history[0]["decline_reason"] == "no_capacity"
        assert booking["his_status"] == "ok" and booking["registration_no"].startswith("HOS02-")
        assert all(o["his_id"] for o in booking["orders"]) and "neurointervention" in booking["teams"]

        ed = devstack.token("hospital", "hospital:HOS02")
        board = requests.get(f"{api}/hospitals/HOS02/inbound", headers=ed, timeout=10).json()
        [patient] = [p for p in board["patients"] if p["incident_id"] == incident_id]
        assert patient["status"] == "accepted" and patient["eta_s"] > 0 and patient["pathway"] == "stroke"
        portrait = requests.get(f"{api}{patient['portrait'].removeprefix('/v1')}", headers=ed, timeout=10)
        assert portrait.status_code == 200 and portrait.json()["level"] <= 2

        for status in ("transporting", "at_hospital"):
            body = {"status": status, **({"destination_id": "HOS02"} if status == "transporting" else {})}
            moved = requests.post(f"{api}/units/{unit_id}/status", json=body, headers=crew, timeout=10)
            assert moved.status_code == 200, moved.text
        handover = requests.post(f"{api}/incidents/{incident_id}/handover", headers=crew, timeout=30)
        assert handover.status_code == 201, handover.text
        validate(handover.json()["bundle"])
        assert handover.json()["his_status"] == "ok"
        back = requests.post(f"{api}/units/{unit_id}/status", json={"status": "available"}, headers=crew, timeout=10)
        assert back.status_code == 200, back.text  # the shared stack's fleet as it was
    finally:
        requests.post(f"{api}/incidents/{incident_id}/cancel", json={"reason": "routing test done"}, headers=desk,
                      timeout=30)  # fmt: skip
