"""Revocation of doorplates, per address or per key.

An address revocation refuses every token of that address issued at or before it; a plate
issued afterwards works again. A key revocation refuses every token signed with that kid,
without waiting to remove the key from the ring.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from chalicelib.core.errors import Conflict, NotFound
from chalicelib.qr.keys import KeyRing
from chalicelib.qr.ports import RevocationStore
from chalicelib.qr.schemas import QrClaims, Revocation

ADDRESS = "address#"
KEY = "key#"


def address_subject(code: str) -> str:
    return f"{ADDRESS}{code}"


def key_subject(kid: str) -> str:
    return f"{KEY}{kid}"


@dataclass(frozen=True)
class RevocationSet:
    """Everything revoked, small enough to hold in memory and check without a read."""

    addresses: Mapping[str, int] = field(default_factory=dict)  # address code -> revoked_at
    keys: frozenset[str] = frozenset()

    def revokes(self, claims: QrClaims) -> bool:
        if claims.kid in self.keys:
            return True
        revoked_at = self.addresses.get(claims.address_code)
        return revoked_at is not None and revoked_at >= claims.issued_at

    @classmethod
    def of(cls, revocations: Iterable[Revocation]) -> RevocationSet:
        addresses: dict[str, int] = {}
        keys: set[str] = set()
        for r in revocations:
            if r.subject.startswith(ADDRESS):
                code = r.subject.removeprefix(ADDRESS)
                addresses[code] = max(r.revoked_at, addresses.get(code, r.revoked_at))
            elif r.subject.startswith(KEY):
                keys.add(r.subject.removeprefix(KEY))
        return cls(addresses=addresses, keys=frozenset(keys))


def issue_time(now: int, revoked_at: int | None) -> int:
    """When a new plate counts as issued: strictly after the address's last revocation,
    so revoking and reprinting within the same second still yields a working plate."""
    return now if revoked_at is None or revoked_at < now else revoked_at + 1


def revoke_address(code: str, reason: str, actor: str, *, store: RevocationStore, now: int) -> Revocation:
    revocation = Revocation(subject=address_subject(code), revoked_at=now, reason=reason, actor=actor)
    store.put(revocation)
    return revocation


def revoke_key(kid: str, reason: str, actor: str, *, ring: KeyRing, store: RevocationStore, now: int) -> Revocation:
    if ring.key(kid) is None:
        raise NotFound(f"no QR key {kid} in the ring", code="qr_key_not_found")
    if kid == ring.current_kid:
        # Every plate printed from now on would be dead on arrival.
        raise Conflict(f"{kid} is the current key; rotate to a new key first", code="qr_key_current")
    revocation = Revocation(subject=key_subject(kid), revoked_at=now, reason=reason, actor=actor)
    store.put(revocation)
    return revocation
