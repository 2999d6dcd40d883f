"""The IoT SQL subset: projection, WHERE semantics (incl. Undefined) and the refusals."""

from __future__ import annotations

import time

import pytest

from devstack.iot_sql import UnsupportedSql, parse

BEAT = {
    "source": "canary",
    "sent_at": "2024-05-01T08:00:00Z",
    "seq": "7",
    "n": 5,
    "ok": True,
    "nul": None,
    "origin": "x",
}
NESTED = {"state": {"reported": {"temp": 21.5, "unit": {"id": "A1"}}}, "n": 3}


def test_heartbeat_rule_projects_the_select_list_and_the_topic() -> None:
    rule = parse("SELECT source, sent_at, seq, topic() AS topic FROM 'ems/platform/heartbeat'")
    assert rule.topic_filter == "ems/platform/heartbeat"
    assert rule.columns == ("source", "sent_at", "seq", "topic")
    out = rule.evaluate(BEAT, "ems/platform/heartbeat")
    assert out == {"source": "canary", "sent_at": "2024-05-01T08:00:00Z", "seq": "7", "topic": "ems/platform/heartbeat"}


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        ("state.reported.temp", {"temp": 21.5}),  # a path without alias keeps its last segment as key
        ("state.reported.unit.id AS unit", {"unit": "A1"}),
        ("state.reported AS r", {"r": {"temp": 21.5, "unit": {"id": "A1"}}}),
        ("missing, state.nope.x, n.deeper AS d", {}),  # Undefined is left out, not null
        ("topic(2) AS kind, topic(3) AS id, topic(9) AS none", {"kind": "units", "id": "U7"}),
        ("clientid() AS cid", {}),
        ("'v1' AS schema, 42 AS answer, 1.5 AS f, true AS t, NULL AS z", {"schema": "v1", "answer": 42, "f": 1.5,
                                                                           "t": True, "z": None}),
        ("timestamp() AS ts", {"ts": 1_700_000_000_000}),
        ("*, topic() AS topic", {**NESTED, "topic": "ems/units/U7"}),
        ("n, n AS m", {"n": 3, "m": 3}),
    ],
)  # fmt: skip
def test_select_items(select: str, expected: dict[str, object]) -> None:
    rule = parse(f"SELECT {select} FROM 'ems/units/+'")  # noqa: S608 - IoT SQL evaluated in-process, no database
    assert rule.evaluate(NESTED, "ems/units/U7", now_ms=1_700_000_000_000) == expected


def test_clientid_and_real_clock_when_known() -> None:
    before = time.time_ns() // 1_000_000
    out = parse("SELECT clientid() AS c, timestamp() AS ts FROM 'a'").evaluate({}, "a", "amb-7")
    assert out is not None and out["c"] == "amb-7" and before <= out["ts"] <= time.time_ns() // 1_000_000


def test_projection_is_a_copy_of_the_payload() -> None:
    payload = {"a": {"b": [1]}}
    out = parse("SELECT *, a AS alias FROM 't'").evaluate(payload, "t")
    assert out is not None
    out["a"]["b"].append(2)
    out["alias"]["b"].append(3)
    assert payload == {"a": {"b": [1]}}


@pytest.mark.parametrize(
    ("where", "passes"),
    [
        ("n = 5", True), ("n <> 5", False), ("n > 4", True), ("n >= 5", True), ("n < 5", False), ("n <= 5", True),
        ("n = 5.0", True), ("5 = n", True), ("n > -1", True), ("seq = '7'", True), ("seq > 6", True),
        ("source < 'd'", False),  # ordering converts to Decimal: a non-numeric string is Undefined
        ("seq = 7", False), ("NOT (seq = 7)", False),  # mixed-type equality is Undefined, and so is its NOT
        ("ok = true", True), ("ok", True), ("NOT ok", False), ("'TRUE'", True), ("n", False),
        ("missing = 1", False), ("missing <> 1", False), ("NOT missing = 1", False),
        ("isNull(nul)", True), ("isNull(missing)", False), ("isUndefined(missing)", True), ("isUndefined(nul)", False),
        ("n = 5 AND source = 'canary'", True), ("n = 5 AND source = 'x'", False), ("n = 1 OR seq = '7'", True),
        ("n = 1 OR missing = 1", False), ("n = 1 OR n = 2 AND n = 5", False), ("(n = 1 OR n = 5) AND ok", True),
        ("NOT n = 1 AND NOT (n = 2 OR n = 3)", True), ("topic(1) = 'ems' AND topic() <> 'x'", True),
        ("origin = 'x' AND n = 5", True),  # keywords (OR) only count as whole words
    ],
)  # fmt: skip
def test_where(where: str, passes: bool) -> None:
    rule = parse(f"select source from 'ems/#' where {where}")  # noqa: S608
    out = rule.evaluate(BEAT, "ems/platform/heartbeat")
    assert (out == {"source": "canary"}) if passes else out is None


