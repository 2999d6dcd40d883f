"""Recursive-descent parser of the IoT SQL subset. Expressions compile to closures over a
Ctx, so evaluating a rule per message is plain function calls with no tree walking."""

from __future__ import annotations

import base64
from typing import Any, NoReturn

from devstack.iot_sql_lex import KEYWORDS, OUTSIDE, Token, number_literal, refuse_bad, tokenize
from devstack.iot_sql_values import UNDEFINED, Expr, UnsupportedSql, compare, logic, lookup, negate, segment

_RESERVED = {"FROM", "WHERE", "AS", "AND", "OR", "NOT"}
_LITERALS: dict[str, Any] = {"TRUE": True, "FALSE": False, "NULL": None}
_COMPARISONS = {"=", "<>", "<", ">", "<=", ">="}
_NULLARY: dict[str, Expr] = {
    "clientid": lambda c: UNDEFINED if c.client_id is None else c.client_id,
    "timestamp": lambda c: c.now_ms,
}
Item = tuple[str, Expr | None]


def _const(value: Any) -> Expr:
    return lambda _c: value


def _binary(fn: Any, op: str, left: Expr, right: Expr) -> Expr:
    return lambda c: fn(op, left(c), right(c))


class Parser:
    def __init__(self, sql: str) -> None:
        self.tokens = tokenize(sql)
        self.i = 0
        # What the statement reads: payload fields (JSON only) and/or the raw bytes (any payload).
        self.reads_fields = False
        self.reads_raw = False

    def peek(self) -> Token:
        refuse_bad(self.tokens[self.i])
        return self.tokens[self.i]

    def accept(self, kind: str, text: str) -> bool:
        tok = self.peek()
        if tok.kind == kind and (tok.text.upper() if kind == "name" else tok.text) == text:
            self.i += 1
            return True
        return False

    def expect(self, kind: str, text: str, what: str) -> None:
        if not self.accept(kind, text):
            self.fail(what)

    def fail(self, expected: str) -> NoReturn:
        tok = self.peek()
        construct = KEYWORDS.get(tok.text.upper()) if tok.kind == "name" else None
        if construct:
            raise UnsupportedSql(f"{construct} (position {tok.pos}) {OUTSIDE}")
        found = "the end" if tok.kind == "end" else repr(tok.text)
        raise UnsupportedSql(f"expected {expected} at position {tok.pos}, found {found}; the statement {OUTSIDE}")

    def item(self) -> Item:
        if self.accept("op", "*"):
            return "*", None
        start = self.peek()
        expr, default_name = self.operand()
        if self.accept("name", "AS"):
            return self.ident(), expr
        if default_name is None:
            raise UnsupportedSql(f"SELECT item {start.text!r} at position {start.pos} needs an alias (AS name)")
        return default_name, expr

    def ident(self) -> str:
        tok = self.peek()
        if tok.kind != "name" or tok.text.upper() in _RESERVED:
            self.fail("a name")
        self.i += 1
        return tok.text

    def disjunction(self) -> Expr:
        left = self.conjunction()
        while self.accept("name", "OR"):
            left = _binary(logic, "OR", left, self.conjunction())
        return left

    def conjunction(self) -> Expr:
        left = self.negation()
        while self.accept("name", "AND"):
            left = _binary(logic, "AND", left, self.negation())
        return left

    def negation(self) -> Expr:
        if self.accept("name", "NOT"):
            inner = self.negation()
            return lambda c: negate(inner(c))
        if self.accept("op", "("):
            inner = self.disjunction()
            self.expect("op", ")", "')'")
            return inner
        left, _ = self.operand()
        op = self.peek()
        if op.kind == "op" and op.text in _COMPARISONS:
            self.i += 1
            return _binary(compare, op.text, left, self.operand()[0])
        return left  # a bare value used as a condition, e.g. isNull(x) or a boolean field

    def operand(self) -> tuple[Expr, str | None]:
        """A literal, function call or field path; the name is the default output key (fields only)."""
        tok = self.peek()
        if tok.kind in ("num", "str"):
            self.i += 1
            return _const(tok.text if tok.kind == "str" else number_literal(tok.text)), None
        if tok.text == "(" and self.tokens[self.i + 1].text.upper() == "SELECT":
            self.i += 1  # so the error names the nested SELECT, not the parenthesis
            self.fail("a field, literal or function")
        word = tok.text.upper()
        if tok.kind != "name" or word in KEYWORDS or word in _RESERVED:
            self.fail("a field, literal or function")
        self.i += 1
        if word in _LITERALS:
            return _const(_LITERALS[word]), None
        if self.accept("op", "("):
            return self.call(tok), None
        self.reads_fields = True
        path = [tok.text]
        while self.accept("op", "."):
            path.append(self.ident())
        key = tuple(path)
        return (lambda c: lookup(c.payload, key)), path[-1]

    def call(self, name: Token) -> Expr:
        # Names are matched exactly as AWS documents them, so a local pass never hides an AWS reject.
        if name.text in _NULLARY:
            self.expect("op", ")", "')'")
            return _NULLARY[name.text]
        if name.text == "topic":
            return self.topic_call()
        if name.text == "encode":
            return self.encode_call()
        if name.text in ("isNull", "isUndefined"):
            inner, _ = self.operand()
            self.expect("op", ")", "')'")
            missing = None if name.text == "isNull" else UNDEFINED
            return lambda c: inner(c) is missing
        raise UnsupportedSql(f"function {name.text}() (position {name.pos}) {OUTSIDE}")

    def topic_call(self) -> Expr:
        if self.accept("op", ")"):
            return lambda c: c.topic
        arg = self.peek()
        if arg.kind != "num" or not arg.text.isdigit() or int(arg.text) < 1:
            raise UnsupportedSql(f"topic(n) takes a positive integer literal (position {arg.pos})")
        self.i += 1
        self.expect("op", ")", "')'")
        n = int(arg.text)
        return lambda c: segment(c.topic, n)

    def encode_call(self) -> Expr:
        """`encode(*, 'base64')`: the whole payload, whatever its bytes (IoT Core's binary form)."""
        self.expect("op", "*", "'*' (only the whole payload can be encoded in the subset)")
        self.expect("op", ",", "','")
        arg = self.peek()
        if arg.kind != "str" or arg.text != "base64":
            raise UnsupportedSql(f"encode(*, ...) takes the literal 'base64' (position {arg.pos})")
        self.i += 1
        self.expect("op", ")", "')'")
        self.reads_raw = True
        return lambda c: base64.b64encode(c.raw).decode("ascii")
