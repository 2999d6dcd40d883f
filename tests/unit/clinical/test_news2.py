"""NEWS2 against the RCP 2017 chart: every band edge, worked examples, scale 2, and properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.clinical.news2 import News2, Observations, crossed, score

NORMAL: dict[str, Any] = {
    "rr": 16,
    "spo2": 98,
    "on_oxygen": False,
    "sbp": 120,
    "hr": 70,
    "consciousness": "alert",
    "temp_c": 37.0,
}
RISKS = ["low", "low_medium", "medium", "high"]


def points(name: str, value: object, **context: Any) -> int:
    return score(Observations(**{name: value}, **context)).parameters[name]


# Both sides of every edge on RCP chart 1, written out from the chart rather than from the module.
EDGES = [
    *[("rr", v, p) for v, p in [(0, 3), (8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3), (60, 3)]],
    *[("spo2", v, p) for v, p in [(0, 3), (91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0), (100, 0)]],
    *[("sbp", v, p) for v, p in [(0, 3), (90, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3)]],
    *[("hr", v, p) for v, p in [(0, 3), (40, 3), (41, 1), (50, 1), (51, 0), (90, 0), (91, 1), (110, 1), (111, 2)]],
    *[("hr", v, p) for v, p in [(130, 2), (131, 3), (250, 3)]],
    *[("temp_c", v, p) for v, p in [(30.0, 3), (35.0, 3), (35.1, 1), (36.0, 1), (36.1, 0), (38.0, 0), (38.1, 1)]],
    *[("temp_c", v, p) for v, p in [(39.0, 1), (39.1, 2), (42.0, 2)]],
    ("on_oxygen", False, 0),
    ("on_oxygen", True, 2),
    *[("consciousness", v, p) for v, p in [("alert", 0), ("confusion", 3), ("voice", 3), ("pain", 3)]],
    ("consciousness", "unresponsive", 3),
]


@pytest.mark.parametrize(("name", "value", "expected"), EDGES)
def test_every_band_edge_on_the_chart(name: str, value: object, expected: int) -> None:
    assert points(name, value) == expected


SCALE_2 = [
    *[(v, False, p) for v, p in [(83, 3), (84, 2), (85, 2), (86, 1), (87, 1), (88, 0), (92, 0), (93, 0), (100, 0)]],
    *[(v, True, p) for v, p in [(83, 3), (87, 1), (88, 0), (92, 0), (93, 1), (94, 1), (95, 2), (96, 2), (97, 3)]],
    (100, True, 3),
]


@pytest.mark.parametrize(("spo2", "on_oxygen", "expected"), SCALE_2)
def test_scale_2_scores_high_saturation_only_on_oxygen(spo2: int, on_oxygen: bool, expected: int) -> None:
    assert points("spo2", spo2, on_oxygen=on_oxygen, spo2_scale=2) == expected


def test_scale_2_with_oxygen_unknown_scores_the_lower_bound_and_is_incomplete() -> None:
    result = score(Observations(spo2=97, spo2_scale=2))
    assert result.parameters == {"spo2": 0} and "on_oxygen" in result.missing


def test_scale_1_ignores_oxygen_for_the_saturation_points() -> None:
    assert points("spo2", 97, on_oxygen=True) == 0


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("rr", 20.4, 0),  # charted as 20
        ("rr", 20.5, 2),  # half up to 21, not half-to-even
        ("rr", 21.5, 2),
        ("spo2", 91.5, 2),
        ("sbp", 90.5, 2),
        ("hr", 130.5, 3),
        ("temp_c", 35.04, 3),  # charted as 35.0
        ("temp_c", 35.05, 1),  # charted as 35.1, though the float is 35.0499...
        ("temp_c", 38.05, 1),
        ("temp_c", 39.04, 1),
    ],
)
def test_fractional_readings_are_rounded_half_up_to_the_charts_precision(
    name: str, value: float, expected: int
) -> None:
    assert points(name, value) == expected


def test_all_normal_is_zero_low_and_complete() -> None:
    result = score(Observations(**NORMAL))
    assert (result.total, result.risk, result.response, result.complete, result.red) == (
        0,
        "low",
        "routine",
        True,
        False,
    )
    assert result.missing == ()


def test_rr_25_alone_is_a_red_low_medium_partial_score() -> None:
    result = score(Observations(rr=25))
    assert (result.total, result.red, result.risk, result.response) == (3, True, "low_medium", "review")
    assert result.parameters == {"rr": 3} and not result.complete and len(result.missing) == 6


def test_a_septic_patient_is_high_risk() -> None:
    # Given RR 26, SpO2 93 on oxygen, SBP 88, HR 124, new confusion, 39.2 C
    obs = Observations(rr=26, spo2=93, on_oxygen=True, sbp=88, hr=124, consciousness="confusion", temp_c=39.2)
    result = score(obs)
    assert result.parameters == {"rr": 3, "spo2": 2, "on_oxygen": 2, "sbp": 3, "hr": 2, "consciousness": 3, "temp_c": 2}
    assert (result.total, result.risk, result.response) == (17, "high", "emergency")


@pytest.mark.parametrize(
    ("overrides", "total", "risk"),
    [
        ({"rr": 21}, 2, "low"),
        ({"rr": 21, "hr": 91}, 3, "low"),
        ({"rr": 21, "hr": 111}, 4, "low"),
        ({"rr": 21, "hr": 111, "temp_c": 38.1}, 5, "medium"),
        ({"rr": 25, "hr": 91}, 4, "low_medium"),
        ({"rr": 25, "hr": 111}, 5, "medium"),  # red, but the total decides once it is 5 or more
        ({"rr": 25, "hr": 111, "temp_c": 38.1}, 6, "medium"),
        ({"rr": 25, "hr": 111, "temp_c": 39.1}, 7, "high"),
    ],
)
def test_risk_bands(overrides: dict[str, Any], total: int, risk: str) -> None:
    result = score(Observations(**{**NORMAL, **overrides}))
    assert (result.total, result.risk) == (total, risk)


@pytest.mark.parametrize("bad", [{"rr": -1}, {"spo2": 101}, {"hr": float("nan")}, {"temp_c": float("inf")}, {"x": 1}])
def test_impossible_observations_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Observations(**bad)


# Properties. Values span every band; None means not observed.
def maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | values


def number(low: float, high: float) -> st.SearchStrategy[float]:
    return st.integers(int(low), int(high)).map(float) | st.floats(low, high)


OBSERVATIONS = st.fixed_dictionaries(
    {
        "rr": maybe(number(0, 60)),
        "spo2": maybe(number(50, 100)),
        "on_oxygen": maybe(st.booleans()),
        "sbp": maybe(number(40, 260)),
        "hr": maybe(number(20, 220)),
        "consciousness": maybe(st.sampled_from(["alert", "confusion", "voice", "pain", "unresponsive"])),
        "temp_c": maybe(number(30, 43)),
        "spo2_scale": st.sampled_from([1, 2]),
    }
)


def grid(low: int, high: int, step: float) -> list[float]:
    return [round(low + i * step, 2) for i in range(int((high - low) / step) + 1)]


# Per parameter: fields fixed for the case, where the parameter is best, and every reading swept. The
# sweep steps by half the chart's precision, so it meets both sides of every edge and every rounding tie.
# On scale 2 the best band is 88-92; above it saturation is worse only on oxygen.
MONOTONE = [
    ("rr", {}, 16.0, grid(0, 60, 0.5)),
    ("sbp", {}, 165.0, grid(40, 260, 0.5)),
    ("hr", {}, 70.0, grid(20, 220, 0.5)),
    ("temp_c", {}, 37.0, grid(30, 43, 0.05)),
    ("spo2", {"spo2_scale": 1}, 100.0, grid(50, 100, 0.5)),
    ("spo2", {"spo2_scale": 2, "on_oxygen": True}, 90.0, grid(50, 100, 0.5)),
    ("spo2", {"spo2_scale": 2, "on_oxygen": False}, 90.0, grid(50, 100, 0.5)),
]


@given(OBSERVATIONS)
def test_the_total_is_the_sum_of_the_parameters_present(fields: dict[str, Any]) -> None:
    result = score(Observations(**fields))
    assert result.total == sum(result.parameters.values())
    assert set(result.parameters) | set(result.missing) == set(NORMAL)
    assert result.complete is (not result.missing)
    assert result.red is (3 in result.parameters.values())


@pytest.mark.parametrize(
    ("name", "fixed", "best", "readings"),
    MONOTONE,
    ids=["rr", "sbp", "hr", "temp_c", "spo2-scale1", "spo2-scale2-oxygen", "spo2-scale2-air"],
)
@settings(max_examples=20)  # each example sweeps hundreds of readings
@given(fields=OBSERVATIONS)
def test_moving_a_reading_further_from_normal_never_lowers_the_total(
    name: str, fixed: dict[str, Any], best: float, readings: list[float], fields: dict[str, Any]
) -> None:
    for outward in ([v for v in reversed(readings) if v <= best], [v for v in readings if v >= best]):
        totals = [score(Observations(**{**fields, **fixed, name: v})).total for v in outward]
        assert totals == sorted(totals), (name, outward)


@given(OBSERVATIONS, st.sampled_from(["confusion", "voice", "pain", "unresponsive"]))
def test_oxygen_or_reduced_consciousness_never_lowers_the_total(fields: dict[str, Any], level: str) -> None:
    base = score(Observations(**fields)).total
    assert score(Observations(**{**fields, "on_oxygen": True})).total >= base
    assert score(Observations(**{**fields, "consciousness": level})).total >= base


@given(OBSERVATIONS, st.sampled_from(sorted(NORMAL)))
def test_a_partial_score_is_a_lower_bound(fields: dict[str, Any], name: str) -> None:
    # Given one parameter not observed, observing it can only raise (or keep) the total and the risk
    partial = score(Observations(**{**fields, name: None}))
    full = score(Observations(**fields))
    assert full.total >= partial.total and RISKS.index(full.risk) >= RISKS.index(partial.risk)


@given(OBSERVATIONS, st.randoms(use_true_random=False))
def test_the_order_fields_are_given_in_does_not_matter(fields: dict[str, Any], random: Any) -> None:
    keys = list(fields)
    random.shuffle(keys)
    shuffled = score(Observations(**{k: fields[k] for k in keys}))
    original = score(Observations(**fields))
    assert shuffled == original
    assert list(shuffled.parameters) == list(original.parameters)


@given(
    maybe(OBSERVATIONS.map(lambda f: score(Observations(**f)))), OBSERVATIONS.map(lambda f: score(Observations(**f)))
)
def test_crossed_only_when_the_risk_band_rises(previous: News2 | None, current: News2) -> None:
    before = RISKS.index(previous.risk) if previous else 0
    assert crossed(previous, current) is (RISKS.index(current.risk) > before)
    assert not crossed(current, current)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (None, {"rr": 16}, False),
        (None, {"rr": 25}, True),
        ({"rr": 16}, {"rr": 25}, True),  # low -> low_medium
        ({"rr": 25}, {"rr": 25, "hr": 111}, True),  # low_medium -> medium
        ({"rr": 25, "hr": 111}, {"rr": 25}, False),  # improving
        ({"rr": 21}, {"rr": 21, "hr": 91}, False),  # total rose, band did not
    ],
)
def test_crossed_examples(before: dict[str, Any] | None, after: dict[str, Any], expected: bool) -> None:
    previous = score(Observations(**before)) if before is not None else None
    assert crossed(previous, score(Observations(**after))) is expected
