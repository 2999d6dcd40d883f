"""`make demo`: one stroke patient from the doorplate scan to admission, on the running local stack.

Everything goes through the platform's own API, as the resident, the crew and the hospital would use
it; the call-to-admission workflow, dispatch, the hospital systems and the geofence do the rest. The
demo plays the crew of the unit it is given (the ambulance simulator leaves that job alone), so the
scenario takes about a minute instead of a real drive. It prints each step and, at the end, the
timeline with its intervals against their targets.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from devstack import tokens
from devstack.seed.generate import generate
from devstack.seed.hospitals import hospitals

SCENE = (24.5150, 117.6530)  # the city centre, 300 m from the TCM hospital (no thrombectomy)
HOLD = "simulator-hold.json"


class Demo:
    def __init__(self, state_dir: Path, out: Callable[[str], None] = print, pause_s: float = 1.0) -> None:
        stack = json.loads((state_dir / "stack.json").read_text(encoding="utf-8"))
        self.api, self.state_dir, self.out, self.pause_s = stack["api"], state_dir, out, pause_s
        self.addresses = int(stack.get("addresses", 3000))
        self.http = requests.Session()

    def token(self, role: str, scope: str | None = None) -> dict[str, str]:
        return {"Authorization": "Bearer " + tokens.issue(self.state_dir, role, scope, subject=f"demo-{role}")}

    def call(self, method: str, path: str, headers: dict[str, str] | None = None, body: Any = None) -> Any:
        resp = self.http.request(method, self.api + path, json=body, headers=headers or {}, timeout=30)
        if resp.status_code >= 300:
            raise RuntimeError(f"{method} {path}: HTTP {resp.status_code} {resp.text[:300]}")
        return resp.json()

    def wait(self, what: str, check: Callable[[], Any], timeout_s: float = 90) -> Any:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if got := check():
                return got
            time.sleep(0.5)
        raise TimeoutError(f"timed out waiting for {what}")

    def run(self) -> dict[str, Any]:
        admin, desk = self.token("admin"), self.token("dispatcher")
        address = min(generate(addresses=self.addresses).addresses,
                      key=lambda a: (a.lat - SCENE[0]) ** 2 + (a.lon - SCENE[1]) ** 2)  # fmt: skip
        qr = self.call("POST", f"/addresses/{address.code}/qr", admin)
        self.out(f"1. A resident scans the doorplate of {address.text_zh}")
        call = self.call("POST", "/calls", body={"qr_token": qr["token"], "symptoms": ["stroke_signs"]})
        incident_id = call["incident_id"]
        self._hold(incident_id)
        self.out(f"   call {call['call_id']} -> incident {incident_id}")

        def unit() -> str | None:
            view = self.call("GET", f"/incidents/{incident_id}", desk)
            return ((view.get("dispatch") or {}).get("assignment") or {}).get("unit_id")

        unit_id = self.wait("a unit", unit)
        crew = self.token("crew", f"unit:{unit_id}")
        self.out(f"2. Dispatched: {unit_id}")
        self._status(unit_id, crew, "en_route")
        self.call("POST", f"/units/{unit_id}/position", crew,
                  {"lat": address.lat, "lon": address.lon, "at": datetime.now(UTC).isoformat()})  # fmt: skip
        self._status(unit_id, crew, "on_scene")
        self.out("3. On scene; the crew assesses: face droop, arm drift, speech, LAMS 5, onset 50 min ago")
        onset = (datetime.now(UTC) - timedelta(minutes=50)).isoformat()
        body = {"vitals": {"hr": 92, "sbp": 178, "dbp": 96, "spo2": 96, "rr": 18, "consciousness": "alert"},
                "findings": {"be_fast": {"face": True, "arm": True, "speech": True}, "lams": 5,
                             "last_known_well": onset}}  # fmt: skip
        assessed = self.call("POST", f"/incidents/{incident_id}/assessments", crew, body)
        self.out(f"   level {assessed['level']} {assessed['label']['en']}, pathway {assessed['pathway']}, "
                 f"needs {', '.join(assessed['required_capabilities'])}")  # fmt: skip
        options = self.call("GET", f"/incidents/{incident_id}/hospital-options", crew)
        for s in options["skipped"]:
            self.out(f"4. Passed over {s['hospital_id']} {s['name_zh']}: {s['reason']}")
        first = options["options"][0] if options["options"] else None
        if first:
            self.out(f"   first option {first['hospital_id']} {first['name_zh']}, ETA {first['eta_s'] // 60} min")

        def accepted() -> dict[str, Any] | None:
            listed = self.call("GET", f"/incidents/{incident_id}/bookings", crew)["bookings"]
            return next((b for b in listed if b["status"] == "accepted" and b["his_status"]), None)

        booking = self.wait("a hospital's acceptance", accepted)
        hospital_id = booking["hospital_id"]
        self.out(
            f"5. Offered by the workflow; {hospital_id} accepted: registration {booking['registration_no']}, "
            f"pre-orders {', '.join(o['code'] for o in booking['orders'])}, teams {', '.join(booking['teams'])}"
        )
        self._status(unit_id, crew, "transporting", hospital_id)
        place = next(h for h in hospitals() if h.hospital_id == hospital_id)
        self.call("POST", f"/units/{unit_id}/position", crew,
                  {"lat": place.lat, "lon": place.lon, "at": datetime.now(UTC).isoformat()})  # fmt: skip
        self._status(unit_id, crew, "at_hospital")
        band = f"WB-{incident_id[-8:]}"
        self.call("POST", "/wristbands", crew, {"band_id": band, "incident_id": incident_id})
        self.out(f"6. At {place.name_zh}; wristband {band}; handover")
        handover = self.call("POST", f"/incidents/{incident_id}/handover", crew)
        self.out(f"   FHIR bundle of {len(handover['bundle']['entry'])} resources, to the hospital's system: "
                 f"{handover['his_status']}")  # fmt: skip
        ed = self.token("hospital", f"hospital:{hospital_id}")
        for node in ("door", "triage", "ct_start", "ct_read", "needle", "admission"):
            time.sleep(self.pause_s)
            self.call("POST", f"/wristbands/{band}/scans", ed, {"node": node, "station": "stroke unit"})
        self.out("7. Scans: door, triage, CT start, CT read, needle, admission")
        self._status(unit_id, crew, "available")
        timeline = self.call("GET", f"/incidents/{incident_id}/timeline", desk)
        self._print(timeline)
        return {"incident_id": incident_id, "unit_id": unit_id, "hospital_id": hospital_id, "timeline": timeline}

    def _status(self, unit_id: str, crew: dict[str, str], status: str, destination: str | None = None) -> None:
        time.sleep(self.pause_s)
        body = {"status": status, **({"destination_id": destination} if destination else {})}
        self.call("POST", f"/units/{unit_id}/status", crew, body)

    def _hold(self, incident_id: str) -> None:
        """Ask the ambulance simulator to leave this job to the demo."""
        path = self.state_dir / HOLD
        held = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        path.write_text(json.dumps([*held[-50:], incident_id]), encoding="utf-8")

    def _print(self, timeline: dict[str, Any]) -> None:
        self.out("\nTimeline")
        for n in timeline["nodes"]:
            self.out(f"  {n['at'][11:19]}  {n['label_en']}")
        self.out("\nIntervals")
        for i in timeline["intervals"]:
            if i["seconds"] is None:
                continue
            target = f"target {i['target_s'] // 60} min" if i["target_s"] else "no target"
            verdict = {True: "met", False: "MISSED", None: ""}[i["met"]]
            self.out(f"  {i['label_en']:<36} {i['seconds']:>7.0f} s   {target:<14} {verdict}")


def held(state_dir: Path) -> set[str]:
    """Incidents the demo plays itself (the simulator leaves them alone)."""
    path = state_dir / HOLD
    try:
        return set(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return set()
