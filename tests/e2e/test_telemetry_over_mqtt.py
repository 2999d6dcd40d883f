"""Device telemetry end to end on the running devstack: an onboard device publishes over MQTT,
the IoT rules bridge it to the work queue, the consumer stores it, and the API shows the result.
Nothing but the MQTT stream moves the unit or detects its arrival."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from tests.e2e.conftest import Devstack

COUNTY = "350629"  # Hua'an: far from the counties the dispatch tests clear and park


@pytest.fixture
def device(devstack: Devstack) -> Iterator[Any]:
    from devstack.mqtt_client import MqttPublisher

    publisher = MqttPublisher(host="127.0.0.1", port=devstack.mqtt_port, client_id="onboard-device-test")
    publisher.connect()
    yield publisher
    publisher.close()


def publish_raw(device: Any, topic: str, raw: bytes) -> None:
    info = device.client.publish(topic, raw, qos=1)
    info.wait_for_publish(10)


def until(check: Callable[[], Any], what: str, timeout_s: float = 30) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def fix(unit_id: str, seq: int, lat: float, lon: float, at: datetime, speed: float = 40.0) -> dict[str, Any]:
    return {"v": 1, "unit_id": unit_id, "seq": seq, "ts": at.isoformat(), "lat": lat, "lon": lon, "speed_kmh": speed}


def get_unit(devstack: Devstack, headers: dict[str, str], unit_id: str) -> dict[str, Any]:
    return dict(requests.get(f"{devstack.api}/units/{unit_id}", headers=headers, timeout=10).json())


def fix_time(unit: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(unit["position"]["at"].replace("Z", "+00:00"))


def free_unit(devstack: Devstack, headers: dict[str, str], skip: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    units = requests.get(f"{devstack.api}/units?status=AVAILABLE&county={COUNTY}", headers=headers, timeout=10)
    return next(u for u in units.json()["units"] if u["unit_id"] not in skip)


def test_a_stream_moves_the_unit_forward_only(devstack: Devstack, device: Any) -> None:
    desk = devstack.token("dispatcher")
    u = free_unit(devstack, desk)
    unit_id, lat, lon = u["unit_id"], u["position"]["lat"], u["position"]["lon"]
    topic = f"ems/units/{unit_id}/telemetry"
    now = datetime.now(UTC).replace(microsecond=0)
    # Given a fix published now
    device.publish(topic, fix(unit_id, 10, lat + 0.001, lon, now))
    stored = until(lambda: (v := get_unit(devstack, desk, unit_id)) and fix_time(v) >= now and v, "fix")
    assert stored["position"]["lat"] == pytest.approx(lat + 0.001)
    # When a late fix, a duplicate and then a newer fix arrive
    device.publish(topic, fix(unit_id, 5, lat - 0.05, lon, now - timedelta(seconds=5)))
    device.publish(topic, fix(unit_id, 10, lat + 0.001, lon, now))
    later = now + timedelta(seconds=4)
    device.publish(topic, fix(unit_id, 14, lat + 0.002, lon, later))
    # Then the newer one is stored, and nothing moves it back afterwards
    until(lambda: get_unit(devstack, desk, unit_id)["position"]["lat"] == pytest.approx(lat + 0.002), "newer fix")
    time.sleep(2.5)  # more than one batching window
    assert get_unit(devstack, desk, unit_id)["position"]["lat"] == pytest.approx(lat + 0.002)


def rejects(devstack: Devstack) -> list[dict[str, Any]]:
    sqs = devstack.aws("sqs")
    url = sqs.get_queue_url(QueueName="ems-local-telemetry-rejects")["QueueUrl"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=1)
    for m in got.get("Messages", []):
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return [json.loads(m["Body"]) | {"attributes": m.get("MessageAttributes", {})} for m in got.get("Messages", [])]


def test_each_kind_of_bad_message_lands_in_the_rejects_queue_with_its_reason(devstack: Devstack, device: Any) -> None:
    desk = devstack.token("dispatcher")
    u = free_unit(devstack, desk)
    unit_id, lat, lon = u["unit_id"], u["position"]["lat"], u["position"]["lon"]
    now = datetime.now(UTC)
    good = fix(unit_id, 1, lat, lon, now)
    publish_raw(device, f"ems/units/{unit_id}/telemetry", b"\x00not json")
    device.publish(
        f"ems/units/{unit_id}/vitals", {"v": 1, "unit_id": unit_id, "seq": 1, "ts": now.isoformat(), "spo2": 140}
    )
    device.publish(f"ems/units/{unit_id}/telemetry", {**good, "unit_id": "AMB01"})
    device.publish("ems/units/AMB404/telemetry", {**good, "unit_id": "AMB404"})
    device.publish(f"ems/units/{unit_id}/telemetry", {**good, "ts": (now + timedelta(hours=1)).isoformat()})
    expected = {"invalid_json", "invalid_schema", "wrong_unit", "unknown_unit", "clock_ahead"}
    seen: dict[str, dict[str, Any]] = {}

    def collect() -> bool:
        for r in rejects(devstack):
            if r.get("unit_id") in (unit_id, "AMB404"):
                seen[r["reason"]] = r
        return expected <= set(seen)

    until(collect, f"rejects {expected - set(seen)}", timeout_s=45)
    assert seen["invalid_schema"]["field"] == "spo2"
    assert seen["invalid_schema"]["attributes"]["reason"]["StringValue"] == "invalid_schema"
    assert base64.b64decode(seen["invalid_json"]["payload"]) == b"\x00not json"
    # A clock an hour ahead did not freeze the unit in the future
    assert fix_time(get_unit(devstack, desk, unit_id)) < now + timedelta(minutes=5)


def test_arrival_on_scene_is_detected_from_the_stream_alone(devstack: Devstack, device: Any) -> None:
    desk = devstack.token("dispatcher")
    u = free_unit(devstack, desk)
    scene = {"lat": u["position"]["lat"] + 0.004, "lon": u["position"]["lon"] + 0.003}
    resp = requests.post(
        f"{devstack.api}/incidents", json={"location": scene, "symptoms": ["chest_pain"]}, headers=desk, timeout=30
    )
    assert resp.status_code == 201, resp.text
    incident_id = resp.json()["incident_id"]

    def assigned() -> str | None:
        view = requests.get(f"{devstack.api}/incidents/{incident_id}", headers=desk, timeout=10).json()
        return (view["dispatch"].get("assignment") or {}).get("unit_id")

    unit_id = until(assigned, "an assignment")
    crew = devstack.token("crew", f"unit:{unit_id}")
    try:
        resp = requests.post(
            f"{devstack.api}/units/{unit_id}/status", json={"status": "en_route"}, headers=crew, timeout=10
        )
        assert resp.status_code == 200, resp.text
        start = get_unit(devstack, desk, unit_id)["position"]
        topic = f"ems/units/{unit_id}/telemetry"
        # Newer than anything an earlier test stored for this unit; a dozen seconds ahead is within clock bounds
        now = datetime.now(UTC) + timedelta(seconds=1)
        steps = 12
        for i in range(1, steps + 1):  # driving in: the last two fixes stopped at the door
            f = i / (steps - 2) if i < steps - 1 else 1.0
            lat = start["lat"] + (scene["lat"] + 0.0003 - start["lat"]) * f
            lon = start["lon"] + (scene["lon"] - start["lon"]) * f
            device.publish(topic, fix(unit_id, i, lat, lon, now + timedelta(seconds=i), speed=0 if f == 1.0 else 45))
        on_scene = until(lambda: get_unit(devstack, desk, unit_id)["status"] == "ON_SCENE", "arrival", timeout_s=30)
        assert on_scene
        view = requests.get(f"{devstack.api}/incidents/{incident_id}", headers=desk, timeout=10).json()
        assert view["status"] == "on_scene"
    finally:
        # The crew clears the scene (the incident closes), or the desk cancels: the unit is free again
        url = f"{devstack.api}/units/{unit_id}/status"
        if requests.post(url, json={"status": "available"}, headers=crew, timeout=10).status_code != 200:
            cancel = f"{devstack.api}/incidents/{incident_id}/cancel"
            requests.post(cancel, json={"reason": "test"}, headers=desk, timeout=10)
