"""Token verification for call intake: keys and revocations from memory, not from a read.

The whole revocation set is loaded with one Scan and reused for `refresh_s` (60 s), so a
revocation reaches every warm Lambda container within that bound. If the Scan fails, the last
good set stays in use and the next try waits another `refresh_s`: a scan must never be refused
because the revocation table is briefly unreachable (a revoked plate is a nuisance, a lost
emergency call is not).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from chalicelib.core.observability import logger
from chalicelib.qr import tokens
from chalicelib.qr.keys import KeyRing
from chalicelib.qr.ports import RevocationStore
from chalicelib.qr.revocations import RevocationSet
from chalicelib.qr.schemas import QrClaims

REFRESH_S = 60.0


class Verifier:
    def __init__(
        self,
        ring: KeyRing,
        store: RevocationStore,
        *,
        clock: Callable[[], float] = time.time,
        refresh_s: float = REFRESH_S,
    ) -> None:
        self._ring, self._store, self._clock, self._refresh_s = ring, store, clock, refresh_s
        self._lock = threading.Lock()
        self._revoked = RevocationSet()
        self._loaded_at: float | None = None

    def verify(self, token: str) -> QrClaims:
        """Claims of a genuine, unrevoked token, else a `QrTokenError` (400/401, distinct codes)."""
        now = self._clock()
        return tokens.verify(token, self._ring, self._revocations(now), now)

    def _revocations(self, now: float) -> RevocationSet:
        with self._lock:
            if self._loaded_at is None or now - self._loaded_at >= self._refresh_s:
                try:
                    self._revoked = RevocationSet.of(self._store.all())
                except Exception as exc:
                    logger().warning("QR revocations not refreshed", extra={"error": type(exc).__name__})
                self._loaded_at = now
            return self._revoked
