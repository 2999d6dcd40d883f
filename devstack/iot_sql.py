"""The subset of AWS IoT SQL (version 2016-03-23) that the local MQTT bridge evaluates.

Rules in iot_rules/ run on IoT Core in AWS and here locally, so whatever this package cannot reproduce
faithfully is refused with UnsupportedSql rather than approximated. Semantics follow the AWS reference:
a missing field is Undefined and left out of the output, a WHERE that is not exactly true drops the
message, comparing incompatible types gives Undefined. See docs/iot-sql-subset.md.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

from devstack.iot_sql_parse import Item, Parser
from devstack.iot_sql_values import UNDEFINED, Ctx, Expr, UnsupportedSql, truth

__all__ = ["SQL_VERSION", "UNDEFINED", "Rule", "UnsupportedSql", "check_filter", "parse", "topic_matches"]

SQL_VERSION = "2016-03-23"


@dataclass(frozen=True)
class Rule:
    """A parsed rule statement. `evaluate` assumes the caller already checked `matches(topic)`."""

    sql: str
    topic_filter: str
    items: tuple[Item, ...]  # (output name, expression); ("*", None) copies the payload
    where: Expr | None
    binary: bool = False  # reads the payload only as bytes, so a payload that is not JSON still passes

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.items)

    def matches(self, topic: str) -> bool:
        return topic_matches(self.topic_filter, topic)

    def evaluate(
        self,
        payload: dict[str, Any],
        topic: str,
        client_id: str | None = None,
        *,
        now_ms: int | None = None,
        raw: bytes = b"",
    ) -> dict[str, Any] | None:
        """The projected message, or None when WHERE is not true. `now_ms` pins timestamp() in tests;
        `raw` is the payload's bytes, read by encode(*, 'base64')."""
        ctx = Ctx(payload, topic, client_id, time.time_ns() // 1_000_000 if now_ms is None else now_ms, raw)
        # As on IoT Core, WHERE runs first and cannot see SELECT aliases.
        if self.where is not None and truth(self.where(ctx)) is not True:
            return None
        out: dict[str, Any] = {}
        for name, expr in self.items:
            if expr is None:
                out.update(payload)
                continue
            value = expr(ctx)
            if value is not UNDEFINED:
                out[name] = value
        # A handler mutating its event must not reach back into the caller's payload.
        return copy.deepcopy(out)


def parse(sql: str, sql_version: str = SQL_VERSION) -> Rule:
    if sql_version != SQL_VERSION:
        raise UnsupportedSql(f"sqlVersion {sql_version!r} is outside the subset; only {SQL_VERSION} is evaluated")
    p = Parser(sql)
    p.expect("name", "SELECT", "SELECT")
    items = [p.item()]
    while p.accept("op", ","):
        items.append(p.item())
    p.expect("name", "FROM", "',' or FROM")
    source = p.peek()
    if source.kind != "str":
        raise UnsupportedSql(f"FROM needs a topic filter in single quotes (position {source.pos})")
    p.i += 1
    check_filter(source.text)
    where = p.disjunction() if p.accept("name", "WHERE") else None
    if p.peek().kind != "end":
        p.fail("end of statement")
    # As on IoT Core: a binary payload can only be selected whole or encoded, and WHERE cannot read it.
    binary = p.reads_raw and not p.reads_fields and ("*", None) not in items
    return Rule(sql, source.text, tuple(items), where, binary)


def check_filter(topic_filter: str) -> None:
    levels = topic_filter.split("/")
    for i, level in enumerate(levels):
        misplaced_hash = "#" in level and (level != "#" or i != len(levels) - 1)
        if not topic_filter or misplaced_hash or ("+" in level and level != "+"):
            raise UnsupportedSql(
                f"invalid topic filter {topic_filter!r}: '#' only as the last level, '+' as a whole level"
            )


def topic_matches(topic_filter: str, topic: str) -> bool:
    """MQTT 3.1.1 matching; wildcards in the first level do not match `$` topics ($aws/..., $SYS/...)."""
    if topic.startswith("$") and topic_filter[:1] in ("+", "#"):
        return False
    levels, parts = topic_filter.split("/"), topic.split("/")
    for i, level in enumerate(levels):
        if level == "#":
            return True
        if i >= len(parts) or level not in ("+", parts[i]):
            return False
    return len(levels) == len(parts)
