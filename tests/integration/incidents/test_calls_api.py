"""Call intake over the API (chalice.test.Client), DynamoDB and Step Functions in moto."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from chalicelib.core import root
from chalicelib.core.aws import client as aws
from chalicelib.incidents.wiring import get_incident_store
from tests.integration.conftest import Env

JSON = {"Content-Type": "application/json"}
DOOR = "ZZ-TEST-0001"


@pytest.fixture
def door(aws_env: Env) -> dict[str, Any]:
    """A registry address and a freshly signed QR token for it."""
    from chalicelib.addresses.dal import AddressRecord
    from chalicelib.core.geo import cells
    from chalicelib.core.tables import bound
    from chalicelib.qr.schemas import QrClaims
    from chalicelib.qr.tokens import sign
    from chalicelib.qr.wiring import get_key_ring

    lat, lon = 24.5109, 117.6536
    coarse, fine = cells(lat, lon)
    bound(AddressRecord)(
        DOOR,
        county="350602",
        township="南坊街道",
        community="东方社区",
        road="延安路",
        number="12",
        building="3",
        unit="2",
        floor=5,
        room="501",
        text_zh="漳州市芗城区延安路12号3幢2单元501室",
        text_en="Rm 501, Unit 2, Bldg 3, 12 Yan'an Rd",
        lat=lat,
        lon=lon,
        cell_coarse=coarse,
        cell_fine=fine,
    ).save()
    claims = QrClaims(
        address_code=DOOR,
        county="350602",
        lat=lat,
        lon=lon,
        text_zh="漳州市芗城区延安路12号3幢2单元501室",
        kid="k1",
        issued_at=int(time.time()) - 10,
    )
    return {"token": sign(claims, get_key_ring()), "lat": lat, "lon": lon}


def _post(client: Any, body: dict[str, Any], **headers: str) -> Any:
    return client.http.post("/v1/calls", headers={**JSON, **headers}, body=json.dumps(body))


def _execution(env: Env, incident_id: str) -> dict[str, Any]:
    arn = env.machines["call_to_admission"].replace(":stateMachine:", ":execution:") + f":{incident_id}"
    sfn = aws("stepfunctions")
    for _ in range(600):  # retries with backoff can take ~15 s
        desc = sfn.describe_execution(executionArn=arn)
        if desc["status"] != "RUNNING":
            return dict(desc)
        time.sleep(0.1)
    raise AssertionError("execution still running")


def _queued(incident_id: str) -> None:
    """Wait until the execution registered the incident and, no unit being free, queued it."""
    for _ in range(300):
        inc = get_incident_store().get(incident_id)
        if inc is not None and inc.workflow == "started" and inc.status == "waiting":
            return
        time.sleep(0.1)
    raise AssertionError("the incident was not queued")


def test_qr_call_creates_incident_starts_workflow_and_caller_sees_status(
    client: Any, aws_env: Env, door: dict[str, Any]
) -> None:
    resp = _post(client, {"qr_token": door["token"], "phone": "13912345678", "symptoms": ["cardiac_arrest"]})
    assert resp.status_code == 201, resp.body
    body = json.loads(resp.body)
    assert body["location"]["address_code"] == DOOR and body["location"]["confidence"] == "address"
    assert body["status"] == "received" and not body["linked"]
    # The execution is named by the incident, registers it and, with no unit in the fleet, queues it.
    _queued(body["incident_id"])
    # The caller reads their own call, in English when asked, with CPR guidance for cardiac arrest.
    status = client.http.get(
        f"/v1/calls/{body['call_id']}",
        headers={"Authorization": f"Bearer {body['caller_token']}", "Accept-Language": "en"},
    )
    assert status.status_code == 200
    view = json.loads(status.body)
    assert view["status"] == "waiting" and view["guidance"]["kind"] == "cpr"
    assert view["status_text"].startswith("Every nearby ambulance is on a call")


def test_caller_token_reads_only_its_own_call(client: Any, door: dict[str, Any]) -> None:
    first = json.loads(_post(client, {"qr_token": door["token"]}).body)
    second = json.loads(_post(client, {"location": {"lat": 24.1, "lon": 117.6}}).body)
    resp = client.http.get(
        f"/v1/calls/{second['call_id']}", headers={"Authorization": f"Bearer {first['caller_token']}"}
    )
    assert resp.status_code == 403 and json.loads(resp.body)["error"]["code"] == "not_your_call"
    resp = client.http.get(f"/v1/calls/{first['call_id']}", headers={"Authorization": "Bearer x.y"})
    assert resp.status_code == 401


def test_second_call_from_the_same_door_is_linked_and_both_are_kept(
    client: Any, aws_env: Env, door: dict[str, Any]
) -> None:
    first = json.loads(_post(client, {"qr_token": door["token"]}).body)
    second = json.loads(_post(client, {"qr_token": door["token"], "phone": "13800138000"}).body)
    assert second["linked"] and second["incident_id"] == first["incident_id"]
    view = client.http.get(
        f"/v1/incidents/{first['incident_id']}", headers=aws_env.token("dispatcher", "county:350602")
    )
    calls = json.loads(view.body)["calls"]
    assert {c["call_id"] for c in calls} == {first["call_id"], second["call_id"]}
    assert all("13800138000" not in json.dumps(c) for c in calls)  # masked for the board


def test_idempotency_key_returns_the_same_call_and_refuses_another_body(client: Any, door: dict[str, Any]) -> None:
    key = "b7b1c1c0-0000-4000-8000-000000000001"
    one = _post(client, {"qr_token": door["token"]}, **{"Idempotency-Key": key})
    two = _post(client, {"qr_token": door["token"]}, **{"Idempotency-Key": key})
    assert one.status_code == two.status_code == 201
    assert json.loads(one.body)["call_id"] == json.loads(two.body)["call_id"]
    other = _post(client, {"qr_token": door["token"], "note": "different"}, **{"Idempotency-Key": key})
    assert other.status_code == 409 and json.loads(other.body)["error"]["code"] == "idempotency_key_reused"


def test_device_location_call_is_lower_confidence(client: Any) -> None:
    resp = _post(client, {"location": {"lat": 23.7016, "lon": 117.4298, "accuracy_m": 25}})
    assert resp.status_code == 201
    assert json.loads(resp.body)["location"]["confidence"] == "device"


@pytest.mark.parametrize(
    ("mutate", "status", "code"),
    [
        (lambda t: t[:-3] + ("AAA" if not t.endswith("AAA") else "BBB"), 401, "qr_invalid_signature"),
        (lambda t: "not-a-token", 400, "qr_malformed"),
    ],
)
def test_bad_tokens_are_refused_with_distinct_codes(
    client: Any, door: dict[str, Any], mutate: Any, status: int, code: str
) -> None:
    resp = _post(client, {"qr_token": mutate(door["token"])})
    assert resp.status_code == status and json.loads(resp.body)["error"]["code"] == code


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "location_required"),
        ({"location": {"lat": 123, "lon": 1}}, 422, "validation_failed"),
        ({"location": {"lat": 24.5, "lon": 117.6}, "unknown": 1}, 422, "validation_failed"),
    ],
)
def test_bad_bodies(client: Any, body: dict[str, Any], status: int, code: str) -> None:
    resp = _post(client, body)
    assert resp.status_code == status and json.loads(resp.body)["error"]["code"] == code


def test_a_flood_from_one_client_is_throttled(client: Any) -> None:
    codes = [_post(client, {"location": {"lat": 24.0 + i / 100, "lon": 117.6}}).status_code for i in range(12)]
    assert codes.count(201) == 10 and codes[-1] == 429


def test_dispatcher_opens_an_incident_in_scope_only(client: Any, aws_env: Env, door: dict[str, Any]) -> None:
    ok = client.http.post(
        "/v1/incidents",
        headers={**JSON, **aws_env.token("dispatcher", "county:350602")},
        body=json.dumps({"address_code": DOOR, "symptoms": ["stroke_signs"]}),
    )
    assert ok.status_code == 201, ok.body
    other = client.http.post(
        "/v1/incidents",
        headers={**JSON, **aws_env.token("dispatcher", "county:350623")},
        body=json.dumps({"address_code": DOOR}),
    )
    assert other.status_code == 403
    unknown = client.http.post(
        "/v1/incidents", headers={**JSON, **aws_env.token("dispatcher")}, body=json.dumps({"address_code": "NOPE"})
    )
    assert unknown.status_code == 404 and json.loads(unknown.body)["error"]["code"] == "address_not_found"


def test_crash_between_write_and_start_is_healed_by_the_reconciler(
    client: Any, aws_env: Env, door: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.core import workflows
    from chalicelib.incidents import routes, service

    class Down(workflows.WorkflowStarter):
        def start(self, machine: str, name: str, payload: dict[str, Any]) -> str:
            raise ConnectionError("Step Functions unreachable")

    # Given Step Functions is unreachable when the call arrives
    monkeypatch.setattr(service, "get_starter", lambda: Down())
    resp = _post(client, {"qr_token": door["token"]})
    # Then the call is still accepted and stored, its workflow pending
    assert resp.status_code == 201
    incident_id = json.loads(resp.body)["incident_id"]
    assert get_incident_store().get(incident_id).workflow == "pending"  # type: ignore[union-attr]
    # When the reconciler runs after the grace period with Step Functions back
    monkeypatch.setattr(routes, "RECONCILE_GRACE", __import__("datetime").timedelta(seconds=-1))
    assert routes.reconcile_incidents.domain_function({}) == {"started": [incident_id]}
    # Then the execution named by the incident runs and registers it; a second pass does nothing
    _queued(incident_id)
    assert routes.reconcile_incidents.domain_function({}) == {"started": []}


def test_revoked_plate_is_refused_once_the_revocation_set_refreshes(
    client: Any, aws_env: Env, door: dict[str, Any]
) -> None:

    resp = client.http.post(
        f"/v1/addresses/{DOOR}/qr/revoke",
        headers={**JSON, **aws_env.token("admin")},
        body=json.dumps({"reason": "plate stolen"}),
    )
    assert resp.status_code in (200, 201), resp.body
    root.reset()  # a new container: the revocation set is loaded fresh
    refused = _post(client, {"qr_token": door["token"]})
    assert refused.status_code == 401 and json.loads(refused.body)["error"]["code"] == "qr_revoked"


def test_plate_signed_with_a_retired_key_is_refused(client: Any) -> None:
    from chalicelib.qr.keys import StaticKeyRing
    from chalicelib.qr.schemas import QrClaims
    from chalicelib.qr.tokens import sign

    old = StaticKeyRing("k0", {"k0": b"r" * 32})
    claims = QrClaims(
        address_code=DOOR,
        county="350602",
        lat=24.51,
        lon=117.65,
        text_zh="t",
        kid="k0",
        issued_at=int(time.time()) - 10,
    )
    resp = _post(client, {"qr_token": sign(claims, old)})
    assert resp.status_code == 401 and json.loads(resp.body)["error"]["code"] == "qr_key_expired"


def test_malformed_json_to_calls_is_400(client: Any) -> None:
    resp = client.http.post("/v1/calls", headers=JSON, body=b'{"qr_token": ')
    assert resp.status_code == 400 and json.loads(resp.body)["error"]["code"] == "malformed_json"


def test_linked_call_adds_its_symptoms_and_phones_are_normalised_and_masked(
    client: Any, aws_env: Env, door: dict[str, Any]
) -> None:
    first = json.loads(_post(client, {"qr_token": door["token"], "symptoms": ["other"]}).body)
    _post(client, {"qr_token": door["token"], "symptoms": ["cardiac_arrest"], "phone": "+86 138-1234-5678"})
    incident = get_incident_store().get(first["incident_id"])
    assert incident is not None and {s.value for s in incident.symptoms} == {"other", "cardiac_arrest"}
    board = json.loads(
        client.http.get(f"/v1/incidents/{first['incident_id']}", headers=aws_env.token("dispatcher")).body
    )
    phones = [c["phone_masked"] for c in board["calls"] if c["phone_masked"]]
    assert phones == ["*********5678"]


def test_empty_body_is_400(client: Any) -> None:
    resp = client.http.post("/v1/calls", headers=JSON, body=b"")
    assert resp.status_code == 400 and json.loads(resp.body)["error"]["code"] == "missing_body"


def test_concurrent_scans_of_one_plate_open_one_incident(aws_env: Env, door: dict[str, Any]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.core.clock import utcnow
    from chalicelib.incidents import service
    from chalicelib.incidents.schemas import CallRequest

    def scan(_: int) -> str:
        return service.new_call(CallRequest(qr_token=door["token"]), utcnow()).incident_id

    with ThreadPoolExecutor(max_workers=6) as pool:
        incidents = set(pool.map(scan, range(6)))
    assert len(incidents) == 1
    calls = get_incident_store().calls_of(incidents.pop())
    assert len(calls) == 6 and sum(c.linked for c in calls) == 5


def test_a_workflow_that_cannot_register_flags_the_incident_for_the_dispatcher(
    client: Any, aws_env: Env, door: dict[str, Any]
) -> None:
    def broken(event: dict[str, Any], context: Any) -> None:
        raise RuntimeError("registration store unavailable")

    # Given the Register step fails on every retry
    aws_env.adapter.handlers["incident_registered"] = broken
    incident_id = json.loads(_post(client, {"qr_token": door["token"]}).body)["incident_id"]
    # Then the execution ends failed (alarmed) and the incident is visibly handed to a human
    result = _execution(aws_env, incident_id)
    assert result["status"] == "FAILED" and result.get("error") == "NeedsDispatcher"
    incident = get_incident_store().get(incident_id)
    assert incident is not None and incident.workflow == "needs_dispatcher"


def test_a_phone_fix_outside_the_service_area_is_refused(client: Any) -> None:
    resp = _post(client, {"location": {"lat": 39.9, "lon": 116.4}})
    assert resp.status_code == 422 and json.loads(resp.body)["error"]["code"] == "out_of_service_area"
