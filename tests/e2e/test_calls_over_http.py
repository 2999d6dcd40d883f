"""A resident's scan, over real HTTP against the running devstack, to a started workflow."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import requests

from tests.e2e.conftest import Devstack


def _qr(devstack: Devstack, index: int) -> dict[str, Any]:
    fixtures = json.loads(devstack.cli("fixtures", "--addresses", "300"))
    code = fixtures["addresses"][index]["code"]
    resp = requests.post(f"{devstack.api}/addresses/{code}/qr", headers=devstack.token("admin"), timeout=10)
    assert resp.status_code in (200, 201), resp.text
    return dict(resp.json())


def test_scan_call_status_and_workflow(devstack: Devstack) -> None:
    qr = _qr(devstack, 3)
    assert qr["url"].endswith(f"/q/{qr['token']}")
    key = str(uuid.uuid4())
    body = {"qr_token": qr["token"], "symptoms": ["chest_pain"]}
    first = requests.post(f"{devstack.api}/calls", json=body, headers={"Idempotency-Key": key}, timeout=10)
    assert first.status_code == 201, first.text
    call = first.json()
    assert call["location"]["address_code"] == qr["address_code"]
    # A retry after a lost response gets the same call, not a second incident.
    retry = requests.post(f"{devstack.api}/calls", json=body, headers={"Idempotency-Key": key}, timeout=10)
    assert retry.json()["call_id"] == call["call_id"]
    # A neighbour calling about the same emergency is linked, not dropped.
    again = requests.post(f"{devstack.api}/calls", json={"qr_token": qr["token"]}, timeout=10).json()
    assert again["linked"] and again["incident_id"] == call["incident_id"]
    status = requests.get(
        f"{devstack.api}/calls/{call['call_id']}",
        headers={"Authorization": f"Bearer {call['caller_token']}", "Accept-Language": "zh-CN"},
        timeout=10,
    )
    # Received, or already assigned: dispatch runs within about a second of the call.
    texts = {"received": "已收到呼救", "assigned": "救护车已派出"}
    view = status.json()
    assert status.status_code == 200 and texts[view["status"]] in view["status_text"]
    # The call-to-admission execution is named by the incident and has registered it.
    sfn = devstack.aws("stepfunctions")
    machine = next(m for m in sfn.list_state_machines()["stateMachines"] if m["name"].endswith("call_to_admission"))
    arn = machine["stateMachineArn"].replace(":stateMachine:", ":execution:") + f":{call['incident_id']}"
    # Once a unit is assigned it waits for it on scene (its task token parked on the incident).
    table = devstack.aws("dynamodb")
    key = {"incident_id": {"S": call["incident_id"]}}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        item = table.get_item(TableName="ems-local-incidents", Key=key, ConsistentRead=True).get("Item", {})
        if "token_on_scene" in item:
            break
        time.sleep(0.2)
    assert "token_on_scene" in item and sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    board = requests.get(
        f"{devstack.api}/incidents/{call['incident_id']}", headers=devstack.token("dispatcher"), timeout=10
    ).json()
    assert board["workflow"] == "started" and len(board["calls"]) == 2


def test_tampered_token_is_refused(devstack: Devstack) -> None:
    qr = _qr(devstack, 4)
    head, sig = qr["token"].split(".")
    forged = head[:-2] + ("AA" if not head.endswith("AA") else "BB") + "." + sig
    resp = requests.post(f"{devstack.api}/calls", json={"qr_token": forged}, timeout=10)
    assert resp.status_code in (400, 401) and resp.json()["error"]["code"].startswith("qr_")
