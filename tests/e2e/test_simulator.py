"""The ambulance simulator against the running devstack: a phoned-in incident is dispatched, the
simulated crew reports en route, drives there publishing valid positions at 1 Hz, sends vitals from
the scene, assesses the patient, transports to the hospital that accepted the workflow's offer, binds
the wristband, hands over and is back in service: the incident's execution ends `Admitted`. Fast
settings keep it short; it passes whether or not the platform detects arrivals itself (the crew
confirms them if not)."""

from __future__ import annotations

import json
import math
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import pairwise
from typing import Any

import pytest
import requests

from chalicelib.core.geo import distance_m
from chalicelib.telemetry import schemas
from devstack import tokens
from devstack.mqtt_client import MqttSubscriber
from devstack.seed.hospitals import hospitals
from devstack.sim_assess import band_id
from devstack.sim_drive import DriveSettings
from devstack.simulator import Simulator
from tests.e2e.conftest import Devstack

# Seconds, not minutes; the unit stays 6 s after the handover, time for the workflow to take it before
# the unit is free (back in service first would close the execution instead).
FAST = DriveSettings(speed_kmh=240.0, scene_s=3.0, handover_s=6.0, confirm_after_s=1.0, vitals_every_s=1.0,
                     assess_s=1.0, booking_wait_s=45.0, poll_s=1.0)  # fmt: skip
OFFSET_M = 300.0  # from the chosen unit: a drive of about 12 s, outside the hospital geofence (250 m)
HOSPITALS = [(h.hospital_id, h.lat, h.lon) for h in hospitals()]
# A chest pain goes to a chest pain centre, with 24/7 PCI when the ECG shows a STEMI: a unit based at a
# hospital with both takes its patient back there, whatever the simulated ECG shows.
CHEST_PAIN_READY = {h.hospital_id for h in hospitals() if {"chest_pain_center", "pci_24x7"} <= set(h.capabilities)}
# Counties other tests work in (dispatch: Xiangcheng; telemetry: Hua'an): a unit's fresh positions
# from this test would outdate the backdated fixes a telemetry test publishes.
BUSY_COUNTIES = {"350602", "350629"}


class Heard:
    """Every unit's device and dispatch topics, as a listener on the broker hears them."""

    def __init__(self, port: int) -> None:
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._sub = MqttSubscriber(
            host="127.0.0.1", port=port, client_id="e2e-sim-listener", topic_filter="ems/units/+/+",
            on_message=self._on_message,
        )  # fmt: skip
        self._sub.connect()

    def _on_message(self, topic: str, payload: bytes) -> None:
        with self._lock:
            self.messages.append((topic, json.loads(payload)))

    def on(self, topic: str) -> list[dict[str, Any]]:
        with self._lock:
            return [p for t, p in self.messages if t == topic]

    def close(self) -> None:
        self._sub.close()


def wait_for(what: str, check: Callable[[], Any], timeout_s: float) -> Any:
    deadline = time.monotonic() + timeout_s
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout_s} s")
        time.sleep(0.2)
    return result


def nearest_hospital_m(lat: float, lon: float) -> float:
    return min(distance_m(lat, lon, h_lat, h_lon) for _, h_lat, h_lon in HOSPITALS)


def nearest_hospital(lat: float, lon: float, within_m: float = 100.0) -> str | None:
    hospital_id, h_lat, h_lon = min(HOSPITALS, key=lambda h: distance_m(lat, lon, h[1], h[2]))
    return hospital_id if distance_m(lat, lon, h_lat, h_lon) < within_m else None


def choose_place(api: str, admin: dict[str, str]) -> tuple[str, dict[str, float]]:
    """A free ALS unit (incidents need ALS by default) far from every other one, based at a hospital
    that takes chest pains, and a place 300 m away: that unit gets the job and the whole round stays
    short (the hospital the workflow offers the patient to is the unit's own)."""
    units = requests.get(f"{api}/units?status=AVAILABLE", headers=admin, timeout=10).json()["units"]
    als = [u for u in units if u["type"] == "ALS"]

    def isolation(u: dict[str, Any]) -> float:
        p = u["position"]
        others = [distance_m(p["lat"], p["lon"], o["position"]["lat"], o["position"]["lon"]) for o in als if o is not u]
        return min(others, default=math.inf)

    candidates = [
        u
        for u in als
        if u["county"] not in BUSY_COUNTIES
        and nearest_hospital(u["position"]["lat"], u["position"]["lon"]) in CHEST_PAIN_READY
    ]
    unit = max(candidates, key=isolation)
    assert isolation(unit) > 3 * OFFSET_M, "no free unit stands apart from the others"
    lat, lon = unit["position"]["lat"], unit["position"]["lon"]
    d = OFFSET_M / math.sqrt(2) / 111_195.0  # north-east: degrees of latitude per metre
    return unit["unit_id"], {"lat": lat + d, "lon": lon + d / math.cos(math.radians(lat))}


