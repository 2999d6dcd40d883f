"""QR token format: pure sign/verify, every refusal with its own code."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.qr import tokens
from chalicelib.qr.errors import QrInvalidSignature, QrKeyExpired, QrMalformed, QrRevoked, QrTokenError
from chalicelib.qr.keys import StaticKeyRing
from chalicelib.qr.revocations import RevocationSet
from chalicelib.qr.schemas import QrClaims

RING = StaticKeyRing("k2", {"k1": b"1" * 32, "k2": b"2" * 32})
NONE = RevocationSet()
T0 = 1_764_000_000
CLAIMS = QrClaims(
    address_code="ZA0123456789ABCDEF",
    county="350602",
    lat=24.512345,
    lon=117.654321,
    text_zh="漳州市芗城区西桥街道新华社区胜利东路12号3幢2单元1203室",
    kid="k2",
    issued_at=T0,
)
TOKEN = tokens.sign(CLAIMS, RING)

claims_st = st.builds(
    QrClaims,
    address_code=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=64),
    county=st.from_regex(r"\A\d{6}\Z"),
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    text_zh=st.text(min_size=1, max_size=200),
    kid=st.sampled_from(["k1", "k2"]),
    issued_at=st.integers(0, T0),
)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def payload_token(payload: object, sig: bytes = b"s" * 32) -> str:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return f"{b64(raw)}.{b64(sig)}"


@given(claims_st)
def test_roundtrip_returns_the_signed_claims(claims: QrClaims) -> None:
    assert tokens.verify(tokens.sign(claims, RING), RING, NONE, T0) == claims


def test_token_is_compact_enough_for_a_doorplate() -> None:
    # Given a long real-world address, the whole URL stays far below the intake bound (1024)
    assert len(TOKEN) < 400


@given(st.integers(0, len(TOKEN) - 1), st.sampled_from("AbQw09_-.=+/ é漳"))
def test_any_single_character_change_is_refused(index: int, char: str) -> None:
    changed = TOKEN[:index] + char + TOKEN[index + 1 :]
    if changed == TOKEN:
        return
    with pytest.raises(QrTokenError):
        tokens.verify(changed, RING, NONE, T0)


@given(st.integers(0, len(TOKEN) - 1))
def test_dropping_a_character_is_refused(index: int) -> None:
    with pytest.raises(QrTokenError):
        tokens.verify(TOKEN[:index] + TOKEN[index + 1 :], RING, NONE, T0)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b.c",
        "!!!." + b64(b"s" * 32),
        payload_token(b"\xff\xfe"),
        payload_token(b"not json"),
        payload_token([1, 2]),
        payload_token({"v": 2, "k": "k2"}),
        payload_token({"v": True, "k": "k2"}),
        payload_token({"v": 1, "k": "k2", "a": "X"}),
        payload_token({**json.loads(base64.urlsafe_b64decode(TOKEN.split(".")[0] + "==")), "la": 91.0}),
        payload_token({**json.loads(base64.urlsafe_b64decode(TOKEN.split(".")[0] + "==")), "lo": float("nan")}),
        payload_token({**json.loads(base64.urlsafe_b64decode(TOKEN.split(".")[0] + "==")), "i": T0 + 3600}),
        TOKEN.split(".")[0] + "." + b64(b"short"),
        TOKEN + "A" * 1024,
    ],
)
def test_malformed_tokens_are_400(token: str) -> None:
    with pytest.raises(QrMalformed) as err:
        tokens.verify(token, RING, NONE, T0)
    assert (err.value.status, err.value.code) == (400, "qr_malformed")


def test_token_signed_with_another_key_is_forged() -> None:
    forged = tokens.sign(CLAIMS, StaticKeyRing("k2", {"k2": b"x" * 32}))
    with pytest.raises(QrInvalidSignature) as err:
        tokens.verify(forged, RING, NONE, T0)
    assert (err.value.status, err.value.code) == (401, "qr_invalid_signature")


def test_retired_key_is_expired_even_if_the_signature_was_once_good() -> None:
    old = tokens.sign(CLAIMS.model_copy(update={"kid": "k1"}), RING)
    with pytest.raises(QrKeyExpired) as err:
        tokens.verify(old, StaticKeyRing("k2", {"k2": b"2" * 32}), NONE, T0)
    assert (err.value.status, err.value.code) == (401, "qr_key_expired")


def test_address_revocation_refuses_plates_issued_until_then_only() -> None:
    revoked = RevocationSet(addresses={CLAIMS.address_code: T0})
    with pytest.raises(QrRevoked) as err:
        tokens.verify(TOKEN, RING, revoked, T0)
    assert (err.value.status, err.value.code) == (401, "qr_revoked")
    reissued = tokens.sign(CLAIMS.model_copy(update={"issued_at": T0 + 1}), RING)
    assert tokens.verify(reissued, RING, revoked, T0 + 1).issued_at == T0 + 1


def test_key_revocation_refuses_every_plate_of_that_key() -> None:
    with pytest.raises(QrRevoked):
        tokens.verify(TOKEN, RING, RevocationSet(keys=frozenset({"k2"})), T0)
    assert tokens.verify(TOKEN, RING, RevocationSet(keys=frozenset({"k1"})), T0) == CLAIMS


def test_signing_with_a_key_not_in_the_ring_is_refused() -> None:
    with pytest.raises(QrKeyExpired):
        tokens.sign(CLAIMS.model_copy(update={"kid": "k9"}), RING)