@pytest.mark.parametrize(
    ("sql", "names"),
    [
        ("SELECT a + 1 AS b FROM 't'", "arithmetic (+)"),
        ("SELECT a * 2 AS b FROM 't'", "found '*'"),
        ("SELECT upper(a) AS b FROM 't'", "function upper()"),
        ("SELECT TOPIC() AS t FROM 't'", "function TOPIC()"),
        ("SELECT get_thing_shadow(a) AS b FROM 't'", "function get_thing_shadow()"),
        ("SELECT topic() FROM 't'", "needs an alias"),
        ("SELECT 'x' FROM 't'", "needs an alias"),
        ("SELECT topic(0) AS t FROM 't'", "positive integer"),
        ("SELECT a[0] AS b FROM 't'", "array indexing"),
        ("SELECT \"a-b\" FROM 't'", "double-quoted identifiers"),
        ("SELECT CASE a WHEN 1 THEN 2 END AS b FROM 't'", "CASE expressions"),
        ("SELECT (SELECT v FROM e) AS b FROM 't'", "nested SELECT"),
        ("SELECT VALUE n FROM 't'", "expected ',' or FROM"),
        ("SELECT a FROM 't' WHERE a IS NULL", "isNull(x)"),
        ("SELECT a FROM 't' WHERE a IN (1, 2)", "IN operator"),
        ("SELECT a FROM 't' WHERE a LIKE 'x%'", "LIKE"),
        ("SELECT a FROM 't' WHERE a != 1", "IoT SQL writes <>"),
        ("SELECT a FROM 't' WHERE a = 'open", "unterminated string"),
        ("SELECT a FROM 't' WHERE (a = 1", "expected ')'"),
        ("SELECT a FROM 't' WHERE", "found the end"),
        ("SELECT a FROM 't' ORDER BY a", "expected end of statement"),
        ("SELECT a FROM t", "single quotes"),
        ("SELECT a", "expected ',' or FROM"),
        ("SET @x = 1", "SET variables"),
        ("", "expected SELECT"),
        ("SELECT a FROM 'a/#/b'", "invalid topic filter"),
        ("SELECT a FROM 'a/b+'", "invalid topic filter"),
        ("SELECT a FROM ''", "invalid topic filter"),
        ("SELECT a AS FROM FROM 't'", "expected a name"),
    ],
)
def test_outside_the_subset_is_refused_with_the_construct_named(sql: str, names: str) -> None:
    with pytest.raises(UnsupportedSql, match=r"subset|alias|integer|single quotes|topic filter") as err:
        parse(sql)
    assert names in str(err.value)


def test_only_sql_version_2016_is_evaluated() -> None:
    with pytest.raises(UnsupportedSql, match="2015-10-08"):
        parse("SELECT * FROM 't'", sql_version="2015-10-08")


@pytest.mark.parametrize(
    ("topic_filter", "topic", "matches"),
    [
        ("a/b", "a/b", True), ("a/b", "a/b/c", False), ("a/+", "a/b", True), ("a/+", "a", False),
        ("a/+", "a/", True), ("a/#", "a", True), ("a/#", "a/b/c", True), ("#", "a/b", True),
        ("+/+", "/x", True), ("#", "$aws/things/x", False), ("+/things/x", "$aws/things/x", False),
        ("$aws/things/+", "$aws/things/x", True), ("a/+/c", "a/b/d", False),
    ],
)  # fmt: skip
def test_topic_filter_matching(topic_filter: str, topic: str, matches: bool) -> None:
    assert parse(f"SELECT * FROM '{topic_filter}'").matches(topic) is matches  # noqa: S608


def test_encode_star_base64_carries_any_payload_bytes_and_marks_the_rule_binary() -> None:
    # Given the device-telemetry form: the bytes travel whole, the consumer judges them
    rule = parse("SELECT encode(*, 'base64') AS payload, topic(3) AS unit FROM 'ems/units/+/vitals'")
    assert rule.binary
    out = rule.evaluate({}, "ems/units/A7/vitals", raw=b"\xff{not json")
    assert out == {"payload": "/3tub3QganNvbg==", "unit": "A7"}


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT *, encode(*, 'base64') AS p FROM 'a/b'",  # * needs a JSON object
        "SELECT encode(*, 'base64') AS p, x FROM 'a/b'",  # so does a field
        "SELECT encode(*, 'base64') AS p FROM 'a/b' WHERE n > 1",
    ],
)
def test_a_rule_that_reads_fields_is_not_binary(sql: str) -> None:
    assert not parse(sql).binary


@pytest.mark.parametrize("sql", ["SELECT encode(x, 'base64') AS p FROM 'a'", "SELECT encode(*, 'hex') AS p FROM 'a'"])
def test_encode_outside_the_subset_is_refused(sql: str) -> None:
    with pytest.raises(UnsupportedSql):
        parse(sql)
