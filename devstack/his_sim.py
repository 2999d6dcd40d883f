"""A small hospital information system (HIS) per demo hospital, speaking the FHIR R4 subset the
platform uses (docs/bookings.md), so the booking flow is real end to end on loopback.

Each hospital lives under `/his/{hospital_id}`. Resources are validated with `fhir.resources`
(an invalid one is a 422 OperationOutcome), conditional creates and updates are honoured, and
each hospital behaves as configured when it is offered a patient:

- accept (default): its staff accept after `answer_delay_s`, through the platform's API;
- decline: they decline with `no_capacity`;
- ignore: nobody answers (the offer times out);
- down: every HIS request fails with 503 (the platform records the failure and goes on);
- manual: the HIS works but nobody answers automatically (answer with the API yourself).

What it does not do: authentication, payment, real scheduling, persistence across restarts.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

BEHAVIOURS = ("accept", "decline", "ignore", "down", "manual")
BOOKING_SYSTEM = "urn:ems:booking"


def parse_behaviours(text: str) -> dict[str, str]:
    """`HOS04=decline,HOS02=ignore,*=manual` -> {hospital: behaviour}; `*` sets the default."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        hospital, _, behaviour = part.partition("=")
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown HIS behaviour {behaviour!r} for {hospital} (one of {', '.join(BEHAVIOURS)})")
        out[hospital.strip()] = behaviour
    return out


