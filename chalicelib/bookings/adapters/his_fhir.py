"""The hospital information system port over FHIR R4 REST (JSON over HTTPS).

- propose: a conditional create of an `Appointment` (status `proposed`) identified by the booking id
  (`If-None-Exist`), so a retried request never makes a second one;
- register: a conditional update of the same Appointment to `booked`; the HIS answers with its
  registration number (identifier system `urn:his:registration-no`) and the registration fee's
  status (extension `urn:his:payment-status`: pending, paid, waived);
- order: one `transaction` Bundle of `ServiceRequest`s, each a conditional create on its order id;
- hand over: the handover `Bundle` (collection) itself, a conditional create on its identifier.

Idempotent requests are retried on connection errors and 429/502/503/504 with exponential backoff
and jitter (urllib3's Retry); what still fails raises `HisUnavailable` with a reason, never a value
of the patient. Each hospital's base URL comes from `EMS_HIS_ENDPOINTS`; a hospital without one is
not connected.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from chalicelib.bookings.ports import HisNotConnected, HisUnavailable, HospitalSystem, Registration

BOOKING_SYSTEM = "urn:ems:booking"
ORDER_SYSTEM = "urn:ems:preorder-id"
REGISTRATION_SYSTEM = "urn:his:registration-no"
PAYMENT_EXTENSION = "urn:his:payment-status"
PREORDER_SYSTEM = "urn:ems:preorder"
FHIR_JSON = "application/fhir+json"


class FhirHospitalSystem(HospitalSystem):
    def __init__(self, endpoints: Mapping[str, str], *, timeout_s: float = 3.0, retries: int = 2) -> None:
        self._endpoints = {k: v.rstrip("/") for k, v in endpoints.items()}
        self._timeout_s = timeout_s
        self._retries = retries
        self._pool: Any = None

    def propose(self, hospital_id: str, booking: dict[str, Any]) -> None:
        self._call(hospital_id, "POST", "/Appointment", appointment(booking, "proposed"),
                   {"If-None-Exist": f"identifier={BOOKING_SYSTEM}|{booking['booking_id']}"})  # fmt: skip

    def register(self, hospital_id: str, booking: dict[str, Any]) -> Registration:
        query = quote(f"{BOOKING_SYSTEM}|{booking['booking_id']}", safe="")
        answer = self._call(hospital_id, "PUT", f"/Appointment?identifier={query}", appointment(booking, "booked"))
        return registration(answer)

    def order(self, hospital_id: str, booking: dict[str, Any], orders: list[dict[str, Any]]) -> list[str]:
        answer = self._call(hospital_id, "POST", "", order_bundle(booking, orders))
        locations = [str((e.get("response") or {}).get("location", "")) for e in answer.get("entry") or []]
        if len(locations) != len(orders) or not all(locations):
            raise HisUnavailable("the HIS answered the orders without a location for each")
        return [loc.split("/_history")[0] for loc in locations]

    def hand_over(self, hospital_id: str, bundle: dict[str, Any]) -> None:
        ident = bundle.get("identifier") or {}
        self._call(hospital_id, "POST", "/Bundle", bundle,
                   {"If-None-Exist": f"identifier={ident.get('system')}|{ident.get('value')}"})  # fmt: skip

    def _call(self, hospital_id: str, method: str, path: str, body: dict[str, Any],
              headers: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
        import urllib3

        base = self._endpoints.get(hospital_id)
        if not base:
            raise HisNotConnected(hospital_id)
        try:
            resp = self._http().request(
                method, base + path, body=json.dumps(body).encode(),
                headers={"Content-Type": FHIR_JSON, "Accept": FHIR_JSON, **(headers or {})},
            )  # fmt: skip
        except urllib3.exceptions.HTTPError as exc:
            raise HisUnavailable(f"{method} {path.split('?')[0] or '/'}: {type(exc).__name__}") from exc
        if resp.status >= 300:
            raise HisUnavailable(f"{method} {path.split('?')[0] or '/'}: HTTP {resp.status}")
        try:
            data = json.loads(resp.data or b"{}")
        except ValueError as exc:
            raise HisUnavailable(f"{method} {path.split('?')[0] or '/'}: not JSON") from exc
        return data if isinstance(data, dict) else {}

    def _http(self) -> Any:
        if self._pool is None:
            import urllib3

            retry = urllib3.Retry(
                total=self._retries, connect=self._retries, read=self._retries, status=self._retries,
                backoff_factor=0.2, backoff_jitter=0.1, status_forcelist=(429, 502, 503, 504),
                allowed_methods=frozenset({"GET", "PUT", "POST"}),  # every call here is conditional: safe to repeat
                raise_on_status=False,
            )  # fmt: skip
            timeout = urllib3.Timeout(connect=min(1.0, self._timeout_s), read=self._timeout_s)
            self._pool = urllib3.PoolManager(retries=retry, timeout=timeout)
        return self._pool


def appointment(booking: dict[str, Any], status: str) -> dict[str, Any]:
    level, pathway = booking.get("level"), booking.get("pathway") or "emergency"
    return {
        "resourceType": "Appointment",
        "status": status,
        "identifier": [{"system": BOOKING_SYSTEM, "value": booking["booking_id"]}],
        "serviceCategory": [{"text": "emergency"}],
        "description": f"Ambulance patient, {pathway}, triage level {level if level is not None else 'unknown'}",
        "minutesDuration": max(1, round((booking.get("eta_s") or 60) / 60)),
        "participant": [{"actor": {"identifier": {"system": "urn:ems:hospital", "value": booking["hospital_id"]}},
                         "status": "accepted" if status == "booked" else "needs-action"}],
    }  # fmt: skip


def order_bundle(booking: dict[str, Any], orders: list[dict[str, Any]]) -> dict[str, Any]:
    entries = []
    for o in orders:
        resource = {
            "resourceType": "ServiceRequest",
            "status": o.get("status", "active"),
            "intent": "order",
            "priority": "stat",
            "identifier": [{"system": ORDER_SYSTEM, "value": o["order_id"]}],
            "basedOn": [{"identifier": {"system": BOOKING_SYSTEM, "value": booking["booking_id"]}}],
            "code": {"coding": [{"system": PREORDER_SYSTEM, "code": o["code"]}], "text": o["code"]},
            "subject": {"identifier": {"system": "urn:ems:incident-patient", "value": booking["incident_id"]}},
        }
        request = {
            "method": "POST",
            "url": "ServiceRequest",
            "ifNoneExist": f"identifier={ORDER_SYSTEM}|{o['order_id']}",
        }
        entries.append({"resource": resource, "request": request})
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def registration(answer: dict[str, Any]) -> Registration:
    number = next(
        (str(i.get("value")) for i in answer.get("identifier") or [] if i.get("system") == REGISTRATION_SYSTEM), None
    )
    payment = next(
        (str(e.get("valueCode")) for e in answer.get("extension") or [] if e.get("url") == PAYMENT_EXTENSION), "pending"
    )
    if not number:
        raise HisUnavailable("the HIS booked the appointment without a registration number")
    return Registration(registration_no=number, payment_status=payment, appointment_id=answer.get("id"))
