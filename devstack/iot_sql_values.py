"""Value semantics of the IoT SQL subset: Undefined, comparisons and three-valued logic, as AWS documents
them (docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class UnsupportedSql(ValueError):
    """The statement uses something outside the subset (or is not valid IoT SQL)."""


class _Undefined:
    """A missing field or out-of-range topic(n): never equal to anything, left out of the output."""

    def __repr__(self) -> str:
        return "Undefined"


UNDEFINED: Any = _Undefined()


@dataclass(frozen=True)
class Ctx:
    payload: dict[str, Any]
    topic: str
    client_id: str | None
    now_ms: int
    raw: bytes = b""  # the payload's bytes, for encode(*, 'base64')


Expr = Callable[[Ctx], Any]

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
_DECIMAL = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _number(v: Any) -> int | float | None:
    """Ordering converts both sides to Decimal; a string that is not a number makes it Undefined."""
    if is_number(v):
        return v
    if isinstance(v, str) and _DECIMAL.fullmatch(v.strip()):
        return float(v)
    return None


def compare(op: str, a: Any, b: Any) -> Any:
    if a is UNDEFINED or b is UNDEFINED:
        return UNDEFINED
    if op in ("=", "<>"):
        # Numbers compare across int/float; otherwise only same-typed values are comparable.
        if not (is_number(a) and is_number(b)) and type(a) is not type(b):
            return UNDEFINED
        return (a == b) == (op == "=")
    x, y = _number(a), _number(b)
    return UNDEFINED if x is None or y is None else _ORDER[op](x, y)


def truth(v: Any) -> Any:
    """AND/OR/NOT and WHERE accept booleans and the strings 'true'/'false' (any case); else Undefined."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    return UNDEFINED


def logic(op: str, a: Any, b: Any) -> Any:
    """AND/OR with no short-circuit: AWS gives Undefined when either side is not a boolean."""
    x, y = truth(a), truth(b)
    if x is UNDEFINED or y is UNDEFINED:
        return UNDEFINED
    return (x and y) if op == "AND" else (x or y)


def negate(a: Any) -> Any:
    x = truth(a)
    return UNDEFINED if x is UNDEFINED else not x


def lookup(payload: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(payload, dict) or key not in payload:
            return UNDEFINED
        payload = payload[key]
    return payload


def segment(topic: str, n: int) -> Any:
    parts = topic.split("/")
    return parts[n - 1] if n <= len(parts) else UNDEFINED