@pytest.fixture
def heard(devstack: Devstack) -> Iterator[Heard]:
    listener = Heard(devstack.mqtt_port)
    yield listener
    listener.close()


def test_simulated_crew_drives_the_job_and_reports_over_mqtt(devstack: Devstack, heard: Heard) -> None:
    admin = {"Authorization": "Bearer " + tokens.issue(devstack.state_dir, "admin")}
    desk = {"Authorization": "Bearer " + tokens.issue(devstack.state_dir, "dispatcher")}
    expected_unit, place = choose_place(devstack.api, admin)
    sim = Simulator(
        api=devstack.api, mqtt_host="127.0.0.1", mqtt_port=devstack.mqtt_port, state_dir=devstack.state_dir,
        settings=FAST, client_id="e2e-simulator",
    )  # fmt: skip
    sim.start()
    incident_id, unit_id = "", expected_unit
    try:
        # Given a phoned-in incident 300 m from a free unit
        body = {"location": place, "symptoms": ["chest_pain"]}
        resp = requests.post(f"{devstack.api}/incidents", json=body, headers=desk, timeout=30)
        assert resp.status_code == 201, resp.text
        incident_id = resp.json()["incident_id"]

        # When the platform assigns a unit, the simulated crew reports en route and drives
        def assigned() -> str | None:
            jobs = [t for t, p in heard.messages if p.get("incident_id") == incident_id and t.endswith("/dispatch")]
            return jobs[0].split("/")[2] if jobs else None

        unit_id = wait_for("the crew's assignment", assigned, 20)
        telemetry, vitals = f"ems/units/{unit_id}/telemetry", f"ems/units/{unit_id}/vitals"
        wait_for("the first position", lambda: heard.on(telemetry), 10)
        unit = requests.get(f"{devstack.api}/units/{unit_id}", headers=admin, timeout=10).json()
        assert (unit["status"], unit["incident_id"]) == ("EN_ROUTE", incident_id)

        # Then it stops at the scene, and later is back in service after a hospital handover
        def at_scene() -> bool:
            return any(distance_m(p["lat"], p["lon"], place["lat"], place["lon"]) < 15 for p in heard.on(telemetry))

        wait_for("arrival on scene", at_scene, 30)

        def back_in_service() -> bool:
            view = requests.get(f"{devstack.api}/units/{unit_id}", headers=admin, timeout=10).json()
            return bool(view["status"] == "AVAILABLE")

        wait_for("back in service", back_in_service, 90)
        # And the incident's execution ran through the assessment, the acceptance and the handover
        states = wait_for("the execution's end", lambda: ended_states(devstack, incident_id), 30)
    finally:
        sim.stop()
        release(devstack, admin, desk, unit_id, incident_id)

    assert "Admitted" in states and "Closed" not in states, states
    for state in ("AwaitAssessment", "OfferHospital", "AwaitArrival", "AwaitHandover", "RecordKpis"):
        assert state in states, state
    check_care(devstack, desk, incident_id, heard.on(telemetry))
    check_positions(heard.on(telemetry), place)
    check_vitals(heard.on(vitals), incident_id)


