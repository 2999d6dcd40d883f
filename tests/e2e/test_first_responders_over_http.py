"""A volunteer's cardiac-arrest alert over the running devstack: the push over MQTT, the alert over HTTP,
accept, report, and the stand-down when the dispatcher cancels the job."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import requests

from tests.e2e.conftest import Devstack

# Xiangcheng, on a street the seeded volunteers leave quiet; the volunteer stands 80 m north.
PATIENT = {"lat": 24.5243, "lon": 117.6412}
VOLUNTEER = {"lat": PATIENT["lat"] + 80 / 111_195, "lon": PATIENT["lon"]}


class Phone:
    """The volunteer app's push channel: `ems/volunteers/{id}/alerts`."""

    def __init__(self, port: int, volunteer_id: str) -> None:
        from devstack.mqtt_client import MqttSubscriber

        self.pushes: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._sub = MqttSubscriber(
            host="127.0.0.1", port=port, client_id=f"phone-{volunteer_id}",
            topic_filter=f"ems/volunteers/{volunteer_id}/alerts", on_message=self._on_message,
        )  # fmt: skip
        self._sub.connect()

    def _on_message(self, topic: str, payload: bytes) -> None:
        with self._lock:
            self.pushes.append(json.loads(payload))

    def wait(self, kind: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [p for p in self.pushes if p["type"] == kind]
            if found:
                return found[-1]
            time.sleep(0.1)
        raise AssertionError(f"no {kind} push")

    def close(self) -> None:
        self._sub.close()


def test_a_volunteer_is_pushed_accepts_reports_and_is_stood_down(devstack: Devstack) -> None:
    api, vid = devstack.api, f"E2E{uuid.uuid4().hex[:6]}"
    admin, desk = devstack.token("admin"), devstack.token("dispatcher")
    me = devstack.token("volunteer", f"volunteer:{vid}")
    registration = {"volunteer_id": vid, "name": "测试志愿者", "phone": "13700000000", "tier": "registered",
                    "cert_no": "ZZHS2025000001", "cert_expiry": "2028-05-31", "county": "350602"}  # fmt: skip
    assert requests.post(f"{api}/volunteers", json=registration, headers=admin, timeout=10).status_code == 201
    duty = requests.put(f"{api}/volunteers/me/duty", json={"on_duty": True, **VOLUNTEER}, headers=me, timeout=10)
    assert duty.status_code == 200, duty.text
    phone = Phone(devstack.mqtt_port, vid)
    incident_id = None
    try:
        body = {"location": PATIENT, "symptoms": ["cardiac_arrest"]}
        created = requests.post(f"{api}/incidents", json=body, headers=desk, timeout=10)
        assert created.status_code == 201, created.text
        incident_id = created.json()["incident_id"]

        # The push says only that there is an alert; the app reads it over the API
        push = phone.wait("alert")
        assert set(push) == {"schema", "type", "alert_id", "reason"}
        alerts = requests.get(f"{api}/volunteers/me/alerts", headers=me, timeout=10).json()["alerts"]
        alert = next(a for a in alerts if a["alert_id"] == push["alert_id"])
        assert alert["status"] == "offered" and alert["place"]["exact"] is False and 70 <= alert["distance_m"] <= 90

        accepted = requests.post(f"{api}/alerts/{alert['alert_id']}/accept", headers=me, timeout=10).json()
        assert accepted["place"] == {**PATIENT, "address": None, "exact": True}
        report = requests.post(f"{api}/alerts/{alert['alert_id']}/status", json={"node": "en_route"}, headers=me,
                               timeout=10)  # fmt: skip
        assert report.status_code == 200 and "en_route" in report.json()["nodes"]

        seen = requests.get(f"{api}/incidents/{incident_id}/volunteers", headers=desk, timeout=10).json()
        ours = next(v for v in seen["volunteers"] if v["volunteer_id"] == vid)
        assert ours["status"] == "accepted" and ours["phone"] == "13700000000"
        timeline = requests.get(f"{api}/incidents/{incident_id}/timeline", headers=desk, timeout=10).json()
        assert f"volunteer.{vid}.en_route" in {n["node"] for n in timeline["nodes"]}
    finally:
        if incident_id:
            requests.post(f"{api}/incidents/{incident_id}/cancel", json={"reason": "test"}, headers=desk, timeout=10)
    try:
        assert phone.wait("stand_down")["reason"] == "closed"
    finally:
        phone.close()
        requests.put(f"{api}/volunteers/me/duty", json={"on_duty": False}, headers=me, timeout=10)
