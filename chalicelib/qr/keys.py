"""QR signing keys: a ring of HMAC keys by key id (kid), one of them current.

Rotation: add a new kid and make it current; keep the old ones until every plate signed with them
is reprinted. Retiring: remove the kid (its plates then fail with `qr_key_expired`). The same JSON
document, `{"current": "k1", "keys": {"k1": "<base64>"}}` (or flat, `{"current": "k1", "k1": "<base64>"}`,
as CloudFormation generates it), lives in a local file (devstack) or in an AWS Secrets Manager secret.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator

from chalicelib.core.errors import ServiceUnavailable
from chalicelib.core.observability import logger
from chalicelib.qr.schemas import KID_PATTERN

MIN_KEY_BYTES = 32  # HMAC-SHA256 gains nothing beyond its block size, loses a lot below its output size


class KeyRing(ABC):
    @property
    @abstractmethod
    def current_kid(self) -> str: ...

    @abstractmethod
    def key(self, kid: str) -> bytes | None: ...


class StaticKeyRing(KeyRing):
    def __init__(self, current: str, keys: dict[str, bytes]) -> None:
        if current not in keys:
            raise ValueError(f"current key {current!r} is not in the ring")
        self._current, self._keys = current, dict(keys)

    @property
    def current_kid(self) -> str:
        return self._current

    def key(self, kid: str) -> bytes | None:
        return self._keys.get(kid)

    def kids(self) -> list[str]:
        return sorted(self._keys)


class _Doc(BaseModel):
    current: str = Field(pattern=KID_PATTERN)
    keys: dict[str, str] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _flat_ring(cls, data: Any) -> Any:
        # CloudFormation generates the secret flat, {"current": "k1", "k1": "<b64>"}: there every
        # member but "current" is a key. Both shapes are accepted.
        if isinstance(data, dict) and "keys" not in data:
            return {"current": data.get("current"), "keys": {k: v for k, v in data.items() if k != "current"}}
        return data

    @model_validator(mode="after")
    def _current_is_known(self) -> _Doc:
        if self.current not in self.keys:
            raise ValueError("current kid is not among the keys")
        return self


def parse_ring(text: str) -> StaticKeyRing:
    """Parse the key document; refuses short keys and a current kid without a key."""
    try:
        doc = _Doc.model_validate_json(text)
        keys = {kid: base64.b64decode(b64, validate=True) for kid, b64 in doc.keys.items()}
    except (ValidationError, binascii.Error, ValueError) as exc:
        raise ValueError(f"QR key document is invalid: {type(exc).__name__}") from None
    short = sorted(kid for kid, k in keys.items() if len(k) < MIN_KEY_BYTES)
    if short:
        raise ValueError(f"QR keys shorter than {MIN_KEY_BYTES} bytes: {', '.join(short)}")
    return StaticKeyRing(doc.current, keys)


def new_ring_json(kid: str = "k1") -> str:
    """A fresh key document with one random key (devstack, first AWS deployment)."""
    key = base64.b64encode(secrets.token_bytes(MIN_KEY_BYTES)).decode("ascii")
    return json.dumps({"current": kid, "keys": {kid: key}})


class SecretsManagerKeyRing(KeyRing):
    """Key document from Secrets Manager, held in memory for `ttl_s` so a scan costs no call.

    An unknown kid forces an early reload (a rotation may be newer than our copy), at most
    every `min_reload_s`, so forged kids cannot turn every request into a Secrets Manager call.
    """

    def __init__(
        self,
        fetch: Callable[[], str],
        *,
        clock: Callable[[], float] = time.monotonic,
        ttl_s: float = 300.0,
        min_reload_s: float = 30.0,
    ) -> None:
        self._fetch, self._clock, self._ttl_s, self._min_reload_s = fetch, clock, ttl_s, min_reload_s
        self._lock = threading.Lock()
        self._ring: StaticKeyRing | None = None
        self._loaded_at = 0.0

    @property
    def current_kid(self) -> str:
        return self._get(force=False).current_kid

    def key(self, kid: str) -> bytes | None:
        found = self._get(force=False).key(kid)
        if found is None:
            found = self._get(force=True).key(kid)
        return found

    def _get(self, *, force: bool) -> StaticKeyRing:
        with self._lock:
            age = self._clock() - self._loaded_at
            if self._ring is None or age >= self._ttl_s or (force and age >= self._min_reload_s):
                self._reload()
            assert self._ring is not None
            return self._ring

    def _reload(self) -> None:
        try:
            self._ring = parse_ring(self._fetch())
        except Exception as exc:
            # Keep signing and verifying with the last good ring rather than refuse emergency calls.
            logger().warning("QR key ring reload failed", extra={"error": type(exc).__name__})
            if self._ring is None:
                raise ServiceUnavailable("QR keys unavailable", code="qr_keys_unavailable") from exc
        self._loaded_at = self._clock()


def secret_fetcher(secret_id: str) -> Callable[[], str]:
    def fetch() -> str:
        from chalicelib.core.aws import client

        return str(client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])

    return fetch
