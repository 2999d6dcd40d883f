"""Properties of triage: worse vitals and more findings never lower the level; key order never matters;
impossible values are refused by name."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from typing import Any, get_args

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.triage.engine import triage
from chalicelib.triage.schemas import AssessmentInput, Findings, TraumaRed, TraumaYellow, Vitals

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
# name: (lowest possible, highest possible, normal); worse is further from normal on the value's side.
NUMERIC: dict[str, tuple[float, float, float]] = {
    "hr": (0, 350, 75),
    "sbp": (0, 320, 120),
    "dbp": (0, 250, 80),
    "rr": (0, 120, 16),
    "spo2": (0, 100, 100),
    "temp_c": (20, 45, 37),
    "glucose_mmol": (0, 60, 6),
}
CONSCIOUSNESS = ["alert", "confusion", "voice", "pain", "unresponsive"]  # better to worse
SETTINGS = settings(max_examples=300, deadline=None)


def level(vitals: dict[str, Any], findings: dict[str, Any]) -> int:
    return triage(AssessmentInput.model_validate({"vitals": vitals, "findings": findings}), now=NOW).level


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


vitals_st = st.fixed_dictionaries(
    {},
    optional={
        **{k: st.floats(lo, hi) for k, (lo, hi, _) in NUMERIC.items()},
        "gcs": st.integers(3, 15),
        "on_oxygen": st.booleans(),
        "consciousness": st.sampled_from(CONSCIOUSNESS),
    },
)
signs_st = st.fixed_dictionaries(
    {}, optional={s: maybe(st.booleans()) for s in ["balance", "eyes", "face", "arm", "speech", "time"]}
)
trauma_st = st.fixed_dictionaries(
    {},
    optional={
        "red": st.lists(st.sampled_from(get_args(TraumaRed)), max_size=3),
        "yellow": st.lists(st.sampled_from(get_args(TraumaYellow)), max_size=3),
    },
)
FINDING: dict[str, st.SearchStrategy[Any]] = {
    "chest_pain": st.booleans(),
    "ecg_stemi": st.booleans(),
    "be_fast": st.booleans() | signs_st,
    "last_known_well": st.floats(-2, 48).map(lambda h: (NOW - timedelta(hours=h)).isoformat()),
    "lams": st.integers(0, 5),
    "race": st.integers(0, 9),
    "trauma": trauma_st,
    "pregnancy_weeks": st.integers(0, 45),
    "vaginal_bleeding": st.booleans(),
    "seizure": st.booleans(),
    "age_days": st.integers(0, 400),
    "age_years": st.integers(0, 130),
    "cardiac_arrest": st.booleans(),
    "major_bleeding": st.booleans(),
}
findings_st = st.fixed_dictionaries({}, optional=FINDING)
# A known onset may narrow the stroke windows (unknown is treated as within them): the one exception.
ADDABLE = sorted(set(FINDING) - {"last_known_well"})


@SETTINGS
@given(vitals_st, findings_st, st.sampled_from(sorted(NUMERIC)), st.floats(0, 1, exclude_min=True))
def test_a_numeric_vital_further_from_normal_never_lowers_the_level(
    vitals: dict[str, Any], findings: dict[str, Any], name: str, step: float
) -> None:
    lo, hi, normal = NUMERIC[name]
    value = vitals.get(name, normal)
    edge = hi if value > normal or (value == normal and step > 0.5) else lo
    worse = value + step * (edge - value)
    assume(worse != value)

    assert level({**vitals, name: worse}, findings) <= level({**vitals, name: value}, findings)


@SETTINGS
@given(vitals_st, findings_st, st.integers(3, 15), st.integers(3, 15))
def test_a_lower_gcs_never_lowers_the_level(vitals: dict[str, Any], findings: dict[str, Any], a: int, b: int) -> None:
    better, worse = max(a, b), min(a, b)
    assert level({**vitals, "gcs": worse}, findings) <= level({**vitals, "gcs": better}, findings)


@SETTINGS
@given(vitals_st, findings_st, st.integers(0, 4), st.integers(0, 4))
def test_less_consciousness_never_lowers_the_level(
    vitals: dict[str, Any], findings: dict[str, Any], a: int, b: int
) -> None:
    better, worse = CONSCIOUSNESS[min(a, b)], CONSCIOUSNESS[max(a, b)]
    assert level({**vitals, "consciousness": worse}, findings) <= level({**vitals, "consciousness": better}, findings)


@SETTINGS
@given(vitals_st, findings_st, st.sampled_from(ADDABLE), st.data())
def test_adding_a_finding_never_lowers_the_level(
    vitals: dict[str, Any], findings: dict[str, Any], name: str, data: st.DataObject
) -> None:
    assume(name not in findings)
    added = data.draw(FINDING[name])

    assert level(vitals, {**findings, name: added}) <= level(vitals, findings)


@SETTINGS
@given(vitals_st, findings_st, st.sampled_from(get_args(TraumaRed) + get_args(TraumaYellow)))
def test_adding_a_trauma_criterion_never_lowers_the_level(
    vitals: dict[str, Any], findings: dict[str, Any], code: str
) -> None:
    trauma = findings.get("trauma", {})
    colour = "red" if code in get_args(TraumaRed) else "yellow"
    more = {**trauma, colour: [*trauma.get(colour, []), code]}

    assert level(vitals, {**findings, "trauma": more}) <= level(vitals, findings)


def shuffled(value: Any, rnd: Any) -> Any:
    """The same value with every dict's keys, and every list of codes, in a random order."""
    if isinstance(value, dict):
        keys = list(value)
        rnd.shuffle(keys)
        return {k: shuffled(value[k], rnd) for k in keys}
    if isinstance(value, list):
        return rnd.sample(value, len(value))
    return value


