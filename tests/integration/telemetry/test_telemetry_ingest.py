"""Device telemetry through the rules and the consumer function, against moto: each message is
projected by its real IoT rule (iot_rules/*.json), batched as SQS would, handed to the Lambda
through the function adapter, and judged by what is stored, rejected, alerted and retried."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.geo import distance_m
from chalicelib.core.tables import bound
from chalicelib.fleet.dal import UnitRecord, UnitTimeRecord
from chalicelib.telemetry.dal import LATEST, VitalsRecord
from devstack.iot_sql import parse
from iot_rules import load_rules
from tests.integration.fleet import test_fleet_api
from tests.integration.fleet.test_fleet_api import assign, post

fleet = test_fleet_api.fleet  # the same seeded-fleet fixture

RULES = {r["name"]: parse(r["sql"]) for r in load_rules()}
T0 = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(autouse=True)
def _now(fleet: Any) -> None:
    """Each test's fixes start just ahead of its own clock: after the seeded fixes and after the
    statuses the test sets, as a live stream's would."""
    global T0
    T0 = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=10)


def sqs_record(topic: str, payload: bytes | dict[str, Any]) -> dict[str, Any]:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    kind = topic.rsplit("/", 1)[-1]
    body = RULES[f"unit_{kind}"].evaluate({}, topic, raw=raw)
    return {"messageId": str(uuid.uuid4()), "receiptHandle": "r", "body": json.dumps(body), "eventSource": "aws:sqs"}


def fix(unit: str, seq: int, lat: float, lon: float, at: datetime, speed: float = 40.0) -> dict[str, Any]:
    return {"v": 1, "unit_id": unit, "seq": seq, "ts": at.isoformat(), "lat": lat, "lon": lon, "speed_kmh": speed}


def vitals(unit: str, seq: int, at: datetime, **values: Any) -> dict[str, Any]:
    return {"v": 1, "unit_id": unit, "seq": seq, "ts": at.isoformat(), **values}


