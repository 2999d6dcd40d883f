"""What a simulated crew does over the API: report its unit's status, read the unit back, assess the
patient, bind the wristband and hand over. Each call carries a crew token scoped to that one unit, as
a crew terminal's would."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import requests

from devstack import tokens


class ApiError(RuntimeError):
    """A call the crew's terminal would show as failed. The text names the call and the error
    code only, never a response body: nothing about a patient reaches a log."""


class CrewApi:
    def __init__(self, api: str, state_dir: Path, timeout_s: float = 10.0) -> None:
        self.api, self.state_dir, self.timeout_s = api.rstrip("/"), state_dir, timeout_s
        # One session per thread: the tick thread reports statuses while crew errands run on workers.
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def unit(self, unit_id: str) -> dict[str, Any]:
        return self._call("GET", unit_id, f"/units/{unit_id}", None)

    def set_status(self, unit_id: str, status: str, destination_id: str | None = None) -> dict[str, Any]:
        """`destination_id`: with `transporting`, the receiving hospital."""
        body: dict[str, Any] = {"status": status}
        if destination_id is not None:
            body["destination_id"] = destination_id
        return self._call("POST", unit_id, f"/units/{unit_id}/status", body)

    def accepted_hospital(self, unit_id: str, incident_id: str) -> str | None:
        """The hospital that accepted the incident's patient, if one has."""
        try:
            listed = self._call("GET", unit_id, f"/incidents/{incident_id}/bookings", None)
        except ApiError:
            return None  # no access or no answer: the crew drives to the nearest
        accepted = [
            b["hospital_id"]
            for b in listed.get("bookings", [])
            if b.get("status") == "accepted" and b.get("kind", "admission") != "referral"
        ]
        return accepted[-1] if accepted else None

    def assess(self, unit_id: str, incident_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """The crew's assessment (`chalicelib.triage.schemas.AssessmentInput`); returns the triage."""
        return self._call("POST", unit_id, f"/incidents/{incident_id}/assessments", body)

    def bind_band(self, unit_id: str, incident_id: str, band_id: str) -> dict[str, Any]:
        return self._call("POST", unit_id, "/wristbands", {"band_id": band_id, "incident_id": incident_id})

    def hand_over(self, unit_id: str, incident_id: str) -> dict[str, Any]:
        """To the hospital that accepted the patient (409 `no_accepted_booking` without one)."""
        return self._call("POST", unit_id, f"/incidents/{incident_id}/handover", None)

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            with self._lock:
                self._sessions.append(session)
        return session

    def _call(self, method: str, unit_id: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        # A fresh token per call: signing is cheap and a long-running stack outlives any token.
        token = tokens.issue(self.state_dir, "crew", f"unit:{unit_id}", ttl_s=600)
        headers = {"Authorization": f"Bearer {token}"}
        try:
            resp = self._session().request(method, self.api + path, json=body, headers=headers, timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise ApiError(f"{method} {path}: {type(exc).__name__}") from exc
        if resp.status_code >= 400:
            raise ApiError(f"{method} {path}: HTTP {resp.status_code} {_code(resp)}")
        return dict(resp.json())


def _code(resp: requests.Response) -> str:
    try:
        return str(resp.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "-"
