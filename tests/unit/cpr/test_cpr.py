"""Telephone-CPR script, response node names and labels, and the scene video's room: pure logic."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import pytest

from chalicelib.cpr import guidance
from chalicelib.cpr.guidance import CprEvent
from chalicelib.timeline import nodes

CJK = re.compile(r"[\u4e00-\u9fff]")


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("chalicelib.cpr").joinpath("steps_v1.json").read_text("utf-8"))
    return data


def test_every_step_reads_in_both_languages() -> None:
    for step in _raw()["steps"]:
        assert CJK.search(step["zh"]), step["id"]
        assert step["en"] and not CJK.search(step["en"]), step["id"]
    zh, en = guidance.script("zh"), guidance.script("en")
    assert [s.id for s in zh.steps] == [s.id for s in en.steps]
    assert all(a.text != b.text for a, b in zip(zh.steps, en.steps, strict=True))


def test_the_script_follows_the_guideline_numbers() -> None:
    steps = {s.id: s for s in guidance.script("en").steps}
    # Given the script, when read, then: recognition within 10 s, 100-120 a minute, 5-6 cm, full recoil
    assert steps["breathing"].max_seconds == 10
    assert steps["compressions"].rate_per_min == (100, 120)
    assert 100 <= guidance.metronome_bpm() <= 120 and steps["compressions"].metronome_bpm == guidance.metronome_bpm()
    assert steps["depth"].depth_cm == (5, 6)
    assert "come all the way back up" in steps["recoil"].text
    assert "speaker" in steps["speaker"].text and "AED" in steps["speaker"].text
    # and the AED part: switch on, pads, stand clear, resume compressions at once
    aed = [s.id for s in guidance.script("en").steps if s.phase == "aed"]
    assert aed == ["aed_on", "aed_pads", "aed_clear", "aed_resume"]
    assert "start pushing again" in steps["aed_resume"].text


def test_the_phases_come_in_order_and_marks_are_progress_events() -> None:
    order = ["assess", "call", "compressions", "aed"]
    phases = [s.phase for s in guidance.script("zh").steps]
    assert phases == sorted(phases, key=order.index) and set(phases) == set(order)
    marks = [s.marks for s in guidance.script("zh").steps if s.marks]
    assert marks == ["guidance_started", "compressions_started", "aed_attached"]
    assert all(CprEvent(m) for m in marks)


def test_the_sources_are_cited() -> None:
    raw = _raw()
    titles = " ".join(s["title"] for s in raw["sources"])
    assert "2020 American Heart Association Guidelines" in titles and "Telecommunicator" in titles
    assert "中国心肺复苏专家共识" in titles
    assert all(s["used_for"] for s in raw["sources"]) and raw["version"] == guidance.script("en").version


@pytest.mark.parametrize(
    ("symptoms", "expected"),
    [({"cardiac_arrest"}, True), ({"unconscious", "trauma"}, True), ({"chest_pain"}, False), (set(), False)],
)
def test_who_gets_cpr_guidance(symptoms: set[str], expected: bool) -> None:
    assert guidance.needs_cpr(symptoms) is expected


def test_progress_events_are_cpr_nodes() -> None:
    assert [e.node for e in CprEvent] == [
        "cpr.guidance_started", "cpr.compressions_started", "cpr.aed_attached", "cpr.rosc",
    ]  # fmt: skip
    assert all(nodes.valid(e.node) for e in CprEvent)


@pytest.mark.parametrize(
    "name", ["cpr.rosc", "volunteer.V12.en_route", "volunteer.VOL-0001.on_scene", "coresponse.fire.on_scene"]
)
def test_valid_node_names(name: str) -> None:
    assert nodes.valid(name)


@pytest.mark.parametrize(
    "name", ["", "cpr", "cpr.", ".rosc", "CPR.rosc", "cpr.Rosc", "volunteer.V 12.en_route", "a.b.c.d", "cpr.rosc\n"]
)
def test_invalid_node_names_are_a_programming_error(name: str) -> None:
    assert not nodes.valid(name)
    with pytest.raises(ValueError, match="not a node name"):
        nodes.record_node("INC1", name, None, "x")  # type: ignore[arg-type]


def test_node_labels_and_sources() -> None:
    assert nodes.label("cpr.compressions_started") == ("开始胸外按压", "Chest compressions started")
    assert nodes.label("volunteer.V12.en_route") == ("志愿者V12出发", "Volunteer V12 en route")
    assert nodes.label("volunteer.V12.lost") == ("volunteer.V12.lost", "volunteer.V12.lost")  # no label: its name
    assert nodes.source("volunteer.V12.en_route") == "volunteer" and nodes.source("cpr.rosc") == "cpr"
    assert all(CJK.search(zh) and not CJK.search(en) for zh, en in nodes.LABELS.values())


def test_the_room_is_named_within_the_video_iam_limit() -> None:
    from chalicelib.cpr.video import room_name

    name = room_name("INC20261126055954ab12cd34ef")
    # The functions may touch KVS channels `channel/ems-*` only; KVS names are [A-Za-z0-9_.-], at most 256
    assert name.startswith("ems-") and re.fullmatch(r"[A-Za-z0-9_.-]{1,256}", name)


def test_the_kvs_adapter_opens_the_scene_room_by_that_name() -> None:
    from chalicelib.cpr.video import room_name
    from chalicelib.video.adapters.kvs import KvsVideo

    class Kvs:
        class exceptions:  # botocore's shape
            ResourceInUseException = type("ResourceInUseException", (Exception,), {})

        def __init__(self) -> None:
            self.created: list[dict[str, Any]] = []

        def create_signaling_channel(self, **kw: Any) -> dict[str, str]:
            self.created.append(kw)
            return {"ChannelARN": f"arn:aws-cn:kinesisvideo:cn-northwest-1:1:channel/{kw['ChannelName']}/1"}

    kvs = Kvs()
    room = KvsVideo("cn-northwest-1", kvs=kvs).open(room_name("INC1"))
    assert kvs.created[0]["ChannelName"] == "ems-scene-INC1" and kvs.created[0]["ChannelType"] == "SINGLE_MASTER"
    assert ":channel/ems-scene-INC1/" in room.room_id


def test_closing_the_room_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.cpr import video

    class Broken:
        @staticmethod
        def get(*_: Any, **__: Any) -> Any:
            raise ConnectionError("DynamoDB unreachable")

    monkeypatch.setattr(video, "_rooms", lambda: Broken)  # the rooms' store
    counted: list[str] = []
    monkeypatch.setattr(video, "count", counted.append)
    assert video.close_for_incident("INC1") is False
    assert counted == ["VideoCloseFailed"]
