"""Lexical layer of the IoT SQL subset: tokens, plus the characters and keywords that open constructs
outside the subset, named so an error says what to change rather than just where parsing stopped."""

from __future__ import annotations

import re
from typing import NamedTuple

from devstack.iot_sql_values import UnsupportedSql

OUTSIDE = "is outside the supported IoT SQL subset"

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|'(?P<str>[^']*)'|(?P<name>[A-Za-z_]\w*)"
    r"|(?P<op><>|<=|>=|[=<>(),.*])|(?P<bad>\S))"
)
BAD = {
    "+": "arithmetic (+)", "-": "arithmetic (-)", "/": "arithmetic (/)", "%": "arithmetic (%)",
    "[": "array indexing ([...])", '"': "double-quoted identifiers", "|": "string concatenation (||)",
    "!": "'!=' (IoT SQL writes <>)", "'": "an unterminated string literal", "$": "substitution templates",
}  # fmt: skip
KEYWORDS = {
    "CASE": "CASE expressions", "IS": "IS [NOT] NULL (IoT SQL writes isNull(x) / isUndefined(x))",
    "IN": "the IN operator", "LIKE": "the LIKE operator", "BETWEEN": "BETWEEN", "SET": "SET variables",
    "SELECT": "a nested SELECT",
}  # fmt: skip


class Token(NamedTuple):
    kind: str  # num | str | name | op | bad | end
    text: str
    pos: int


def tokenize(sql: str) -> list[Token]:
    tokens = []
    for m in _TOKEN.finditer(sql):
        kind = m.lastgroup or "bad"
        tokens.append(Token(kind, m.group(kind), m.start(kind)))
    return [*tokens, Token("end", "", len(sql))]


def number_literal(text: str) -> int | float:
    return float(text) if re.search("[.eE]", text) else int(text)


def refuse_bad(tok: Token) -> None:
    """Raised when the parser reaches the character, so errors come in reading order."""
    if tok.kind == "bad":
        raise UnsupportedSql(f"{BAD.get(tok.text, repr(tok.text))} at position {tok.pos} {OUTSIDE}")
