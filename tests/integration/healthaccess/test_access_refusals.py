"""Every refusal on every health route leaves a `<action>.denied` row, over the API against moto.

Given an incident with its crew, an accepted booking, a consultation and a bound wristband, when each
health route is called by each principal it refuses (a role outside the route's list, the access
rule's refusals, another county's desk), then the answer is a 403 or 404 and the trail holds the
refusal under the caller's subject; another county's incident answers exactly as a missing one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

from tests.integration.bookings import test_bookings_api
from tests.integration.bookings.test_bookings_api import hospital, post, stroke_at_the_tcm_hospital
from tests.integration.consultations import test_consultations_api
from tests.integration.fleet import test_fleet_api
from tests.unit.archive.test_archive import ID_NUMBER

fleet = test_fleet_api.fleet  # the seeded-fleet fixture
his = test_bookings_api.his  # the recording hospital system
local_video = test_consultations_api.local_video

INC = "INC-RF"
OTHER_COUNTY = "350681"


@dataclass(frozen=True)
class World:
    booking_id: str
    hospital_id: str
    consultation_id: str
    band_id: str = "WB-0042"


@pytest.fixture
def world(fleet: Any, client: Any, his: Any, local_video: None) -> Iterator[World]:
    crew = stroke_at_the_tcm_hospital(client, fleet, "AMB01", INC)
    offer = post(client, f"/v1/incidents/{INC}/bookings", crew, {}).json_body
    accepted = post(client, f"/v1/bookings/{offer['booking_id']}/accept", hospital(fleet, offer["hospital_id"]), {})
    assert accepted.status_code == 200, accepted.body
    consult = post(client, f"/v1/incidents/{INC}/consultations", crew, {"specialties": ["neurology"]}).json_body
    assert post(client, "/v1/wristbands", crew, {"band_id": "WB-0042", "incident_id": INC}).status_code == 201
    yield World(offer["booking_id"], offer["hospital_id"], consult["consultation_id"])


# (method, path, audited action, body); {b} booking, {c} consultation, {h} the accepting hospital, {w} the band.
HEALTH_ROUTES: list[tuple[str, str, str, dict[str, Any] | None]] = [
    ("GET", "/v1/incidents/{i}/vitals", "vitals.read", None),
    ("POST", "/v1/incidents/{i}/files", "device_file.upload",
     {"kind": "ecg_12lead", "content_type": "application/pdf", "size_bytes": 1000}),
    ("GET", "/v1/incidents/{i}/files", "device_files.list", None),
    ("POST", "/v1/incidents/{i}/assessments", "assessment.create", {"findings": {"be_fast": True}}),
    ("GET", "/v1/incidents/{i}/assessments", "assessment.read", None),
    ("POST", "/v1/incidents/{i}/patient", "patient.identify", {"id_number": ID_NUMBER}),
    ("GET", "/v1/incidents/{i}/portrait", "portrait.read", None),
    ("GET", "/v1/incidents/{i}/portrait.svg", "portrait.read", None),
    ("GET", "/v1/incidents/{i}/hospital-options", "hospital_options.read", None),
    ("POST", "/v1/incidents/{i}/bookings", "booking.create", {}),
    ("GET", "/v1/incidents/{i}/bookings", "bookings.read", None),
    ("POST", "/v1/incidents/{i}/referrals", "referral.create",
     {"to_hospital_id": "HOS02", "direction": "up", "reason": "needs thrombectomy"}),
    ("POST", "/v1/bookings/{b}/accept", "booking.accept", {}),
    ("POST", "/v1/bookings/{b}/decline", "booking.decline", {"reason": "no_capacity"}),
    ("POST", "/v1/bookings/{b}/cancel", "booking.cancel", {"reason": "wrong patient"}),
    ("GET", "/v1/hospitals/{h}/inbound", "inbound.read", None),
    ("POST", "/v1/incidents/{i}/consultations", "consultation.create", {"specialties": ["cardiology"]}),
    ("GET", "/v1/incidents/{i}/consultations", "consultations.read", None),
    ("POST", "/v1/consultations/{c}/join", "consultation.join", None),
    ("POST", "/v1/consultations/{c}/leave", "consultation.leave", None),
    ("POST", "/v1/consultations/{c}/close", "consultation.close", {"outcome": "nothing to add"}),
    ("POST", "/v1/incidents/{i}/handover", "handover.create", None),
    ("GET", "/v1/incidents/{i}/handover", "handover.read", None),
    ("POST", "/v1/incidents/{i}/break-glass", "access.break_glass", {"reason": "patient walked into our ED"}),
    ("POST", "/v1/wristbands", "wristband.bind", {"band_id": "WB-0043", "incident_id": INC}),
    ("POST", "/v1/wristbands/{w}/scans", "wristband.scan", {"node": "door"}),
    ("GET", "/v1/incidents/{i}/timeline", "timeline.read", None),
    ("POST", "/v1/incidents/{i}/video/join", "scene_video.join", None),
]  # fmt: skip

# Refused everywhere: roles that never see health data. Refused by the rule: people off the job
# (breaking the glass would let them in, so they are not asked on that route).
ALWAYS = [("admin", None), ("caller", "call:C1"), ("volunteer", "volunteer:V1"), ("responder", "agency:fire")]
OFF_THE_JOB = [("crew", "unit:AMB02"), ("hospital", "hospital:HOS09"), ("dispatcher", f"county:{OTHER_COUNTY}")]


def cases() -> list[Any]:
    return [
        pytest.param(method, path, action, body, id=f"{method} {path}") for method, path, action, body in HEALTH_ROUTES
    ]


def template(method: str, path: str) -> tuple[str, str]:
    names = {"{i}": "{incident_id}", "{b}": "{booking_id}", "{c}": "{consultation_id}", "{h}": "{hospital_id}",
             "{w}": "{band_id}"}  # fmt: skip
    for short, name in names.items():
        path = path.replace(short, name)
    return method, path


def declared() -> Any:
    import app  # noqa: F401  (declares the routes)
    from chalicelib.core import http

    return http


def test_the_table_covers_every_route_that_declares_itself_a_health_route() -> None:
    tabled = {template(method, path)[::-1] for method, path, _, _ in HEALTH_ROUTES}
    assert set(declared()._REFUSED) == tabled


def trail(client: Any, fleet: Any, subject: str) -> list[dict[str, Any]]:
    resp = client.http.get(f"/v1/audit?subject={quote(subject, safe='')}&limit=200", headers=fleet.token("admin"))
    assert resp.status_code == 200, resp.body
    return list(resp.json_body["events"])


@pytest.mark.parametrize(("method", "path", "action", "body"), cases())
def test_every_refusal_on_a_health_route_is_audited(
    fleet: Any, client: Any, world: World, method: str, path: str, action: str, body: dict[str, Any] | None
) -> None:
    url = path.format(i=INC, b=world.booking_id, c=world.consultation_id, h=world.hospital_id, w=world.band_id)
    data = json.dumps(body) if body is not None else b""
    subjects = [f"incident:{INC}", f"hospital:{world.hospital_id}", f"band:{world.band_id}", "wristband"]
    spec = next(s for s in declared().ROUTES if (s.method, s.path) == template(method, path))
    desk_may = "dispatcher" in (spec.roles or ())
    principals = ALWAYS + ([] if action == "access.break_glass" else OFF_THE_JOB)
    for role, scope in principals:
        actor = f"refused-{role}"
        headers = {**fleet.token(role, scope, subject=actor), "Content-Type": "application/json"}
        resp = client.http.request(method, url, headers=headers, body=data)
        assert resp.status_code in (403, 404), (role, resp.status_code, resp.body)
        rows = [e for s in subjects for e in trail(client, fleet, s) if e["actor"] == actor]
        assert [(e["action"], e["role"]) for e in rows] == [(f"{action}.denied", role)], (role, rows)
        if role == "dispatcher" and "{i}" in path and desk_may:  # another county's incident, as if missing
            assert resp.json_body == {"error": {"code": "incident_not_found", "message": "no such incident"}}
            assert rows[0]["reason"] == "scope_denied"  # the trail keeps what the answer hides