def run(env: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    ok, payload = env.adapter.call("ingest_telemetry", {"Records": records})
    assert ok, payload
    return dict(payload)


def unit(unit_id: str) -> UnitRecord:
    return bound(UnitRecord).get(unit_id, consistent_read=True)


def rejects(env: Any) -> list[dict[str, Any]]:
    from chalicelib.core.aws import client

    got = client("sqs").receive_message(
        QueueUrl=env.queues["telemetry-rejects"], MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )
    return [
        {**json.loads(m["Body"]), "attrs": {k: v["StringValue"] for k, v in m["MessageAttributes"].items()}}
        for m in got.get("Messages", [])
    ]


def test_a_stream_is_coalesced_into_one_forward_only_write_per_unit(fleet: Any) -> None:
    # Given five fixes of one unit in one batch, out of order
    base = unit("AMB01")
    lat, lon = float(base.lat), float(base.lon)
    fixes = [fix("AMB01", i, lat + i * 1e-4, lon, T0 + timedelta(seconds=i)) for i in (2, 0, 4, 1, 3)]
    # When the batch is ingested
    result = run(fleet, [sqs_record("ems/units/AMB01/telemetry", f) for f in fixes])
    # Then nothing is retried, and the stored position is the newest fix, with its cells
    assert result == {"batchItemFailures": []}
    stored = unit("AMB01")
    assert stored.position_at == T0 + timedelta(seconds=4)
    assert float(stored.lat) == pytest.approx(lat + 4e-4)
    assert stored.version == base.version  # a position is not a decision: claims read before it still hold
    # The available unit's sparse index cell moved with it
    assert stored.avail_cell == stored.cell_coarse
    # And a late batch (older fixes, a duplicate) never moves it back
    late = [fix("AMB01", 1, lat - 0.01, lon, T0 + timedelta(seconds=1)), fixes[2]]
    assert run(fleet, [sqs_record("ems/units/AMB01/telemetry", f) for f in late]) == {"batchItemFailures": []}
    assert unit("AMB01").position_at == T0 + timedelta(seconds=4)
    assert float(unit("AMB01").lat) == pytest.approx(lat + 4e-4)


def test_a_fix_within_the_coalescing_interval_is_not_written(fleet: Any) -> None:
    base = unit("AMB02")
    lat, lon = float(base.lat), float(base.lon)
    run(fleet, [sqs_record("ems/units/AMB02/telemetry", fix("AMB02", 0, lat, lon, T0))])
    # One second later: the stored fix is fresh enough for dispatch
    run(fleet, [sqs_record("ems/units/AMB02/telemetry", fix("AMB02", 1, lat + 1e-4, lon, T0 + timedelta(seconds=1)))])
    assert unit("AMB02").position_at == T0
    # Three seconds later: written
    run(fleet, [sqs_record("ems/units/AMB02/telemetry", fix("AMB02", 3, lat + 3e-4, lon, T0 + timedelta(seconds=3)))])
    assert unit("AMB02").position_at == T0 + timedelta(seconds=3)


def test_each_kind_of_bad_message_is_rejected_with_its_reason_and_the_good_ones_are_stored(fleet: Any) -> None:
    base = unit("AMB03")
    good = fix("AMB03", 1, float(base.lat) + 1e-3, float(base.lon), T0 + timedelta(seconds=10))
    records = [
        sqs_record("ems/units/AMB03/telemetry", b"{not json"),
        sqs_record("ems/units/AMB03/vitals", vitals("AMB03", 1, T0, spo2=140)),
        sqs_record("ems/units/AMB03/telemetry", {**good, "unit_id": "AMB04"}),
        sqs_record("ems/units/AMB99/telemetry", {**good, "unit_id": "AMB99"}),
        sqs_record("ems/units/AMB03/telemetry", {**good, "altitude": 12}),
        sqs_record("ems/units/AMB03/telemetry", good),
    ]
    result = run(fleet, records)
    # Nothing is retried: a broken message will not mend itself
    assert result == {"batchItemFailures": []}
    got = rejects(fleet)
    reasons = sorted((r["reason"], r["field"] or "", r["attrs"].get("unit_id")) for r in got)
    assert reasons == [
        ("invalid_json", "", "AMB03"),
        ("invalid_schema", "altitude", "AMB03"),
        ("invalid_schema", "spo2", "AMB03"),
        ("unknown_unit", "unit_id", "AMB99"),
        ("wrong_unit", "unit_id", "AMB03"),
    ]
    assert all(r["attrs"]["reason"] == r["reason"] for r in got)
    # The original bytes travel with the reason, for whoever fixes the device
    import base64

    assert base64.b64decode(next(r for r in got if r["reason"] == "invalid_json")["payload"]) == b"{not json"
    # The valid message in the same batch was stored
    assert unit("AMB03").position_at == T0 + timedelta(seconds=10)


def test_arrival_on_scene_and_at_hospital_is_detected_from_the_stream_alone(fleet: Any, client: Any) -> None:
    from chalicelib.incidents.dal import IncidentRecord

    assign("AMB05", "INC-ARR")
    crew = fleet.token("crew", "unit:AMB05")
    assert post(client, crew, "AMB05", {"status": "en_route"}).status_code == 200
    scene = bound(IncidentRecord).get("INC-ARR").location
    # Driving in at speed past the door is not an arrival; stopping there is
    far = fix("AMB05", 1, scene["lat"] + 0.01, scene["lon"], T0, speed=50)
    passing = fix("AMB05", 2, scene["lat"] + 0.0003, scene["lon"], T0 + timedelta(seconds=60), speed=45)
    parked = fix("AMB05", 3, scene["lat"] + 0.0004, scene["lon"], T0 + timedelta(seconds=75), speed=0)
    run(fleet, [sqs_record("ems/units/AMB05/telemetry", f) for f in (far, passing)])
    assert unit("AMB05").status == "EN_ROUTE"
    run(fleet, [sqs_record("ems/units/AMB05/telemetry", parked)])
    assert unit("AMB05").status == "ON_SCENE"
    node = bound(UnitTimeRecord).get("INC-ARR", "eTimes.06#AMB05")
    assert node.at == T0 + timedelta(seconds=75) and node.by == "geofence"
    assert bound(IncidentRecord).get("INC-ARR").status == "on_scene"
    # The crew's own report afterwards confirms it: no second node, no error
    assert post(client, crew, "AMB05", {"status": "on_scene"}).json_body["changed"] is False
    # Transporting to a named hospital; arriving there is detected the same way
    resp = post(client, crew, "AMB05", {"status": "transporting", "destination_id": "HOS01"})
    assert resp.status_code == 200, resp.body
    assert bound(IncidentRecord).get("INC-ARR").destination_id == "HOS01"
    from chalicelib.hospitals.dal import HospitalRecord

    h = bound(HospitalRecord).get("HOS01")
    # On the way, the hospital hears the ETA (at most once a minute unless it moves by a minute)
    midway = fix("AMB05", 7, float(h.lat) + 0.03, float(h.lon), T0 + timedelta(seconds=90), speed=40)
    closer = fix("AMB05", 8, float(h.lat) + 0.029, float(h.lon), T0 + timedelta(seconds=100), speed=40)
    run(fleet, [sqs_record("ems/units/AMB05/telemetry", midway)])
    run(fleet, [sqs_record("ems/units/AMB05/telemetry", closer)])
    etas = [m for t, m in fleet.publisher.sent if t == "ems/hospitals/HOS01/inbound" and m["type"] == "eta"]
    assert len(etas) == 1 and etas[0]["incident_id"] == "INC-ARR" and etas[0]["unit_id"] == "AMB05"
    assert 120 < etas[0]["eta_s"] < 900  # 3.3 km of city streets
    gate = fix("AMB05", 9, float(h.lat) + 0.001, float(h.lon), T0 + timedelta(minutes=2), speed=5)
    assert distance_m(gate["lat"], gate["lon"], float(h.lat), float(h.lon)) < 250
    run(fleet, [sqs_record("ems/units/AMB05/telemetry", gate)])
    assert unit("AMB05").status == "AT_HOSPITAL"
    assert bound(UnitTimeRecord).get("INC-ARR", "eTimes.11#AMB05").by == "geofence"


def test_destination_goes_with_transporting_only_and_must_exist(fleet: Any, client: Any) -> None:
    assign("AMB06", "INC-DST")
    crew = fleet.token("crew", "unit:AMB06")
    resp = post(client, crew, "AMB06", {"status": "en_route", "destination_id": "HOS01"})
    assert resp.status_code == 422 and resp.json_body["error"]["code"] == "destination_not_expected"
    post(client, crew, "AMB06", {"status": "en_route"})
    post(client, crew, "AMB06", {"status": "on_scene"})
    resp = post(client, crew, "AMB06", {"status": "transporting", "destination_id": "HOS99"})
    assert resp.status_code == 422 and resp.json_body["error"]["code"] == "unknown_hospital"
    assert unit("AMB06").status == "ON_SCENE"


def test_vitals_are_stored_per_incident_scored_and_a_deterioration_is_told_once(fleet: Any, client: Any) -> None:
    assign("AMB07", "INC-VIT")
    crew = fleet.token("crew", "unit:AMB07")
    for body in ({"status": "en_route"}, {"status": "on_scene"}, {"status": "transporting", "destination_id": "HOS02"}):
        assert post(client, crew, "AMB07", body).status_code == 200
    calm = vitals("AMB07", 1, T0, hr=80, sbp=125, spo2=98, rr=16, temp_c=36.8)
    worse = vitals("AMB07", 2, T0 + timedelta(seconds=5), hr=135, sbp=88, spo2=90, rr=26, temp_c=36.8)
    still = vitals("AMB07", 3, T0 + timedelta(seconds=10), hr=136, sbp=87, spo2=90, rr=27, temp_c=36.8)
    run(fleet, [sqs_record("ems/units/AMB07/vitals", v) for v in (calm, worse)])
    run(fleet, [sqs_record("ems/units/AMB07/vitals", still)])
    stored = [r for r in bound(VitalsRecord).query("INC-VIT") if r.reading != LATEST]
    assert [r.at for r in stored] == [T0 + timedelta(seconds=s) for s in (0, 5, 10)]
    assert stored[0].news2 == 0 and stored[1].news2_risk == "high"
    assert stored[0].expires_at > datetime.now(UTC) + timedelta(days=29)
    alerts = [(t, p) for t, p in fleet.publisher.sent if p.get("type") == "deterioration"]
    # Told once, when the risk rose, to the crew and to the receiving hospital
    assert sorted(t for t, _ in alerts) == ["ems/hospitals/HOS02/alerts", "ems/units/AMB07/alerts"]
    payload = alerts[0][1]
    assert payload["incident_id"] == "INC-VIT" and payload["risk"] == "high" and payload["partial"] is True
    # A redelivered batch stores nothing twice and tells nothing again
    run(fleet, [sqs_record("ems/units/AMB07/vitals", v) for v in (calm, worse)])
    assert len([r for r in bound(VitalsRecord).query("INC-VIT") if r.reading != LATEST]) == 3
    assert len([p for _, p in fleet.publisher.sent if p.get("type") == "deterioration"]) == 2

    # The crew and the receiving hospital read them back; others may not, and every read is audited
    def readings(headers: dict[str, str], query: str = "") -> Any:
        return client.http.get(f"/v1/incidents/INC-VIT/vitals{query}", headers=headers)

    mine = readings(crew).json_body
    assert [r["news2"] for r in mine["readings"]] == [0, stored[1].news2, stored[2].news2]
    assert mine["readings"][1]["values"]["spo2"] == 90 and mine["readings"][1]["risk"] == "high"
    after = (T0 + timedelta(seconds=5)).isoformat().replace("+00:00", "Z")
    assert readings(fleet.token("hospital", "hospital:HOS02"), f"?since={after}").json_body["count"] == 1
    denied = readings(fleet.token("hospital", "hospital:HOS01"))
    assert denied.status_code == 403 and denied.json_body["error"]["code"] == "not_destination"
    assert readings(fleet.token("crew", "unit:AMB08")).json_body["error"]["code"] == "not_assigned"
    assert readings(fleet.token("volunteer", "volunteer:V1")).status_code == 403
    from chalicelib.platform.dal import AuditRecord

    trail = [a for a in bound(AuditRecord).query("incident:INC-VIT") if a.action == "vitals.read"]
    assert len(trail) == 2  # the crew's and the receiving hospital's


def test_device_status_keeps_the_newest_report(fleet: Any) -> None:
    newer = {"v": 1, "unit_id": "AMB08", "seq": 2, "ts": (T0 + timedelta(minutes=1)).isoformat(), "battery_pct": 80}
    older = {"v": 1, "unit_id": "AMB08", "seq": 1, "ts": T0.isoformat(), "battery_pct": 95}
    run(fleet, [sqs_record("ems/units/AMB08/status", newer)])
    run(fleet, [sqs_record("ems/units/AMB08/status", older)])
    stored = unit("AMB08")
    assert stored.device["battery_pct"] == 80 and stored.device["seq"] == 2
    assert stored.device_at == T0 + timedelta(minutes=1)


def test_a_transient_failure_retries_only_that_units_messages(fleet: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.telemetry.wiring import get_ports

    store = get_ports().store
    real = store.write_position

    def flaky(u: Any, f: Any) -> Any:
        if u.unit_id == "AMB09":
            raise RuntimeError("ProvisionedThroughputExceededException")
        return real(u, f)

    monkeypatch.setattr(store, "write_position", flaky)
    a, b = unit("AMB09"), unit("AMB10")
    ra = sqs_record("ems/units/AMB09/telemetry", fix("AMB09", 1, float(a.lat), float(a.lon), T0 + timedelta(seconds=9)))
    rb = sqs_record("ems/units/AMB10/telemetry", fix("AMB10", 1, float(b.lat), float(b.lon), T0 + timedelta(seconds=9)))
    result = run(fleet, [ra, rb])
    assert result == {"batchItemFailures": [{"itemIdentifier": ra["messageId"]}]}
    assert unit("AMB10").position_at == T0 + timedelta(seconds=9)


def test_the_crew_confirms_or_corrects_an_arrival_the_stream_detected(fleet: Any, client: Any) -> None:
    from chalicelib.incidents.dal import IncidentRecord

    assign("AMB11", "INC-FIX")
    crew = fleet.token("crew", "unit:AMB11")
    post(client, crew, "AMB11", {"status": "en_route"})
    scene = bound(IncidentRecord).get("INC-FIX").location
    run(fleet, [sqs_record("ems/units/AMB11/telemetry", fix("AMB11", 1, scene["lat"], scene["lon"], T0, speed=0))])
    assert unit("AMB11").status == "ON_SCENE"

    def amend(headers: dict[str, str], body: dict[str, Any]) -> Any:
        return client.http.post(
            "/v1/units/AMB11/times", headers={**headers, "Content-Type": "application/json"}, body=json.dumps(body)
        )

    confirmed = amend(crew, {"incident_id": "INC-FIX", "node": "eTimes.06"})
    assert confirmed.status_code == 200, confirmed.body
    assert confirmed.json_body["by"] == "geofence" and confirmed.json_body["confirmed_by"]
    earlier = T0 - timedelta(seconds=40)  # the crew was at the door before the unit stopped moving
    corrected = amend(crew, {"incident_id": "INC-FIX", "node": "eTimes.06", "at": earlier.isoformat()}).json_body
    assert datetime.fromisoformat(corrected["at"]) == earlier
    assert datetime.fromisoformat(corrected["corrected_from"]) == T0
    assert bound(UnitTimeRecord).get("INC-FIX", "eTimes.06#AMB11").at == earlier
    # Another unit's crew cannot, and a node never recorded is 404
    other = amend(fleet.token("crew", "unit:AMB12"), {"incident_id": "INC-FIX", "node": "eTimes.06"})
    assert other.status_code == 403
    missing = amend(crew, {"incident_id": "INC-FIX", "node": "eTimes.11"})
    assert missing.status_code == 404 and missing.json_body["error"]["code"] == "time_node_not_found"


def test_critical_readings_re_triage_the_patient_once(fleet: Any, client: Any) -> None:
    from chalicelib.incidents.dal import IncidentRecord
    from chalicelib.triage.dal import AssessmentRecord

    assign("AMB12", "INC-RTR")
    post(client, fleet.token("crew", "unit:AMB12"), "AMB12", {"status": "en_route"})
    calm = vitals("AMB12", 1, T0, hr=80, sbp=125, spo2=98, rr=16)
    dying = vitals("AMB12", 2, T0 + timedelta(seconds=5), hr=190, sbp=65, spo2=75, rr=34)
    run(fleet, [sqs_record("ems/units/AMB12/vitals", calm)])
    assert bound(IncidentRecord).get("INC-RTR").triage_level is None  # a calm stream changes nothing
    run(fleet, [sqs_record("ems/units/AMB12/vitals", dying)])
    run(fleet, [sqs_record("ems/units/AMB12/vitals", dying)])  # redelivered
    assert bound(IncidentRecord).get("INC-RTR").triage_level == 1
    (record,) = list(bound(AssessmentRecord).query("INC-RTR"))
    assert record.by == "telemetry" and record.level == 1 and record.assessed_at == T0 + timedelta(seconds=5)
