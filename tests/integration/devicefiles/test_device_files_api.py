"""Device files over chalice.test.Client against moto: the assigned crew announces a file, the
file goes to S3 through the presigned POST (moto intercepts `requests` in-process), and
crew, county dispatcher and destination hospital list it; everyone else is refused."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from chalicelib.core import root
from chalicelib.core.tables import bound
from chalicelib.incidents.dal import IncidentRecord
from chalicelib.platform.dal import AuditRecord
from tests.integration.fleet.test_fleet_api import assign

ECG = b"%PDF-1.4\n12-lead ECG, 10 s, 25 mm/s\n%%EOF\n"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def fleet(aws_env: Any) -> Iterator[Any]:
    from devstack.seed import generate, load

    root.reset()
    load(generate(addresses=50, volunteers=5))
    assign("AMB01", "INC1")  # county 350602
    yield aws_env
    root.reset()


def announce(client: Any, headers: dict[str, str], body: dict[str, Any], incident: str = "INC1") -> Any:
    return client.http.post(f"/v1/incidents/{incident}/files", headers={**headers, **JSON}, body=json.dumps(body))


def listing(client: Any, headers: dict[str, str], incident: str = "INC1") -> Any:
    return client.http.get(f"/v1/incidents/{incident}/files", headers=headers)


def upload(ticket: dict[str, Any], data: bytes, content_type: str = "application/pdf") -> requests.Response:
    return requests.post(ticket["url"], data=ticket["fields"], files={"file": ("f", data, content_type)}, timeout=10)


def ecg(size: int = len(ECG)) -> dict[str, Any]:
    return {"kind": "ecg_12lead", "content_type": "application/pdf", "size_bytes": size}


def test_given_the_assigned_crew_when_it_uploads_an_ecg_then_everyone_entitled_can_fetch_it(
    fleet: Any, client: Any
) -> None:
    crew = fleet.token("crew", "unit:AMB01")
    resp = announce(client, crew, {**ecg(), "captured_at": "2025-06-01T08:00:00+08:00"})
    assert resp.status_code == 201, resp.body
    ticket = resp.json_body
    fields = ticket["fields"]
    assert ticket["status"] == "pending" and ticket["max_bytes"] == len(ECG)
    assert fields["key"] == f"incidents/INC1/{ticket['file_id']}"
    assert fields["Content-Type"] == "application/pdf"
    assert fields["x-amz-server-side-encryption"] == "aws:kms"
    assert fields["x-amz-server-side-encryption-aws-kms-key-id"] == "alias/ems-test-data"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, len(ECG)] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert {"x-amz-server-side-encryption": "aws:kms"} in policy["conditions"]
    assert {"x-amz-server-side-encryption-aws-kms-key-id": "alias/ems-test-data"} in policy["conditions"]

    # Before the upload the file is announced but pending, with nothing to download.
    (before,) = listing(client, crew).json_body["files"]
    assert before["status"] == "pending" and before["url"] is None
    assert upload(ticket, ECG).status_code == 204

    (stored,) = listing(client, crew).json_body["files"]
    assert stored["status"] == "stored" and stored["size_bytes"] == len(ECG), stored
    assert stored["captured_at"].startswith("2025-06-01T00:00:00")
    assert requests.get(stored["url"], timeout=10).content == ECG

    dispatcher = listing(client, fleet.token("dispatcher", "county:350602"))
    assert dispatcher.status_code == 200 and dispatcher.json_body["files"][0]["status"] == "stored"
    bound(IncidentRecord)("INC1").update(actions=[IncidentRecord.destination_id.set("H01")])
    hospital = listing(client, fleet.token("hospital", "hospital:H01"))
    assert hospital.status_code == 200, hospital.body
    assert requests.get(hospital.json_body["files"][0]["url"], timeout=10).content == ECG

    # One audit entry per listing, with the incident as subject.
    listed = [r for r in bound(AuditRecord).query("incident:INC1") if r.action == "device_files.list"]
    assert sorted(r.role for r in listed) == ["crew", "crew", "dispatcher", "hospital"]


def test_an_object_unlike_its_announcement_is_rejected_and_not_served(fleet: Any, client: Any) -> None:
    crew = fleet.token("crew", "unit:AMB01")
    short = announce(client, crew, ecg(size=len(ECG) + 10)).json_body
    png = announce(client, crew, {"kind": "ultrasound_image", "content_type": "image/png", "size_bytes": 4}).json_body
    assert upload(short, ECG).status_code == 204
    # The form pins the type; a client that rewrites the field is caught when the file is confirmed.
    assert upload({**png, "fields": {**png["fields"], "Content-Type": "image/gif"}}, b"GIF8", "image/gif").ok
    files = {f["file_id"]: f for f in listing(client, crew).json_body["files"]}
    assert (files[short["file_id"]]["status"], files[short["file_id"]]["reason"]) == ("rejected", "size_mismatch")
    assert (files[png["file_id"]]["status"], files[png["file_id"]]["reason"]) == ("rejected", "content_type_mismatch")
    assert all(f["url"] is None for f in files.values())


def test_who_may_not_announce_or_list(fleet: Any, client: Any) -> None:
    assign("AMB04", "INC2")  # another unit, on another incident
    crew = fleet.token("crew", "unit:AMB01")
    assert announce(client, crew, ecg()).status_code == 201
    bound(IncidentRecord)("INC1").update(actions=[IncidentRecord.destination_id.set("H01")])

    def code(resp: Any) -> tuple[int, str]:
        return resp.status_code, resp.json_body["error"]["code"]

    other_crew = fleet.token("crew", "unit:AMB04")
    assert code(announce(client, other_crew, ecg())) == (403, "not_assigned")
    assert code(listing(client, other_crew)) == (403, "not_assigned")
    idle_crew = fleet.token("crew", "unit:AMB02")
    assert code(announce(client, idle_crew, ecg())) == (403, "not_assigned")
    assert code(listing(client, idle_crew)) == (403, "not_assigned")
    # The crew's own incident id does not open another one, nor does a made-up one.
    assert code(listing(client, crew, "INC2")) == (403, "not_assigned")
    assert code(announce(client, crew, ecg(), "NOPE")) == (403, "not_assigned")
    # Another county's incident and a missing one answer alike.
    assert code(listing(client, fleet.token("dispatcher", "county:350603"))) == (404, "incident_not_found")
    assert code(listing(client, fleet.token("dispatcher", "county:350603"), "NOPE")) == (404, "incident_not_found")
    assert code(listing(client, fleet.token("dispatcher"), "NOPE")) == (404, "incident_not_found")
    assert code(listing(client, fleet.token("hospital", "hospital:H02"))) == (403, "not_destination")
    assert code(listing(client, fleet.token("hospital", "hospital:H01"), "INC2")) == (403, "not_destination")
    assert code(announce(client, fleet.token("dispatcher"), ecg())) == (403, "role_denied")
    assert code(listing(client, fleet.token("admin"))) == (403, "role_denied")
    assert listing(client, {}).status_code == 401
    listed = [r for r in bound(AuditRecord).query("incident:INC1") if r.action == "device_files.list"]
    assert not listed  # refusals read nothing


def test_wrong_type_or_size_is_400_naming_the_field(fleet: Any, client: Any) -> None:
    crew = fleet.token("crew", "unit:AMB01")
    wrong_type = announce(client, crew, {**ecg(), "content_type": "video/mp4"})
    assert wrong_type.status_code == 400, wrong_type.body
    err = wrong_type.json_body["error"]
    assert err["code"] == "content_type_not_allowed" and err["details"][0]["field"] == "content_type"
    big = announce(client, crew, {"kind": "ultrasound_clip", "content_type": "video/mp4", "size_bytes": 201 * 2**20})
    assert big.status_code == 400
    err = big.json_body["error"]
    assert err["code"] == "file_too_large" and err["details"][0]["field"] == "size_bytes"
    # Malformed bodies are schema errors, as everywhere in the API.
    extra = announce(client, crew, {**ecg(), "patient_name": "x"})
    assert extra.status_code == 422 and extra.json_body["error"]["details"][0]["field"] == "patient_name"
    naive = announce(client, crew, {**ecg(), "captured_at": "2025-06-01T08:00:00"})
    assert naive.status_code == 422 and naive.json_body["error"]["details"][0]["field"] == "captured_at"
    assert announce(client, crew, ecg(size=0)).status_code == 422
    assert listing(client, crew).json_body["count"] == 0
