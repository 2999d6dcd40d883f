"""Intervals against their targets, and the KPI summary of many."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.timeline.logic import definitions, intervals, summarise

T = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T + timedelta(minutes=minutes)


def by_id(nodes: dict[str, datetime], pathway: str | None) -> dict[str, tuple[float | None, bool | None]]:
    return {i.definition.id: (i.seconds, i.met) for i in intervals(nodes, pathway)}


def test_a_stroke_timeline_is_judged_on_the_stroke_targets() -> None:
    nodes = {"call": at(0), "eTimes.03": at(0.5), "eTimes.05": at(2), "eTimes.06": at(11), "eTimes.07": at(12)}
    nodes |= {"eTimes.09": at(24), "eTimes.11": at(40), "door": at(41), "ct_start": at(58), "needle": at(95)}
    got = by_id(nodes, "stroke")
    assert got["call_to_dispatch"] == (30.0, True)
    assert got["chute"] == (90.0, True)
    assert got["response"] == (660.0, True)
    assert got["on_scene"] == (780.0, True)
    assert got["transport"] == (960.0, None)  # reported, not judged
    assert got["door_to_ct"] == (1020.0, True)
    assert got["door_to_needle"] == (3240.0, True)
    assert got["door_to_puncture"] == (None, None)  # not (yet) measured
    assert "door_to_balloon" not in got and "first_contact_to_device" not in got  # chest pain only


def test_targets_missed_and_clocks_out_of_step_are_not_met() -> None:
    got = by_id({"door": at(0), "reperfusion": at(100), "eTimes.07": at(-30)}, "chest_pain")
    assert got["door_to_balloon"] == (6000.0, False)  # 100 min against 90
    assert got["first_contact_to_device"] == (7800.0, False)
    assert by_id({"door": at(10), "ct_start": at(5)}, "stroke")["door_to_ct"] == (-300.0, False)


def test_every_interval_names_known_nodes_and_a_unique_id() -> None:
    ids = [d.id for d in definitions()]
    assert len(ids) == len(set(ids))
    known = {"call", "eTimes.03", "eTimes.05", "eTimes.06", "eTimes.07", "eTimes.09", "eTimes.11"}
    known |= {"door", "triage", "ct_start", "ct_read", "needle", "groin_puncture", "reperfusion", "admission"}
    from chalicelib.timeline.nodes import LABELS

    known |= {n for n in LABELS if "*" not in n}  # response nodes (telephone CPR)
    assert {n for d in definitions() for n in (d.start, d.stop)} <= known


def test_call_to_first_compression_for_a_cardiac_arrest() -> None:
    got = by_id({"call": at(0), "cpr.compressions_started": at(1.5)}, "cardiac_arrest")
    assert got["call_to_compressions"] == (90.0, True)
    assert "call_to_compressions" not in by_id({"call": at(0)}, "stroke")


def test_summary_of_samples() -> None:
    s = summarise("door_to_needle", [(1800.0, True), (3000.0, True), (4200.0, False), (3600.0, True)])
    assert (s.count, s.median_s, s.within_target) == (4, 3300.0, 0.75)
    assert s.p90_s == pytest.approx(4020.0)  # inclusive: 3600 + 0.7 x (4200 - 3600)
    assert summarise("x", []).count == 0 and summarise("x", []).median_s is None


@given(st.lists(st.tuples(st.floats(0, 10_000), st.one_of(st.none(), st.booleans())), min_size=1, max_size=50))
def test_summary_bounds(samples: list[tuple[float, bool | None]]) -> None:
    s = summarise("x", samples)
    values = [v for v, _ in samples]
    assert s.median_s is not None and s.p90_s is not None
    assert min(values) <= s.median_s <= s.p90_s <= max(values)
    assert s.within_target is None or 0 <= s.within_target <= 1
