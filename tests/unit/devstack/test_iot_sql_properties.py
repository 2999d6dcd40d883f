"""Property tests of the IoT SQL subset against reference behaviour (paho's matcher, Python's operators)."""

from __future__ import annotations

import operator
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from paho.mqtt.client import topic_matches_sub

from devstack.iot_sql import UnsupportedSql, parse, topic_matches

LEVELS = st.sampled_from(["a", "b", "c", "", "$x"])
TOPICS = st.lists(LEVELS, min_size=1, max_size=4).map("/".join)


@st.composite
def filters(draw: st.DrawFn) -> str:
    """Filters derived from a topic (so many match) or drawn freely (so many do not)."""
    base = draw(st.one_of(st.lists(LEVELS, min_size=1, max_size=4), TOPICS.map(lambda t: t.split("/"))))
    levels = [draw(st.sampled_from([level, "+"])) for level in base]
    if draw(st.booleans()):
        levels = [*levels[: draw(st.integers(0, len(levels)))], "#"]
    return "/".join(levels)


@given(filters(), TOPICS)
def test_topic_matching_agrees_with_paho(topic_filter: str, topic: str) -> None:
    assert topic_matches(topic_filter, topic) is topic_matches_sub(topic_filter, topic)


@given(filters().filter(bool))  # an empty filter is invalid MQTT and refused
def test_generated_filters_parse_and_round_trip(topic_filter: str) -> None:
    assert parse(f"SELECT * FROM '{topic_filter}'").topic_filter == topic_filter  # noqa: S608


NAMES = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda n: (
        n.upper() not in {"AS", "OR", "AND", "NOT", "IS", "IN", "FROM", "WHERE", "SET", "CASE", "LIKE"}
        and n.upper() not in {"TRUE", "FALSE", "NULL", "SELECT", "BETWEEN"}
    )
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES, inner, max_size=3),
    max_leaves=10,
)
PAYLOADS = st.dictionaries(NAMES, JSON, max_size=6)


@given(PAYLOADS)
def test_select_star_returns_the_payload(payload: dict[str, Any]) -> None:
    assert parse("SELECT * FROM 'ems/#'").evaluate(payload, "ems/x") == payload


@given(PAYLOADS, st.lists(NAMES, min_size=1, max_size=4, unique=True))
def test_select_fields_keeps_exactly_the_present_ones(payload: dict[str, Any], fields: list[str]) -> None:
    rule = parse(f"SELECT {', '.join(fields)} FROM 't'")  # noqa: S608
    assert rule.evaluate(payload, "t") == {f: payload[f] for f in fields if f in payload}


OPS = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}
NUMBERS = st.integers(-1000, 1000) | st.floats(-1e6, 1e6, allow_nan=False)


@given(NUMBERS, st.sampled_from(sorted(OPS)), st.integers(-1000, 1000), st.booleans())
def test_numeric_where_agrees_with_python(n: float, op: str, k: int, as_string: bool) -> None:
    # Ordering converts numeric strings to numbers; equality does not (a string never equals a number).
    value: Any = str(n) if as_string else n
    rule = parse(f"SELECT n FROM 't' WHERE n {op} {k}")  # noqa: S608
    expected = OPS[op](n, k) and not (as_string and op in ("=", "<>"))
    assert (rule.evaluate({"n": value}, "t") is not None) is expected


SOUP = st.sampled_from(
    ["SELECT", "*", "a", "b.c", ",", "FROM", "'t/+'", "WHERE", "=", "<", "1", "-2.5", "'x'", "(", ")", "AND", "OR",
     "NOT", "topic()", "topic(2)", "timestamp()", "isNull(a)", "AS", "z", "+", "[", "CASE", "IS", "NULL", "true"]
)  # fmt: skip


@given(st.lists(SOUP, max_size=12).map(" ".join) | st.text(max_size=40))
def test_parse_accepts_or_refuses_cleanly_and_evaluation_never_crashes(sql: str) -> None:
    try:
        rule = parse(sql)
    except UnsupportedSql:
        return
    out = rule.evaluate({"a": 1, "b": {"c": "x"}}, "t/u", "cid", now_ms=1)
    assert out is None or isinstance(out, dict)
