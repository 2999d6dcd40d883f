"""Many simultaneous incidents and few free units, over real HTTP against the running devstack:
every unit is claimed at most once, every incident is assigned or waiting, and the crews
hear about it over MQTT."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.e2e.conftest import Devstack

FREE = ("AMB01", "AMB04", "AMB06")  # the only units left free in the whole city (ALS, Xiangcheng)
INCIDENTS = 10
CENTRE = (24.50, 117.63)  # Xiangcheng: the incidents and the free units share a county


class CrewTerminals:
    """Every unit's dispatch topic, as the onboard terminals subscribe to it (QoS 1)."""

    def __init__(self, port: int) -> None:
        from devstack.mqtt_client import MqttSubscriber

        self.messages: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._sub = MqttSubscriber(
            host="127.0.0.1", port=port, client_id="crew-terminals", topic_filter="ems/units/+/dispatch",
            on_message=self._on_message,
        )  # fmt: skip
        self._sub.connect()  # returns once the broker acknowledged the subscription

    def _on_message(self, topic: str, payload: bytes) -> None:
        with self._lock:
            self.messages.append((topic, json.loads(payload)))

    def assignments(self) -> dict[str, str]:
        """incident -> unit, from the messages received so far."""
        with self._lock:
            return {p["incident_id"]: t.split("/")[2] for t, p in self.messages if p.get("type") == "assignment"}

    def close(self) -> None:
        self._sub.close()


def _status(devstack: Devstack, headers: dict[str, str], unit_id: str, status: str) -> int:
    url = f"{devstack.api}/units/{unit_id}/status"
    return requests.post(url, json={"status": status}, headers=headers, timeout=10).status_code


@pytest.fixture
def small_fleet(devstack: Devstack) -> Iterator[list[str]]:
    """Take every other free unit off the road for the test; put them back afterwards."""
    admin = devstack.token("admin")
    # Earlier tests' calls in this county hold its units: clear the board first, as a desk would.
    board = requests.get(f"{devstack.api}/incidents?county=350602", headers=admin, timeout=10).json()["incidents"]
    for inc in board:
        url = f"{devstack.api}/incidents/{inc['incident_id']}/cancel"
        requests.post(url, json={"reason": "clearing the demo board"}, headers=admin, timeout=10)
    units = requests.get(f"{devstack.api}/units?status=AVAILABLE", headers=admin, timeout=10).json()["units"]
    parked = [u["unit_id"] for u in units if u["unit_id"] not in FREE]
    assert {u["unit_id"] for u in units} >= set(FREE)
    for unit_id in parked:
        assert _status(devstack, admin, unit_id, "out_of_service") == 200
    yield parked
    for unit_id in parked:
        _status(devstack, admin, unit_id, "available")


def test_simultaneous_incidents_never_share_a_unit(devstack: Devstack, small_fleet: list[str]) -> None:
    desk = devstack.token("dispatcher")
    terminals = CrewTerminals(devstack.mqtt_port)
    incidents: list[str] = []

    def views() -> list[dict[str, Any]]:
        return [requests.get(f"{devstack.api}/incidents/{i}", headers=desk, timeout=10).json() for i in incidents]

    try:
        places = [{"lat": CENTRE[0] + 0.006 * (i % 5), "lon": CENTRE[1] + 0.006 * (i // 5)} for i in range(INCIDENTS)]

        def open_incident(where: dict[str, float]) -> str:
            body = {"location": where, "symptoms": ["chest_pain"]}
            resp = requests.post(f"{devstack.api}/incidents", json=body, headers=desk, timeout=30)
            assert resp.status_code == 201, resp.text
            return str(resp.json()["incident_id"])

        with ThreadPoolExecutor(max_workers=INCIDENTS) as pool:
            incidents.extend(pool.map(open_incident, places))
        assert len(set(incidents)) == INCIDENTS

        deadline = time.monotonic() + 90
        while True:
            seen = views()
            done = [v for v in seen if v["status"] == "waiting" or v["dispatch"]["assignment"]]
            if (len(done) == INCIDENTS and len(terminals.assignments()) >= len(FREE)) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assigned = {v["incident_id"]: v["dispatch"]["assignment"]["unit_id"] for v in seen if v["status"] == "assigned"}
        # Every unit at most once, all three used, everything else visibly waiting.
        assert sorted(assigned.values()) == sorted(FREE), seen
        assert sum(v["status"] == "waiting" for v in seen) == INCIDENTS - len(FREE)
        # The fleet agrees, and each crew was told exactly its own incident.
        for incident_id, unit_id in assigned.items():
            unit = requests.get(f"{devstack.api}/units/{unit_id}", headers=desk, timeout=10).json()
            assert unit["status"] == "ASSIGNED" and unit["incident_id"] == incident_id
        assert terminals.assignments() == {i: u for i, u in assigned.items()}

        # Cancelling an assigned incident hands its unit to the longest wait, without any poll.
        first_waiting = min(
            (v for v in seen if v["status"] == "waiting"),
            key=lambda v: (v["dispatch"]["waiting_since"], v["incident_id"]),
        )
        cancelled, unit_id = next(iter(assigned.items()))
        resp = requests.post(
            f"{devstack.api}/incidents/{cancelled}/cancel", json={"reason": "test"}, headers=desk, timeout=10
        )
        assert resp.status_code == 200 and resp.json()["freed_unit_id"] == unit_id
        deadline = time.monotonic() + 30
        while terminals.assignments().get(first_waiting["incident_id"]) != unit_id and time.monotonic() < deadline:
            time.sleep(0.2)
        assert terminals.assignments().get(first_waiting["incident_id"]) == unit_id
    finally:
        terminals.close()
        # Leave the shared stack as found: waiting incidents first, so freed units are not re-claimed.
        for v in sorted(views(), key=lambda v: v["status"] != "waiting"):
            requests.post(
                f"{devstack.api}/incidents/{v['incident_id']}/cancel", json={"reason": "test"}, headers=desk, timeout=10
            )
