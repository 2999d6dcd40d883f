"""Automatic dispatch through the real workflow (moto runs the ASL) and the dispatcher API:
claim, crew message, waiting pool, a freed unit handed to the longest wait, escalation,
manual override and cancellation."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from chalicelib.core import root
from chalicelib.core.tables import bound
from chalicelib.fleet.dal import UnitRecord, UnitTimeRecord, availability_actions
from chalicelib.fleet.entities import UnitStatus

JSON = {"Content-Type": "application/json"}
CITY_DESK = "350602"  # the seeded central county (芗城区)


@pytest.fixture
def fleet(aws_env: Any) -> Iterator[Any]:
    from devstack.seed import generate, load

    root.reset()
    load(generate(addresses=50, volunteers=5))
    yield aws_env
    root.reset()


def only_free(*unit_ids: str) -> None:
    """Every other unit out of service: a small fleet for the test."""
    for r in bound(UnitRecord).scan():
        if r.unit_id not in unit_ids and r.status == UnitStatus.AVAILABLE.value:
            r.update(actions=availability_actions(UnitStatus.OUT_OF_SERVICE, r.lat, r.lon))


def near(unit_id: str, d_lat: float = 0.002) -> dict[str, float]:
    r = bound(UnitRecord).get(unit_id)
    return {"lat": float(r.lat) + d_lat, "lon": float(r.lon)}


def open_incident(client: Any, env: Any, where: dict[str, float], **extra: Any) -> str:
    body = {"location": where, **extra}
    resp = client.http.post("/v1/incidents", headers={**JSON, **env.token("dispatcher")}, body=json.dumps(body))
    assert resp.status_code == 201, resp.body
    return str(resp.json_body["incident_id"])


def view(client: Any, env: Any, incident_id: str) -> dict[str, Any]:
    resp = client.http.get(f"/v1/incidents/{incident_id}", headers=env.token("dispatcher"))
    assert resp.status_code == 200, resp.body
    return dict(resp.json_body)


def until(check: Callable[[], Any], what: str, timeout_s: float = 30) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def settled(client: Any, env: Any, incident_id: str) -> dict[str, Any]:
    """The incident once dispatch is done with it: assigned with its crew told, or waiting."""

    def check() -> dict[str, Any] | None:
        v = view(client, env, incident_id)
        a = v["dispatch"]["assignment"]
        return v if v["status"] == "waiting" or (a and a["crew_notified"]) else None

    return dict(until(check, f"{incident_id} to be assigned or queued"))


def crew_messages(env: Any, unit_id: str) -> list[dict[str, Any]]:
    return [p for t, p in env.publisher.sent if t == f"ems/units/{unit_id}/dispatch"]


def post(client: Any, headers: dict[str, str], path: str, body: dict[str, Any]) -> Any:
    return client.http.post(path, headers={**JSON, **headers}, body=json.dumps(body))


def execution_status(env: Any, incident_id: str) -> str:
    from chalicelib.core.aws import client as aws

    arn = env.machines["call_to_admission"].replace(":stateMachine:", ":execution:") + f":{incident_id}"
    return str(aws("stepfunctions").describe_execution(executionArn=arn)["status"])


def parked(incident_id: str) -> list[str]:
    """The milestones the incident's workflow waits for now (its parked task tokens)."""
    from chalicelib.incidents.dal import IncidentRecord
    from chalicelib.workflow.api import Milestone

    record = bound(IncidentRecord).get(incident_id, consistent_read=True)
    return [m.value for m in Milestone if getattr(record, f"token_{m.value}")]