@SETTINGS
@given(vitals_st, findings_st, st.randoms(use_true_random=False))
def test_the_result_never_depends_on_field_order(vitals: dict[str, Any], findings: dict[str, Any], rnd: Any) -> None:
    body = {"vitals": vitals, "findings": findings}
    again = shuffled(body, rnd)
    if rnd.random() < 0.5:
        again = {"findings": again["findings"], "vitals": again["vitals"]}

    first = triage(AssessmentInput.model_validate(body), now=NOW)
    second = triage(AssessmentInput.model_validate(again), now=NOW)

    assert first.model_dump() == second.model_dump()


IMPOSSIBLE = [
    *[(Vitals, k, v) for k, (lo, hi, _) in NUMERIC.items() for v in (lo - 0.1, hi + 0.1, math.nan, math.inf)],
    (Vitals, "gcs", 2),
    (Vitals, "gcs", 16),
    (Vitals, "consciousness", "drowsy"),
    (Findings, "lams", 6),
    (Findings, "lams", -1),
    (Findings, "race", 10),
    (Findings, "pregnancy_weeks", 46),
    (Findings, "age_days", -1),
    (Findings, "age_years", 131),
    (Findings, "last_known_well", "2025-03-01T08:00:00"),  # no offset: which city's 8 o'clock?
    (Findings, "trauma", {"red": ["bruise"]}),
    (Findings, "pulse", 80),  # not a finding: the vitals hold it
]


@pytest.mark.parametrize(("model", "name", "value"), IMPOSSIBLE)
def test_an_impossible_value_is_refused_naming_the_field(model: type[Vitals | Findings], name: str, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate({name: value})
    assert name in {str(part) for e in caught.value.errors() for part in e["loc"]}


@SETTINGS
@given(st.sampled_from(sorted(NUMERIC)), st.data())
def test_every_possible_value_is_accepted(name: str, data: st.DataObject) -> None:
    lo, hi, _ = NUMERIC[name]
    value = data.draw(st.floats(lo, hi))
    assert level({name: value}, {}) in {1, 2, 3, 4}