class HisSimulator:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        behaviours: Mapping[str, str] | None = None,
        answer: Callable[[str, str, str], None] | None = None,
        answer_delay_s: float = 3.0,
    ) -> None:
        """`answer(hospital_id, booking_id, "accept" | "decline")` calls the platform as the hospital's staff."""
        self.behaviours = dict(behaviours or {})
        self._answer = answer
        self._delay = answer_delay_s
        self._lock = threading.Lock()
        self.appointments: dict[tuple[str, str], dict[str, Any]] = {}  # (hospital, booking id) -> Appointment
        self.orders: dict[tuple[str, str], dict[str, Any]] = {}  # (hospital, order id) -> ServiceRequest
        self.handovers: dict[tuple[str, str], dict[str, Any]] = {}  # (hospital, incident id) -> Bundle
        self._seq = 0
        self._host = host
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="his-sim", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def base_url(self, hospital_id: str) -> str:
        return f"http://{self._host}:{self.port}/his/{hospital_id}"

    def behaviour(self, hospital_id: str) -> str:
        return self.behaviours.get(hospital_id, self.behaviours.get("*", "accept"))

    # -- FHIR interactions ---------------------------------------------------------------------

    def create_appointment(self, hospital_id: str, resource: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        booking_id = _booking_id(resource)
        with self._lock:
            existing = self.appointments.get((hospital_id, booking_id))
            if existing is not None:  # conditional create: the same booking is one appointment
                return 200, existing
            self._seq += 1
            stored = {**resource, "id": f"appt-{self._seq}"}
            self.appointments[(hospital_id, booking_id)] = stored
        decision = {"accept": "accept", "decline": "decline"}.get(self.behaviour(hospital_id))
        if decision and self._answer is not None:
            threading.Thread(target=self._later, args=(hospital_id, booking_id, decision), daemon=True).start()
        return 201, stored

    def book_appointment(
        self, hospital_id: str, booking_id: str, resource: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        with self._lock:
            old = self.appointments.get((hospital_id, booking_id))
            if old is None:
                return 404, _outcome("not-found", f"no appointment for booking {booking_id}")
            number = next((i for i in old.get("identifier", []) if i.get("system") == "urn:his:registration-no"), None)
            self._seq += 1
            number = number or {"system": "urn:his:registration-no",
                                "value": f"{hospital_id}-{datetime.now(UTC):%Y%m%d}-{self._seq:04d}"}  # fmt: skip
            ids = [i for i in resource.get("identifier", []) if i.get("system") != "urn:his:registration-no"]
            stored = {**resource, "id": old["id"], "identifier": [*ids, number],
                      "extension": [{"url": "urn:his:payment-status", "valueCode": "pending"}]}  # fmt: skip
            self.appointments[(hospital_id, booking_id)] = stored
        return 200, stored

    def receive_bundle(self, hospital_id: str, bundle: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """A handover Bundle for the hospital's record (conditional create on its identifier)."""
        key = (hospital_id, str((bundle.get("identifier") or {}).get("value")))
        with self._lock:
            if key in self.handovers:
                return 200, self.handovers[key]
            self._seq += 1
            self.handovers[key] = {**bundle, "id": f"bundle-{self._seq}"}
        return 201, self.handovers[key]

    def transaction(self, hospital_id: str, bundle: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        entries = []
        with self._lock:
            for entry in bundle.get("entry") or []:
                resource = entry["resource"]
                order_id = next(
                    i["value"] for i in resource.get("identifier", []) if i.get("system") == "urn:ems:preorder-id"
                )
                known = self.orders.get((hospital_id, order_id))
                if known is None:
                    self._seq += 1
                    known = {**resource, "id": f"sr-{self._seq}"}
                    self.orders[(hospital_id, order_id)] = known
                entries.append(
                    {"response": {"status": "201 Created", "location": f"ServiceRequest/{known['id']}/_history/1"}}
                )
        return 200, {"resourceType": "Bundle", "type": "transaction-response", "entry": entries}

    def handle(self, method: str, path: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        url = urlparse(path)
        parts = [p for p in url.path.split("/") if p]
        if len(parts) < 2 or parts[0] != "his":
            return 404, _outcome("not-found", "unknown path")
        hospital_id, rest = parts[1], parts[2:]
        if self.behaviour(hospital_id) == "down":
            return 503, _outcome("transient", "the HIS is down")
        try:
            body = json.loads(raw or b"{}")
            problem = _invalid(body)
        except ValueError:
            problem = "not JSON"
        if problem:
            return 422, _outcome("invalid", problem)
        if method == "POST" and rest == ["Appointment"]:
            return self.create_appointment(hospital_id, body)
        if method == "PUT" and rest == ["Appointment"]:
            booking_id = parse_qs(url.query).get("identifier", [""])[0].rpartition("|")[2]
            return self.book_appointment(hospital_id, booking_id, body)
        if method == "POST" and rest == ["Bundle"]:
            return self.receive_bundle(hospital_id, body)
        if method == "POST" and not rest and body.get("type") == "transaction":
            return self.transaction(hospital_id, body)
        return 404, _outcome("not-supported", f"{method} {url.path}")

    def _later(self, hospital_id: str, booking_id: str, decision: str) -> None:
        time.sleep(self._delay)
        try:
            assert self._answer is not None
            self._answer(hospital_id, booking_id, decision)
        except Exception as exc:  # the platform may have moved on (cancelled, timed out): nothing to do
            print(f"HIS {hospital_id}: {decision} of {booking_id} not taken: {exc}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                self._route("POST")

            def do_PUT(self) -> None:
                self._route("PUT")

            def _route(self, method: str) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._send(*sim.handle(method, self.path, raw))

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _booking_id(resource: dict[str, Any]) -> str:
    return next(str(i["value"]) for i in resource.get("identifier", []) if i.get("system") == BOOKING_SYSTEM)


def _invalid(body: Any) -> str | None:
    """Why the body is not a valid FHIR R4 resource (each entry of a Bundle too), or None."""
    from fhir.resources.R4B import get_fhir_model_class

    if not isinstance(body, dict) or "resourceType" not in body:
        return "not a FHIR resource"
    try:
        get_fhir_model_class(body["resourceType"]).model_validate(body)
        for entry in body.get("entry") or [] if body["resourceType"] == "Bundle" else []:
            resource = entry.get("resource") or {}
            get_fhir_model_class(resource.get("resourceType", "")).model_validate(resource)
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    if body["resourceType"] == "Appointment" and not any(
        i.get("system") == BOOKING_SYSTEM for i in body.get("identifier", [])
    ):
        return "an Appointment needs its booking identifier"
    return None


def _outcome(code: str, text: str) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": code, "diagnostics": text}]}
