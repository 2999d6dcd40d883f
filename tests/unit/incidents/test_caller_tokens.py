"""Caller tokens: one call each, tamper-evident, expiring."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.errors import Unauthorized
from chalicelib.incidents import caller_tokens

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


@dataclass
class Ring:
    current_kid: str = "k2"
    keys: dict[str, bytes] = field(default_factory=lambda: {"k1": b"old" * 11, "k2": b"new" * 11})

    def key(self, kid: str) -> bytes | None:
        return self.keys.get(kid)


def test_roundtrip() -> None:
    token = caller_tokens.issue("CALL1", Ring(), T0)
    assert caller_tokens.verify(token, Ring(), T0 + timedelta(hours=1)) == "CALL1"


def test_expired() -> None:
    token = caller_tokens.issue("CALL1", Ring(), T0)
    with pytest.raises(Unauthorized) as err:
        caller_tokens.verify(token, Ring(), T0 + caller_tokens.TTL + timedelta(seconds=1))
    assert err.value.code == "caller_token_expired"


def test_retired_key_is_refused() -> None:
    token = caller_tokens.issue("CALL1", Ring(), T0)
    with pytest.raises(Unauthorized):
        caller_tokens.verify(token, Ring(keys={"k1": b"old" * 11}), T0)


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=255))
def test_any_byte_change_is_refused(position: int, delta: int) -> None:
    token = caller_tokens.issue("CALL1", Ring(), T0)
    raw = bytearray(token.encode())
    i = position % len(raw)
    raw[i] = (raw[i] + delta) % 256
    try:
        forged = raw.decode()
    except UnicodeDecodeError:
        return
    if forged == token:
        return
    with pytest.raises(Unauthorized):
        caller_tokens.verify(forged, Ring(), T0)