def ended_states(devstack: Devstack, incident_id: str) -> list[str] | None:
    """The states the incident's execution entered, once it has ended successfully (None before)."""
    stack = json.loads((devstack.state_dir / "stack.json").read_text(encoding="utf-8"))
    arn = stack["state_machines"]["call_to_admission"].replace(":stateMachine:", ":execution:") + f":{incident_id}"
    sfn = devstack.aws("stepfunctions")
    status = sfn.describe_execution(executionArn=arn)["status"]
    if status == "RUNNING":
        return None
    assert status == "SUCCEEDED", status
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def check_care(devstack: Devstack, desk: dict[str, str], incident_id: str, positions: list[dict[str, Any]]) -> None:
    """The crew's assessment, the acceptance it drove to, the band and the handover, as the desk reads them."""
    api = f"{devstack.api}/incidents/{incident_id}"
    assessed = requests.get(f"{api}/assessments", headers=desk, timeout=10).json()
    # The crew's assessment among them (the order against other reports depends on the run's timing).
    assert "chest_pain" in {a["pathway"] for a in assessed["assessments"]}, assessed
    bookings = requests.get(f"{api}/bookings", headers=desk, timeout=10).json()["bookings"]
    [arrived] = [b for b in bookings if b["status"] == "arrived"]
    assert arrived["hospital_id"] == nearest_hospital(positions[-1]["lat"], positions[-1]["lon"], within_m=15)
    handover = requests.get(f"{api}/handover", headers=desk, timeout=10)
    assert handover.status_code == 200, handover.text
    assert handover.json()["hospital_id"] == arrived["hospital_id"]
    # The band the crew bound is the patient's: the hospital's door scanner reads it
    scope = f"hospital:{arrived['hospital_id']}"
    ed = {"Authorization": "Bearer " + tokens.issue(devstack.state_dir, "hospital", scope)}
    scan = requests.post(f"{devstack.api}/wristbands/{band_id(incident_id)}/scans", json={"node": "door"}, headers=ed,
                         timeout=10)  # fmt: skip
    assert scan.status_code == 201 and scan.json()["incident_id"] == incident_id, scan.text
    timeline = requests.get(f"{api}/timeline", headers=desk, timeout=10).json()
    nodes = {n["node"] for n in timeline["nodes"]}
    assert {"eTimes.06", "eTimes.11", "eTimes.13", "door"} <= nodes, nodes


def check_positions(positions: list[dict[str, Any]], place: dict[str, float]) -> None:
    parsed = [schemas.parse(f"ems/units/{p['unit_id']}/telemetry", p) for p in positions]
    assert [m.seq for m in parsed] == sorted({m.seq for m in parsed}), "seq must increase"
    # About 1 Hz, by the device clock
    times = [datetime.fromisoformat(p["ts"]).timestamp() for p in positions]
    gaps = [b - a for a, b in pairwise(times)]
    assert 0.9 <= statistics.median(gaps) <= 1.1 and max(gaps) < 3.0, gaps
    # Driving towards the scene, not teleporting: the distance shrinks fix after fix
    to_scene = [distance_m(p["lat"], p["lon"], place["lat"], place["lon"]) for p in positions]
    arrival = next(i for i, p in enumerate(positions) if i > 0 and p["speed_kmh"] == 0)
    assert arrival >= 5 and to_scene[0] > OFFSET_M * 0.9 and to_scene[arrival] < 1
    assert to_scene[arrival - 3] > to_scene[arrival - 2] > to_scene[arrival - 1] > to_scene[arrival]
    assert max(p["speed_kmh"] for p in positions) <= FAST.speed_kmh
    # And the round ended stopped at a hospital
    assert positions[-1]["speed_kmh"] == 0 and nearest_hospital_m(positions[-1]["lat"], positions[-1]["lon"]) < 15


def check_vitals(readings: list[dict[str, Any]], incident_id: str) -> None:
    parsed = [schemas.parse(f"ems/units/{r['unit_id']}/vitals", r) for r in readings]
    assert len(parsed) >= 3
    assert all(getattr(m, "incident_id", None) == incident_id for m in parsed)


def release(devstack: Devstack, admin: dict[str, str], desk: dict[str, str], unit_id: str, incident_id: str) -> None:
    """Leave the shared stack as found whatever happened: the incident closed, the unit free."""
    if incident_id:
        url = f"{devstack.api}/incidents/{incident_id}/cancel"
        requests.post(url, json={"reason": "test"}, headers=desk, timeout=10)
    for status in ("at_hospital", "available"):  # from transporting, on scene or at hospital
        url = f"{devstack.api}/units/{unit_id}/status"
        requests.post(url, json={"status": status}, headers=admin, timeout=10)
