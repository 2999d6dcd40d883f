"""Caller tokens: the only credential a resident holds, good for one call's status.

HMAC-SHA256 over a compact payload with a key id, from the same key ring as the QR
plates but domain-separated, so a plate signature can never pass as a caller token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from chalicelib.core.errors import Forbidden, Unauthorized
from chalicelib.incidents.ports import KeyRing

_DOMAIN = b"ems-caller-token|"
TTL = timedelta(hours=24)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(raw) != text:
        # Non-canonical spellings of the same bytes would make one token many.
        raise ValueError("non-canonical base64")
    return raw


def issue(call_id: str, ring: KeyRing, now: datetime) -> str:
    kid = ring.current_kid
    key = ring.key(kid)
    assert key is not None  # the current key is always in the ring
    payload = json.dumps({"k": kid, "c": call_id, "e": int((now + TTL).timestamp())}, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(hmac.new(key, _DOMAIN + payload, hashlib.sha256).digest())}"


def verify(token: str, ring: KeyRing, now: datetime) -> str:
    """The call id this token speaks for (401 otherwise)."""
    try:
        body, sig = token.split(".")
        payload = _unb64(body)
        claims = json.loads(payload)
        kid, call_id, exp = str(claims["k"]), str(claims["c"]), int(claims["e"])
        mac = _unb64(sig)
    except (ValueError, KeyError, TypeError) as exc:
        raise Unauthorized("caller token unreadable", code="invalid_caller_token") from exc
    key = ring.key(kid)
    if key is None or not hmac.compare_digest(mac, hmac.new(key, _DOMAIN + payload, hashlib.sha256).digest()):
        raise Unauthorized("caller token not valid", code="invalid_caller_token")
    if now.timestamp() > exp:
        raise Unauthorized("caller token expired", code="caller_token_expired")
    return call_id


def require(call_id: str, bearer: str | None, ring: KeyRing, now: datetime) -> None:
    """The `Authorization` header speaks for `call_id` (401 unreadable or expired, 403 `not_your_call`)."""
    token = (bearer or "").removeprefix("Bearer ").strip()
    if verify(token, ring, now) != call_id:
        raise Forbidden("this token is for another call", code="not_your_call")
