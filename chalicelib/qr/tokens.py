"""Compact signed QR tokens: `base64url(json payload) "." base64url(HMAC-SHA256(key, payload))`.

Pure functions: no I/O, no clock. The payload carries the address and its coordinates, so a
verified scan locates the caller without reading the address table.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.qr.errors import QrInvalidSignature, QrKeyExpired, QrMalformed, QrRevoked
from chalicelib.qr.schemas import KID_PATTERN, QrClaims

if TYPE_CHECKING:
    from chalicelib.qr.keys import KeyRing
    from chalicelib.qr.revocations import RevocationSet

VERSION = 1
MAX_TOKEN_CHARS = 1024  # a doorplate QR never gets near this; bounds the work a junk token costs
# A token "issued" in the future would outlive an address revocation, so it is refused.
FUTURE_SKEW_S = 300
_B64 = re.compile(r"[A-Za-z0-9_-]+")


class _Wire(BaseModel):
    """The payload as it travels: one-letter keys keep the QR code small."""

    model_config = ConfigDict(extra="forbid")

    v: int
    k: str = Field(pattern=KID_PATTERN)
    a: str
    c: str
    la: float
    lo: float
    t: str
    i: int


def sign(claims: QrClaims, ring: KeyRing) -> str:
    key = ring.key(claims.kid)
    if key is None:
        raise QrKeyExpired(f"key {claims.kid} is not in the key ring")
    wire = {"v": VERSION, "k": claims.kid, "a": claims.address_code, "c": claims.county}
    wire |= {"la": claims.lat, "lo": claims.lon, "t": claims.text_zh, "i": claims.issued_at}
    payload = json.dumps(wire, ensure_ascii=False, separators=(",", ":")).encode()
    return f"{_b64e(payload)}.{_b64e(_mac(key, payload))}"


def verify(token: str, ring: KeyRing, revocations: RevocationSet, now: float) -> QrClaims:
    """Claims of a genuine, unrevoked token; otherwise a `QrTokenError` saying why."""
    payload, signature = _split(token)
    claims = _claims(payload, now)
    key = ring.key(claims.kid)
    if key is None:
        raise QrKeyExpired(f"key {claims.kid} is retired; the doorplate must be reprinted")
    if not hmac.compare_digest(_mac(key, payload), signature):
        raise QrInvalidSignature("QR token signature does not match")
    if revocations.revokes(claims):
        raise QrRevoked("this doorplate has been revoked")
    return claims


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64d(part: str) -> bytes:
    if not _B64.fullmatch(part):
        raise QrMalformed("QR token is not base64url")
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as exc:
        raise QrMalformed("QR token is not base64url") from exc
    # Unused low bits of the last character would otherwise let two strings decode alike.
    if _b64e(raw) != part:
        raise QrMalformed("QR token base64 is not canonical")
    return raw


def _split(token: str) -> tuple[bytes, bytes]:
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        raise QrMalformed("QR token missing or too long")
    parts = token.split(".")
    if len(parts) != 2:
        raise QrMalformed("QR token must have two parts")
    payload, signature = (_b64d(p) for p in parts)
    if len(signature) != hashlib.sha256().digest_size:
        raise QrMalformed("QR token signature has the wrong length")
    return payload, signature


def _claims(payload: bytes, now: float) -> QrClaims:
    try:
        data: Any = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise QrMalformed("QR token payload is not JSON") from exc
    if not isinstance(data, dict) or type(data.get("v")) is not int or data["v"] != VERSION:
        raise QrMalformed("unsupported QR token version")
    try:
        w = _Wire.model_validate(data)
        claims = QrClaims(address_code=w.a, county=w.c, lat=w.la, lon=w.lo, text_zh=w.t, kid=w.k, issued_at=w.i)
    except ValidationError as exc:
        fields = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
        raise QrMalformed(f"QR token payload invalid: {', '.join(fields) or 'payload'}") from exc
    if claims.issued_at > now + FUTURE_SKEW_S:
        raise QrMalformed("QR token issued in the future")
    return claims