def co_response_queue() -> str:
    """An SQS queue subscribed to dispatch events on the bus, as a fire desk's would be."""
    from chalicelib.core.aws import client as aws

    url = aws("sqs").create_queue(QueueName="fire-desk")["QueueUrl"]
    arn = aws("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {"source": ["ems.dispatch"], "detail-type": ["UnitDispatched"], "detail": {"co_responders": ["fire"]}}
    aws("events").put_rule(Name="fire", EventPattern=json.dumps(pattern))
    aws("events").put_targets(Rule="fire", Targets=[{"Id": "q", "Arn": arn}])
    return str(url)


def test_an_incident_gets_the_nearest_free_unit_and_its_crew_is_told(fleet: Any, client: Any) -> None:
    from chalicelib.core.aws import client as aws

    only_free("AMB01", "AMB10", "AMB12")
    fire_desk = co_response_queue()
    incident_id = open_incident(client, fleet, near("AMB10"), symptoms=["trauma"])
    v = settled(client, fleet, incident_id)
    assert v["status"] == "assigned" and v["dispatch"]["assignment"]["unit_id"] == "AMB10"
    assert v["dispatch"]["assignment"]["assigned_by"] == "auto"
    recs = v["dispatch"]["recommendations"]
    # County first: AMB01 is free but in another county, so it is not offered.
    assert [r["unit_id"] for r in recs] == ["AMB10", "AMB12"] and "nearest by travel time" in recs[0]["reasons"]
    assert recs[0]["eta_s"] < recs[1]["eta_s"]
    # The crew's terminal has the job: place and nature, nothing personal.
    (msg,) = crew_messages(fleet, "AMB10")
    assert msg["type"] == "assignment" and msg["incident_id"] == incident_id
    assert msg["nature"] == ["trauma"] and msg["co_responders"] == ["fire", "police"]
    # The unit shows the assignment, and the claim stamped eTimes.03 (unit notified).
    crew = fleet.token("crew", "unit:AMB10")
    assignment = client.http.get("/v1/units/AMB10/assignment", headers=crew).json_body
    assert assignment["incident_id"] == incident_id and assignment["status"] == "ASSIGNED"
    assert assignment["job"] == msg  # the app's fallback when the MQTT message was missed
    assert [r.node for r in bound(UnitTimeRecord).query(incident_id)] == ["eTimes.03"]
    # The workflow goes on: it waits for the unit on scene.
    until(lambda: parked(incident_id) == ["on_scene"], "the workflow to wait for the unit on scene")
    assert execution_status(fleet, incident_id) == "RUNNING"
    # Co-responders: the fire desk's rule on the bus received the dispatch event.
    (event,) = [json.loads(m["Body"]) for m in aws("sqs").receive_message(QueueUrl=fire_desk)["Messages"]]
    assert event["detail"]["incident_id"] == incident_id and event["detail"]["unit_id"] == "AMB10"
    assert "phone" not in json.dumps(event)


def test_many_incidents_few_units_every_unit_once_every_incident_assigned_or_waiting(fleet: Any, client: Any) -> None:
    only_free("AMB01", "AMB04", "AMB06")
    incidents = [open_incident(client, fleet, near("AMB01", 0.005 * (i + 1))) for i in range(7)]
    views = [settled(client, fleet, i) for i in incidents]
    units = [v["dispatch"]["assignment"]["unit_id"] for v in views if v["status"] == "assigned"]
    assert sorted(units) == ["AMB01", "AMB04", "AMB06"]  # each exactly once
    assert sum(v["status"] == "waiting" for v in views) == 4
    for unit_id in units:
        assert len(crew_messages(fleet, unit_id)) == 1
    # The board lists the waiting ones first, longest wait on top.
    board = client.http.get(f"/v1/incidents?county={CITY_DESK}", headers=fleet.token("dispatcher")).json_body
    statuses = [i["status"] for i in board["incidents"]]
    assert statuses == ["waiting"] * 4 + ["assigned"] * 3
    waiting = client.http.get("/v1/incidents?status=waiting", headers=fleet.token("dispatcher")).json_body
    assert len(waiting["incidents"]) == 4
    # Every wait was pushed to the county's board.
    alerts = [p for t, p in fleet.publisher.sent if t == f"ems/dispatch/{CITY_DESK}/alerts"]
    assert {a["incident_id"] for a in alerts} == {v["incident_id"] for v in views if v["status"] == "waiting"}


def test_a_unit_coming_free_goes_to_the_longest_waiting_incident(fleet: Any, client: Any) -> None:
    only_free("AMB01")
    first = open_incident(client, fleet, near("AMB01"))
    assert settled(client, fleet, first)["status"] == "assigned"
    older = open_incident(client, fleet, near("AMB01", 0.01))
    assert settled(client, fleet, older)["status"] == "waiting"
    newer = open_incident(client, fleet, near("AMB01", 0.02))
    assert settled(client, fleet, newer)["status"] == "waiting"
    crew = fleet.token("crew", "unit:AMB01")
    for status in ("en_route", "on_scene", "available"):  # treated on scene, released
        assert post(client, crew, "/v1/units/AMB01/status", {"status": status}).status_code == 200
    # The unit is claimed for the older wait at once; its workflow wakes and tells the crew.
    v = settled(client, fleet, older)
    assert v["status"] == "assigned" and v["dispatch"]["assignment"]["unit_id"] == "AMB01"
    assert [m["incident_id"] for m in crew_messages(fleet, "AMB01")] == [first, older]
    assert view(client, fleet, first)["status"] == "closed"
    assert view(client, fleet, newer)["status"] == "waiting"
    until(lambda: parked(older) == ["on_scene"], "the woken execution to wait for its unit on scene")
    # The first job ended with its unit back in service: its workflow closed instead of waiting on.
    until(lambda: execution_status(fleet, first) == "SUCCEEDED", "the first execution to close")


def test_cancelling_frees_the_unit_and_ends_a_waiting_execution(fleet: Any, client: Any) -> None:
    only_free("AMB04")
    assigned = open_incident(client, fleet, near("AMB04"))
    assert settled(client, fleet, assigned)["status"] == "assigned"
    waiting = open_incident(client, fleet, near("AMB04", 0.01))
    assert settled(client, fleet, waiting)["status"] == "waiting"
    desk = fleet.token("dispatcher", f"county:{CITY_DESK}")
    # Cancel the waiting one: its execution ends (nothing to dispatch any more).
    resp = post(client, desk, f"/v1/incidents/{waiting}/cancel", {"reason": "caller: false alarm"})
    assert resp.status_code == 200 and resp.json_body == {
        "incident_id": waiting,
        "status": "cancelled",
        "freed_unit_id": None,
    }
    until(lambda: execution_status(fleet, waiting) == "SUCCEEDED", "the cancelled execution to close")
    # Cancel the assigned one: the crew is stood down and the unit is free again.
    resp = post(client, desk, f"/v1/incidents/{assigned}/cancel", {"reason": "patient left"})
    assert resp.json_body["freed_unit_id"] == "AMB04"
    assert crew_messages(fleet, "AMB04")[-1]["type"] == "stand_down"
    until(lambda: execution_status(fleet, assigned) == "SUCCEEDED", "the stood-down job's execution to close")
    unit = client.http.get("/v1/units/AMB04", headers=desk).json_body
    assert unit["status"] == "AVAILABLE"
    nodes = [r.node for r in bound(UnitTimeRecord).query(assigned)]
    assert nodes == ["eTimes.03", "eTimes.13", "eTimes.14"]
    # A repeat is harmless; a cancelled incident cannot be assigned.
    again = post(client, desk, f"/v1/incidents/{assigned}/cancel", {"reason": "patient left"})
    assert again.status_code == 200
    late = post(client, desk, f"/v1/incidents/{assigned}/assign", {"unit_id": "AMB04"})
    assert late.status_code == 409 and late.json_body["error"]["code"] == "incident_closed"


def test_a_unit_on_scene_is_not_cancelled_from_the_desk(fleet: Any, client: Any) -> None:
    only_free("AMB06")
    incident_id = open_incident(client, fleet, near("AMB06"))
    settled(client, fleet, incident_id)
    crew = fleet.token("crew", "unit:AMB06")
    for status in ("en_route", "on_scene"):
        post(client, crew, "/v1/units/AMB06/status", {"status": status})
    assert view(client, fleet, incident_id)["status"] == "on_scene"  # the incident follows its unit
    resp = post(client, fleet.token("dispatcher"), f"/v1/incidents/{incident_id}/cancel", {"reason": "x"})
    assert resp.status_code == 409 and resp.json_body["error"]["code"] == "unit_on_scene"


def test_a_dispatcher_overrides_the_choice_and_the_override_is_audited(fleet: Any, client: Any) -> None:
    only_free("AMB01", "AMB04")
    incident_id = open_incident(client, fleet, near("AMB01"))
    first = settled(client, fleet, incident_id)["dispatch"]["assignment"]["unit_id"]
    other = "AMB04" if first == "AMB01" else "AMB01"
    desk = fleet.token("dispatcher", f"county:{CITY_DESK}")
    body = {"unit_id": other, "reason": "crew of the first unit reports a flat tyre"}
    resp = post(client, desk, f"/v1/incidents/{incident_id}/assign", body)
    assert resp.status_code == 200, resp.body
    assert resp.json_body == {
        "incident_id": incident_id,
        "unit_id": other,
        "previous_unit_id": first,
        "status": "assigned",
    }
    v = view(client, fleet, incident_id)
    assert v["dispatch"]["assignment"]["unit_id"] == other
    assert v["dispatch"]["assignment"]["assigned_by"] == "dispatcher"
    assert crew_messages(fleet, first)[-1]["type"] == "stand_down"
    assert crew_messages(fleet, other)[-1]["incident_id"] == incident_id
    assert client.http.get(f"/v1/units/{first}", headers=desk).json_body["status"] == "AVAILABLE"
    trail = client.http.get(f"/v1/audit?subject=incident:{incident_id}", headers=fleet.token("admin")).json_body
    assert any(e["action"] == "incident.assign" and other in (e["reason"] or "") for e in trail["events"])


def test_dispatcher_commands_are_checked(fleet: Any, client: Any) -> None:
    only_free("AMB01")
    incident_id = open_incident(client, fleet, near("AMB01"))
    settled(client, fleet, incident_id)
    desk = fleet.token("dispatcher", f"county:{CITY_DESK}")
    path = f"/v1/incidents/{incident_id}/assign"
    busy = post(client, desk, path, {"unit_id": "AMB02"})  # out of service in this test
    assert busy.status_code == 409 and busy.json_body["error"]["code"] == "unit_not_available"
    assert busy.json_body["error"]["details"]["status"] == "OUT_OF_SERVICE"
    missing = post(client, desk, path, {"unit_id": "AMB99"})
    assert missing.status_code == 404 and missing.json_body["error"]["code"] == "unit_not_found"
    other_county = post(client, desk, path, {"unit_id": "AMB10"})
    assert other_county.status_code == 403 and other_county.json_body["error"]["code"] == "scope_denied"
    assert post(client, desk, path, {"unit_id": "AMB01", "extra": 1}).status_code == 422
    assert post(client, desk, f"/v1/incidents/{incident_id}/cancel", {}).status_code == 422
    assert post(client, fleet.token("crew", "unit:AMB01"), path, {"unit_id": "AMB01"}).status_code == 403
    assert post(client, desk, "/v1/incidents/INC0/assign", {"unit_id": "AMB01"}).status_code == 404
    elsewhere = fleet.token("dispatcher", "county:350603")
    assert client.http.get(f"/v1/incidents/{incident_id}", headers=elsewhere).status_code == 404  # as if missing
    assert client.http.get("/v1/incidents?county=350602", headers=elsewhere).status_code == 403
    assert client.http.get("/v1/incidents?status=closed", headers=desk).status_code == 422


def test_with_nothing_free_the_wait_escalates_to_the_city_and_takes_a_unit_from_another_county(
    fleet: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setenv("EMS_ESCALATE_AFTER_S", "5")
    root.reset()
    only_free()
    incident_id = open_incident(client, fleet, near("AMB01"))
    assert settled(client, fleet, incident_id)["dispatch"]["level"] == "county"

    def alerts() -> list[str]:
        return [p["type"] for t, p in list(fleet.publisher.sent) if t == f"ems/dispatch/{CITY_DESK}/alerts"]

    until(lambda: len(alerts()) == 2, "the wait to escalate to the city")
    assert alerts() == ["no_unit_available", "escalated_to_city"]
    assert view(client, fleet, incident_id)["dispatch"]["level"] == "city"
    # A unit of another county comes back into service: the city-level wait takes it.
    back = post(client, fleet.token("admin"), "/v1/units/AMB20/status", {"status": "available"})
    assert back.status_code == 200
    v = settled(client, fleet, incident_id)
    assert v["status"] == "assigned" and v["dispatch"]["assignment"]["unit_id"] == "AMB20"
    until(lambda: parked(incident_id) == ["on_scene"], "the woken execution to wait for its unit on scene")


def test_the_caller_sees_the_unit_coming_and_its_estimate(fleet: Any, client: Any) -> None:
    only_free("AMB01")
    here = near("AMB01", 0.01)
    resp = client.http.post("/v1/calls", headers=JSON, body=json.dumps({"location": here, "symptoms": ["unconscious"]}))
    call = resp.json_body
    settled(client, fleet, call["incident_id"])
    auth = {"Authorization": f"Bearer {call['caller_token']}", "Accept-Language": "en"}
    status = client.http.get(f"/v1/calls/{call['call_id']}", headers=auth).json_body
    assert status["status"] == "assigned" and status["unit"]["unit_id"] == "AMB01"
    assert status["unit"]["eta_s"] > 0 and status["guidance"]["kind"] == "cpr"
    assert set(status["unit"]) == {"unit_id", "assigned_at", "eta_s"}  # nothing about the crew


def test_simultaneous_claims_of_one_unit_have_exactly_one_winner(fleet: Any) -> None:
    import sys
    import threading
    from datetime import UTC, datetime

    from chalicelib.dispatch.adapters.claims import DynamoDispatchStore
    from chalicelib.dispatch.entities import Claim
    from chalicelib.incidents.dal import IncidentRecord

    now = datetime.now(UTC)
    store = DynamoDispatchStore()
    for n in range(8):
        where = {"address_code": None, "text": None, "lat": 24.5 + n / 100, "lon": 117.6}
        where |= {"county": CITY_DESK, "confidence": "device"}
        bound(IncidentRecord)(
            f"INC-RACE-{n}", county=CITY_DESK, status="received", location=where, source="phone",
            created_at=now, updated_at=now, open_county=CITY_DESK,
        ).save()  # fmt: skip
    incidents = [store.get(f"INC-RACE-{n}") for n in range(8)]
    start, results = threading.Barrier(8), []

    def claim(inc: Any) -> None:
        start.wait()
        results.append(store.claim(inc, "AMB01", "auto", now))

    threads = [threading.Thread(target=claim, args=(i,)) for i in incidents]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as a loaded machine would
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert sorted(results) == [Claim.CLAIMED] + [Claim.UNIT_TAKEN] * 7
    holders = [r.incident_id for r in bound(IncidentRecord).scan() if r.unit_id == "AMB01"]
    assert len(holders) == 1 and bound(UnitRecord).get("AMB01").incident_id == holders[0]


def test_a_unit_breaking_down_on_the_way_puts_its_incident_back_in_the_queue(fleet: Any, client: Any) -> None:
    only_free("AMB01")
    incident_id = open_incident(client, fleet, near("AMB01"))
    assert settled(client, fleet, incident_id)["dispatch"]["assignment"]["unit_id"] == "AMB01"
    crew = fleet.token("crew", "unit:AMB01")
    assert post(client, crew, "/v1/units/AMB01/status", {"status": "en_route"}).status_code == 200
    assert post(client, crew, "/v1/units/AMB01/status", {"status": "out_of_service"}).status_code == 200
    v = view(client, fleet, incident_id)
    assert v["status"] == "waiting" and v["attention"] == "unit_out_of_service"
    assert v["dispatch"]["assignment"] is None
    # The next unit to come free in the county takes it.
    assert post(client, fleet.token("admin"), "/v1/units/AMB04/status", {"status": "available"}).status_code == 200
    v = settled(client, fleet, incident_id)
    assert v["status"] == "assigned" and v["dispatch"]["assignment"]["unit_id"] == "AMB04"
