"""Caller video and telephone CPR over the API against moto, with the local video provider: the caller
of a cardiac arrest shows the scene, the dispatcher (and a hospital with access) coaches on video, the
steps come in the caller's language, the progress lands on the incident's timeline, and the room goes
with the incident."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.tables import bound
from chalicelib.cpr.dal import SceneVideoRecord
from chalicelib.incidents.wiring import get_incident_store
from chalicelib.video.adapters.local import LocalVideo
from chalicelib.video.ports import JoinInfo, Role, Room, VideoProvider, VideoUnavailable
from tests.integration.conftest import Env
from tests.integration.incidents.test_calls_api import _queued

JSON = {"Content-Type": "application/json"}
SCENE = (24.5109, 117.6536)  # Xiangcheng district


@dataclass
class SpyVideo(VideoProvider):
    """The local provider, remembering what was opened and closed; its close may be made to fail."""

    inner: LocalVideo = field(default_factory=lambda: LocalVideo("mqtt://127.0.0.1:1883"))
    opened: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    close_fails: bool = False
    open_fails: bool = False

    def open(self, name: str) -> Room:
        if self.open_fails:
            raise VideoUnavailable("CreateSignalingChannel: EndpointConnectionError")
        self.opened.append(name)
        return self.inner.open(name)

    def join(self, room: Room, client_id: str, role: Role, now: datetime) -> JoinInfo:
        return self.inner.join(room, client_id, role, now)

    def close(self, room: Room) -> None:
        if self.close_fails:
            raise VideoUnavailable("DeleteSignalingChannel: EndpointConnectionError")
        self.closed.append(room.name)


@pytest.fixture
def video(aws_env: Env, monkeypatch: pytest.MonkeyPatch) -> Iterator[SpyVideo]:
    from chalicelib.cpr import video as scene_video

    spy = SpyVideo()
    monkeypatch.setattr(scene_video, "_provider", lambda: spy)
    yield spy


@dataclass
class Caller:
    call_id: str
    incident_id: str
    county: str
    auth: dict[str, str]


def call(client: Any, symptoms: list[str], at: tuple[float, float] = SCENE) -> Caller:
    body = {"location": {"lat": at[0], "lon": at[1]}, "symptoms": symptoms}
    resp = client.http.post("/v1/calls", headers=JSON, body=json.dumps(body))
    assert resp.status_code == 201, resp.body
    made = resp.json_body
    incident = get_incident_store().get(made["incident_id"])
    assert incident is not None
    return Caller(made["call_id"], made["incident_id"], incident.county,
                  {"Authorization": f"Bearer {made['caller_token']}"})  # fmt: skip


def post(client: Any, path: str, headers: dict[str, str], body: dict[str, Any] | None = None) -> Any:
    return client.http.post(path, headers={**JSON, **headers}, body=json.dumps(body or {}))


def desk(env: Env, caller: Caller) -> dict[str, str]:
    return env.token("dispatcher", f"county:{caller.county}")


def cancel(client: Any, env: Env, caller: Caller) -> None:
    _queued(caller.incident_id)  # the workflow settled (no unit free): nothing races the cancel
    resp = post(client, f"/v1/incidents/{caller.incident_id}/cancel", desk(env, caller), {"reason": "false alarm"})
    assert resp.status_code == 200, resp.body


# -- video ------------------------------------------------------------------------------------------


def test_the_caller_shows_the_scene_and_the_dispatcher_and_an_expert_join_the_same_room(
    client: Any, aws_env: Env, video: SpyVideo
) -> None:
    # Given a cardiac-arrest call
    caller = call(client, ["cardiac_arrest"])
    # When the caller opens the video, twice (the app rejoins when its URL lapses)
    first = post(client, f"/v1/calls/{caller.call_id}/video", caller.auth)
    again = post(client, f"/v1/calls/{caller.call_id}/video", caller.auth)
    # Then one room for the incident, named within the functions' IAM limit, joined as its sender
    assert first.status_code == again.status_code == 200, first.body
    room = f"ems-scene-{caller.incident_id}"
    one, two = first.json_body["video"], again.json_body["video"]
    assert video.opened == [room] and one["room_id"] == two["room_id"] == room
    assert one["role"] == "master" and one["topics"]["receive"] == f"ems/video/{room}/to-master"
    assert one["client_id"] != two["client_id"] and one["expires_at"]
    assert set(first.json_body) == {"call_id", "incident_id", "video"}  # nothing about anyone else

    # The county's dispatcher joins the same room as a viewer; participants are recorded
    joined = post(client, f"/v1/incidents/{caller.incident_id}/video/join", desk(aws_env, caller))
    assert joined.status_code == 200, joined.body
    view = joined.json_body
    assert view["video"]["room_id"] == room and view["video"]["role"] == "viewer"
    assert view["video"]["topics"]["send"] == f"ems/video/{room}/to-master"
    assert [(p["kind"], p["role"]) for p in view["participants"]] == [
        ("caller", "master"), ("caller", "master"), ("dispatcher", "viewer"),
    ]  # fmt: skip
    assert view["participants"][0]["subject"] == f"call:{caller.call_id}"

    # A hospital joins only with access to the record (here: a consultation's grant)
    expert = aws_env.token("hospital", "hospital:HOS07")
    refused = post(client, f"/v1/incidents/{caller.incident_id}/video/join", expert)
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "not_destination"
    _grant(caller.incident_id, "HOS07")
    allowed = post(client, f"/v1/incidents/{caller.incident_id}/video/join", expert)
    assert allowed.status_code == 200, allowed.body
    assert allowed.json_body["participants"][-1] | {"joined_at": None} == {
        "subject": allowed.json_body["participants"][-1]["subject"], "kind": "hospital", "role": "viewer",
        "hospital_id": "HOS07", "joined_at": None,
    }  # fmt: skip

    # Every join is on the audit trail
    trail = client.http.get(f"/v1/audit?subject=incident%3A{caller.incident_id}&limit=100",
                            headers=aws_env.token("admin"))  # fmt: skip
    joins = [e for e in trail.json_body["events"] if e["action"] == "scene_video.join"]
    assert sorted(e["role"] for e in joins) == ["caller", "caller", "dispatcher", "hospital"]
    assert any(e["action"] == "scene_video.join.denied" for e in trail.json_body["events"])


def test_who_may_not_join_the_scene_video(client: Any, aws_env: Env, video: SpyVideo) -> None:
    caller = call(client, ["unconscious"])
    other = call(client, ["trauma"], at=(23.7016, 117.4298))
    path = f"/v1/incidents/{caller.incident_id}/video/join"
    cases = [
        (f"/v1/calls/{caller.call_id}/video", other.auth, 403, "not_your_call"),
        (f"/v1/calls/{caller.call_id}/video", {}, 401, "invalid_caller_token"),
        (f"/v1/calls/{caller.call_id}/video", {"Authorization": "Bearer x.y"}, 401, "invalid_caller_token"),
        (path, {}, 401, "missing_token"),
        (path, caller.auth, 401, "invalid_token"),  # a caller token is no staff token
        (path, aws_env.token("dispatcher", "county:350000"), 404, "incident_not_found"),  # as if missing
        (path, aws_env.token("volunteer", "volunteer:V1"), 403, "role_denied"),
        (path, aws_env.token("crew", "unit:AMB01"), 403, "role_denied"),
        ("/v1/incidents/INC-NOPE/video/join", aws_env.token("dispatcher"), 404, "incident_not_found"),
    ]
    for route, headers, status, code in cases:
        resp = post(client, route, headers)
        assert (resp.status_code, resp.json_body["error"]["code"]) == (status, code), route
    assert video.opened == []


def test_the_room_is_closed_with_the_incident_and_nobody_joins_it_after(
    client: Any, aws_env: Env, video: SpyVideo
) -> None:
    caller = call(client, ["cardiac_arrest"])
    assert post(client, f"/v1/calls/{caller.call_id}/video", caller.auth).status_code == 200
    # When the dispatcher cancels the incident
    cancel(client, aws_env, caller)
    # Then its room is closed with it
    room = f"ems-scene-{caller.incident_id}"
    assert video.closed == [room]
    record = bound(SceneVideoRecord).get(caller.incident_id)
    assert record.status == "closed" and record.closed_at is not None
    # And neither the caller nor the desk can join any more
    late = post(client, f"/v1/calls/{caller.call_id}/video", caller.auth)
    assert (late.status_code, late.json_body["error"]["code"]) == (409, "incident_closed")
    late = post(client, f"/v1/incidents/{caller.incident_id}/video/join", desk(aws_env, caller))
    assert (late.status_code, late.json_body["error"]["code"]) == (409, "incident_closed")
    assert video.opened == [room] and video.closed == [room]  # not reopened, not closed twice


def test_a_failed_close_never_fails_the_cancel_and_is_retried_on_the_next_attempt(
    client: Any, aws_env: Env, video: SpyVideo
) -> None:
    caller = call(client, ["cardiac_arrest"])
    assert post(client, f"/v1/calls/{caller.call_id}/video", caller.auth).status_code == 200
    video.close_fails = True
    cancel(client, aws_env, caller)  # 200 although the provider failed
    assert bound(SceneVideoRecord).get(caller.incident_id).status == "open"
    # The provider is back: the next join attempt is refused and removes the room
    video.close_fails = False
    late = post(client, f"/v1/calls/{caller.call_id}/video", caller.auth)
    assert (late.status_code, late.json_body["error"]["code"]) == (409, "incident_closed")
    assert video.closed == [f"ems-scene-{caller.incident_id}"]
    assert bound(SceneVideoRecord).get(caller.incident_id).status == "closed"


def test_the_crew_back_in_service_closes_the_room(client: Any, aws_env: Env, video: SpyVideo) -> None:
    from chalicelib.incidents.dal import IncidentRecord
    from chalicelib.workflow.api import unit_status

    caller = call(client, ["cardiac_arrest"])
    _queued(caller.incident_id)
    assert post(client, f"/v1/calls/{caller.call_id}/video", caller.auth).status_code == 200
    # The unit's transaction closes the incident, then tells the workflow (the fleet's path)
    bound(IncidentRecord)(caller.incident_id).update(actions=[IncidentRecord.status.set("closed")])
    unit_status(caller.incident_id, "AVAILABLE")
    assert video.closed == [f"ems-scene-{caller.incident_id}"]


def test_a_room_opened_as_the_incident_closes_is_closed_by_the_join(client: Any, aws_env: Env, video: SpyVideo) -> None:
    from chalicelib.core.auth import Principal
    from chalicelib.core.auth import Role as AuthRole
    from chalicelib.core.errors import Conflict
    from chalicelib.cpr.video import _room_record

    caller = call(client, ["cardiac_arrest"])
    cancel(client, aws_env, caller)  # the close hook found no room
    # A join that checked the incident just before the cancel goes on to open the room
    someone = Principal(subject=f"call:{caller.call_id}", role=AuthRole.CALLER, scopes=[])
    with pytest.raises(Conflict):
        _room_record(caller.incident_id, someone, datetime.now(UTC))
    assert video.closed == [f"ems-scene-{caller.incident_id}"]
    assert bound(SceneVideoRecord).get(caller.incident_id).status == "closed"


def test_video_unavailable_is_503_with_a_code(client: Any, aws_env: Env, video: SpyVideo) -> None:
    caller = call(client, ["cardiac_arrest"])
    video.open_fails = True
    resp = post(client, f"/v1/calls/{caller.call_id}/video", caller.auth)
    assert (resp.status_code, resp.json_body["error"]["code"]) == (503, "video_unavailable")
    assert "EndpointConnectionError" in resp.json_body["error"]["message"]


# -- telephone CPR ----------------------------------------------------------------------------------


def test_the_caller_gets_the_steps_in_their_language_and_the_status_points_to_them(client: Any, aws_env: Env) -> None:
    caller = call(client, ["cardiac_arrest"])
    en = client.http.get(f"/v1/calls/{caller.call_id}/cpr?lang=en", headers=caller.auth)
    assert en.status_code == 200, en.body
    body = en.json_body
    assert body["lang"] == "en" and body["metronome_bpm"] == 110 and body["progress"] == {}
    steps = {s["id"]: s for s in body["steps"]}
    assert steps["compressions"]["rate_per_min"] == [100, 120] and steps["compressions"]["metronome_bpm"] == 110
    assert steps["depth"]["depth_cm"] == [5, 6] and "5 to 6 cm" in steps["depth"]["text"]
    assert steps["aed_pads"]["marks"] == "aed_attached" and steps["breathing"]["max_seconds"] == 10
    assert [s["phase"] for s in body["steps"]][:1] == ["assess"] and body["steps"][-1]["phase"] == "aed"
    assert any("American Heart Association" in s["title"] for s in body["sources"])

    zh = client.http.get(f"/v1/calls/{caller.call_id}/cpr?lang=zh-CN", headers=caller.auth).json_body
    assert zh["lang"] == "zh-CN" and "厘米" in {s["id"]: s for s in zh["steps"]}["depth"]["text"]
    by_header = client.http.get(f"/v1/calls/{caller.call_id}/cpr", headers={**caller.auth, "Accept-Language": "en"})
    assert by_header.json_body["lang"] == "en"

    # The status the caller polls keeps its summary and points to the steps, the progress and the video
    status = client.http.get(f"/v1/calls/{caller.call_id}", headers={**caller.auth, "Accept-Language": "en"})
    guidance = status.json_body["guidance"]
    assert guidance["kind"] == "cpr" and guidance["text"].startswith("If the person is unresponsive")
    assert guidance["steps_url"] == f"/v1/calls/{caller.call_id}/cpr?lang=en"
    assert guidance["progress_url"] == f"/v1/calls/{caller.call_id}/cpr/progress"
    assert guidance["video_url"] == f"/v1/calls/{caller.call_id}/video" and guidance["metronome_bpm"] == 110


def test_cpr_steps_refuse_bad_input(client: Any, aws_env: Env) -> None:
    caller = call(client, ["cardiac_arrest"])
    other = call(client, ["cardiac_arrest"], at=(23.7016, 117.4298))
    bad = client.http.get(f"/v1/calls/{caller.call_id}/cpr?lang=fr", headers=caller.auth)
    assert (bad.status_code, bad.json_body["error"]["code"]) == (422, "validation_failed")
    assert bad.json_body["error"]["details"][0]["field"] == "lang"
    foreign = client.http.get(f"/v1/calls/{caller.call_id}/cpr", headers=other.auth)
    assert (foreign.status_code, foreign.json_body["error"]["code"]) == (403, "not_your_call")
    assert client.http.get(f"/v1/calls/{caller.call_id}/cpr").status_code == 401


def test_progress_is_recorded_once_and_shows_on_the_timeline(client: Any, aws_env: Env) -> None:
    caller = call(client, ["cardiac_arrest"])
    path = f"/v1/calls/{caller.call_id}/cpr/progress"
    started = datetime.now(UTC) - timedelta(minutes=1)
    first = post(client, path, caller.auth, {"event": "compressions_started", "at": started.isoformat()})
    assert first.status_code == 201, first.body
    assert first.json_body["recorded"] and _at(first.json_body["at"]) == started
    # A retry (or a second phone) changes nothing: the first report stands
    again = post(client, path, caller.auth, {"event": "compressions_started"})
    assert again.status_code == 201 and not again.json_body["recorded"] and _at(again.json_body["at"]) == started
    # The dispatcher records what they hear on the line
    dispatcher = desk(aws_env, caller)
    pads = post(client, f"/v1/incidents/{caller.incident_id}/cpr/progress", dispatcher, {"event": "aed_attached"})
    assert pads.status_code == 201 and pads.json_body["recorded"]
    assert set(pads.json_body["progress"]) == {"compressions_started", "aed_attached"}
    steps = client.http.get(f"/v1/calls/{caller.call_id}/cpr", headers=caller.auth).json_body
    assert set(steps["progress"]) == {"compressions_started", "aed_attached"}

    timeline = client.http.get(f"/v1/incidents/{caller.incident_id}/timeline", headers=dispatcher)
    assert timeline.status_code == 200, timeline.body
    nodes = {n["node"]: n for n in timeline.json_body["nodes"]}
    assert nodes["cpr.compressions_started"]["source"] == "cpr"
    assert nodes["cpr.compressions_started"]["label_en"] == "Chest compressions started"
    assert nodes["cpr.aed_attached"]["label_en"] == "AED pads attached"
    order = [n["node"] for n in timeline.json_body["nodes"]]
    assert order.index("cpr.compressions_started") < order.index("call") < order.index("cpr.aed_attached")
    trail = client.http.get(f"/v1/audit?subject=incident%3A{caller.incident_id}&limit=100",
                            headers=aws_env.token("admin"))  # fmt: skip
    assert "cpr.progress" in {e["action"] for e in trail.json_body["events"]}


def test_progress_refuses_bad_input(client: Any, aws_env: Env) -> None:
    caller = call(client, ["cardiac_arrest"])
    other = call(client, ["cardiac_arrest"], at=(23.7016, 117.4298))
    path = f"/v1/calls/{caller.call_id}/cpr/progress"
    staff = f"/v1/incidents/{caller.incident_id}/cpr/progress"
    ahead = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    long_ago = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    cases: list[tuple[str, dict[str, str], Any, int, str]] = [
        (path, caller.auth, {"event": "compressions_started", "at": ahead}, 422, "time_in_future"),
        (path, caller.auth, {"event": "compressions_started", "at": long_ago}, 422, "time_before_call"),
        (path, caller.auth, {"event": "dancing"}, 422, "validation_failed"),
        (path, caller.auth, {"event": "rosc", "at": "yesterday"}, 422, "validation_failed"),
        (path, caller.auth, {"event": "rosc", "at": "2026-01-01T10:00:00"}, 422, "validation_failed"),  # no offset
        (path, caller.auth, {"event": "rosc", "extra": 1}, 422, "validation_failed"),
        (path, other.auth, {"event": "rosc"}, 403, "not_your_call"),
        (path, {}, {"event": "rosc"}, 401, "invalid_caller_token"),
        (staff, desk(aws_env, caller), {"event": "rosc", "at": ahead}, 422, "time_in_future"),
        (staff, aws_env.token("dispatcher", "county:350000"), {"event": "rosc"}, 404, "incident_not_found"),
        (staff, aws_env.token("crew", "unit:AMB01"), {"event": "rosc"}, 403, "role_denied"),
        (staff, caller.auth, {"event": "rosc"}, 401, "invalid_token"),
        ("/v1/incidents/INC-NOPE/cpr/progress", aws_env.token("dispatcher"), {"event": "rosc"}, 404,
         "incident_not_found"),
    ]  # fmt: skip
    for route, headers, body, status, code in cases:
        resp = post(client, route, headers, body)
        assert (resp.status_code, resp.json_body["error"]["code"]) == (status, code), body
    empty = client.http.post(path, headers={**JSON, **caller.auth}, body="")
    assert (empty.status_code, empty.json_body["error"]["code"]) == (400, "missing_body")
    broken = client.http.post(path, headers={**JSON, **caller.auth}, body="{")
    assert (broken.status_code, broken.json_body["error"]["code"]) == (400, "malformed_json")
    assert set(post(client, path, caller.auth, {"event": "rosc"}).json_body["progress"]) == {"rosc"}


def test_after_the_incident_closes_only_the_dispatcher_records_progress(client: Any, aws_env: Env) -> None:
    caller = call(client, ["cardiac_arrest"])
    cancel(client, aws_env, caller)
    late = post(client, f"/v1/calls/{caller.call_id}/cpr/progress", caller.auth, {"event": "rosc"})
    assert (late.status_code, late.json_body["error"]["code"]) == (409, "incident_closed")
    earlier = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()  # heard on the recorded call
    review = post(client, f"/v1/incidents/{caller.incident_id}/cpr/progress", desk(aws_env, caller),
                  {"event": "guidance_started", "at": earlier})  # fmt: skip
    assert review.status_code == 201 and review.json_body["recorded"]


def test_other_response_nodes_use_the_same_mechanism(client: Any, aws_env: Env) -> None:
    from chalicelib.timeline.nodes import record_node

    caller = call(client, ["cardiac_arrest"])
    at = datetime.now(UTC) - timedelta(seconds=30)
    assert record_node(caller.incident_id, "volunteer.V12.en_route", at, "volunteer:V12")
    assert not record_node(caller.incident_id, "volunteer.V12.en_route", at + timedelta(seconds=5), "volunteer:V12")
    nodes = client.http.get(f"/v1/incidents/{caller.incident_id}/timeline", headers=desk(aws_env, caller))
    [node] = [n for n in nodes.json_body["nodes"] if n["node"] == "volunteer.V12.en_route"]
    assert node["source"] == "volunteer" and node["label_en"] == "Volunteer V12 en route" and _at(node["at"]) == at


# -- nearby AEDs ------------------------------------------------------------------------------------


def test_a_cardiac_caller_sees_the_nearest_usable_aeds_without_their_owners(client: Any, aws_env: Env) -> None:
    lat, lon = SCENE
    north = 1 / 111_195  # degrees of latitude per metre
    _aed("A50", lat + 50 * north, lon, owner="某物业公司")
    _aed("A120", lat + 120 * north, lon, status="maintenance")
    _aed("A150", lat + 150 * north, lon, verification="pending")
    _aed("A170", lat + 170 * north, lon, hours=_closed_now())
    _aed("A180", lat + 180 * north, lon, indoor="一楼大厅左侧")
    _aed("A190", lat + 190 * north, lon)
    _aed("A195", lat + 195 * north, lon)  # usable, but the fourth
    _aed("A300", lat + 300 * north, lon)  # too far to fetch
    caller = call(client, ["unconscious"])
    status = client.http.get(f"/v1/calls/{caller.call_id}", headers={**caller.auth, "Accept-Language": "en"})
    assert status.status_code == 200, status.body
    aeds = status.json_body["aeds"]
    assert [a["aed_id"] for a in aeds] == ["A50", "A180", "A190"]
    assert [a["distance_m"] for a in aeds] == [50, 180, 190] and aeds[1]["indoor"] == "一楼大厅左侧"
    assert aeds[0]["name"] == "AED A50" and set(aeds[0]) == {"aed_id", "name", "indoor", "distance_m", "lat", "lon"}
    assert "物业" not in json.dumps(status.json_body, ensure_ascii=False)  # the owner stays in the registry
    assert status.json_body["guidance"]["aed_text"].startswith("There is an AED")
    zh = client.http.get(f"/v1/calls/{caller.call_id}", headers=caller.auth).json_body
    assert zh["aeds"][0]["name"] == "A50号AED" and zh["guidance"]["aed_text"].startswith("附近有")

    # Not for other calls; none near is an empty list, and no hint
    other = call(client, ["trauma"], at=(23.7016, 117.4298))
    view = client.http.get(f"/v1/calls/{other.call_id}", headers=other.auth).json_body
    assert view["aeds"] is None and view["guidance"] is None
    alone = call(client, ["cardiac_arrest"], at=(24.40, 117.80))
    view = client.http.get(f"/v1/calls/{alone.call_id}", headers=alone.auth).json_body
    assert view["aeds"] == [] and view["guidance"]["aed_text"] is None


# -- helpers ----------------------------------------------------------------------------------------


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _grant(incident_id: str, hospital_id: str) -> None:
    from chalicelib.healthaccess.entities import Grant, GrantKind
    from chalicelib.healthaccess.wiring import get_ports

    now = datetime.now(UTC)
    get_ports().grants.add(Grant(incident_id=incident_id, grantee=f"hospital:{hospital_id}", kind=GrantKind.HOSPITAL,
                                 reason="consultation CS1", granted_by="system", granted_at=now - timedelta(minutes=1),
                                 expires_at=now + timedelta(hours=1)))  # fmt: skip


def _aed(aed_id: str, lat: float, lon: float, **kw: Any) -> None:
    from chalicelib.aeds.adapters import aed_record
    from chalicelib.aeds.dal import AedRecord
    from chalicelib.aeds.entities import Aed

    fields = {"hours": "24h", **kw}
    aed = Aed(aed_id=aed_id, name_zh=f"{aed_id}号AED", name_en=f"AED {aed_id}", county="350602", lat=lat, lon=lon,
              **fields)  # fmt: skip
    bound(AedRecord)(**aed_record(aed).attribute_values).save()


def _closed_now() -> str:
    """Opening hours that exclude the present hour (China time)."""
    hour = (datetime.now(UTC) + timedelta(hours=8)).hour
    start, end = (hour + 2) % 24, (hour + 3) % 24
    return f"{start:02d}:00-{end:02d}:00" if start < end else "01:00-02:00"
