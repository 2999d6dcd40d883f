"""`make demo` against the running devstack: the whole scenario plays, and the timeline it prints has every
node and interval of a stroke admission."""

from __future__ import annotations

import pytest

from devstack.demo import Demo, held
from tests.e2e.conftest import Devstack

pytestmark = pytest.mark.e2e


def test_the_demo_plays_a_stroke_patient_from_the_scan_to_admission(devstack: Devstack) -> None:
    lines: list[str] = []
    got = Demo(devstack.state_dir, out=lines.append, pause_s=0.2).run()
    assert got["incident_id"] in held(devstack.state_dir)  # the simulator leaves the job to the demo
    assert got["hospital_id"] == "HOS02"  # HOS01 is configured full on this stack: it declined
    nodes = [n["node"] for n in got["timeline"]["nodes"]]
    for node in ("call", "eTimes.03", "eTimes.05", "eTimes.06", "eTimes.09", "eTimes.11", "door", "ct_start",
                 "needle", "admission"):  # fmt: skip
        assert node in nodes, node
    intervals = {i["id"]: i for i in got["timeline"]["intervals"]}
    for interval in ("call_to_dispatch", "chute", "response", "on_scene", "door_to_ct", "door_to_needle"):
        assert intervals[interval]["seconds"] is not None and intervals[interval]["met"] is True, interval
    text = "\n".join(lines)
    assert "Passed over HOS04" in text and "Door to needle" in text and "MISSED" not in text
