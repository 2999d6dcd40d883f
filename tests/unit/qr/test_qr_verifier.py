"""The verifier's in-memory revocation set: one Scan per minute at most, stale by at most 60 s."""

from __future__ import annotations

import pytest

from chalicelib.core.errors import Conflict, NotFound
from chalicelib.qr import tokens
from chalicelib.qr.errors import QrRevoked
from chalicelib.qr.keys import StaticKeyRing
from chalicelib.qr.ports import RevocationStore
from chalicelib.qr.revocations import RevocationSet, issue_time, revoke_address, revoke_key
from chalicelib.qr.schemas import QrClaims, Revocation
from chalicelib.qr.verifier import Verifier

RING = StaticKeyRing("k2", {"k1": b"1" * 32, "k2": b"2" * 32})
T0 = 1_764_000_000
CLAIMS = QrClaims(address_code="ZA1", county="350602", lat=24.5, lon=117.6, text_zh="门", kid="k2", issued_at=T0)
TOKEN = tokens.sign(CLAIMS, RING)


class MemoryStore(RevocationStore):
    def __init__(self) -> None:
        self.items: dict[str, Revocation] = {}
        self.scans = 0
        self.down = False

    def put(self, revocation: Revocation) -> None:
        self.items[revocation.subject] = revocation

    def get(self, subject: str) -> Revocation | None:
        return self.items.get(subject)

    def all(self) -> list[Revocation]:
        self.scans += 1
        if self.down:
            raise ConnectionError("dynamodb down")
        return list(self.items.values())


@pytest.fixture
def clock() -> list[float]:
    return [float(T0)]


def test_revocation_takes_effect_after_the_refresh_interval_only(clock: list[float]) -> None:
    store = MemoryStore()
    verifier = Verifier(RING, store, clock=lambda: clock[0])
    assert verifier.verify(TOKEN) == CLAIMS
    # When an admin revokes the address, then warm verifiers keep the cached set for up to 60 s
    revoke_address("ZA1", "demolished", "admin-1", store=store, now=T0 + 1)
    clock[0] += 59
    assert verifier.verify(TOKEN) == CLAIMS
    clock[0] += 1
    with pytest.raises(QrRevoked):
        verifier.verify(TOKEN)
    assert store.scans == 2


def test_scans_once_per_interval_however_many_calls(clock: list[float]) -> None:
    store = MemoryStore()
    verifier = Verifier(RING, store, clock=lambda: clock[0])
    for _ in range(100):
        verifier.verify(TOKEN)
    assert store.scans == 1


def test_unreachable_table_keeps_the_last_set_and_calls_still_verify(clock: list[float]) -> None:
    store = MemoryStore()
    store.down = True
    verifier = Verifier(RING, store, clock=lambda: clock[0])
    # A scan failure never blocks an emergency call, and is not retried per request.
    assert verifier.verify(TOKEN) == CLAIMS
    assert verifier.verify(TOKEN) == CLAIMS
    assert store.scans == 1


def test_reissue_after_revocation_in_the_same_second_is_later_than_it() -> None:
    assert issue_time(T0, None) == T0
    assert issue_time(T0, T0 - 5) == T0
    assert issue_time(T0, T0) == T0 + 1
    revoked = RevocationSet.of([Revocation(subject="address#ZA1", revoked_at=T0, reason="r", actor="a")])
    assert not revoked.revokes(CLAIMS.model_copy(update={"issued_at": issue_time(T0, T0)}))


def test_key_revocation_refuses_unknown_and_current_keys() -> None:
    store = MemoryStore()
    with pytest.raises(NotFound) as missing:
        revoke_key("k9", "leak", "admin-1", ring=RING, store=store, now=T0)
    assert missing.value.code == "qr_key_not_found"
    with pytest.raises(Conflict) as current:
        revoke_key("k2", "leak", "admin-1", ring=RING, store=store, now=T0)
    assert current.value.code == "qr_key_current"
    revoke_key("k1", "leak", "admin-1", ring=RING, store=store, now=T0)
    assert RevocationSet.of(store.all()).keys == {"k1"}
