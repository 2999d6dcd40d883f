"""Address reads and doorplate issuing, over the ports and the clock the caller passes in."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.addresses.ports import AddressSource
from chalicelib.addresses.schemas import Address, AddressStatus
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.qr.api import (
    KeyRing,
    Plate,
    QrClaims,
    QrIssued,
    Revocation,
    RevocationStore,
    address_subject,
    issue_time,
    revoke_address,
    sign,
)


@dataclass(frozen=True)
class IssuedPlate:
    address: Address
    qr: QrIssued

    @property
    def plate(self) -> Plate:
        return Plate(code=self.address.code, text_zh=self.address.text_zh, url=self.qr.url)


def get_address(code: str, *, source: AddressSource) -> Address:
    address = source.get(code)
    if address is None:
        raise NotFound(f"no address {code}", code="address_not_found")
    return address


def issue(address: Address, *, ring: KeyRing, revoked_at: int | None, now: int, base_url: str) -> IssuedPlate:
    """Sign a doorplate token for an active address (retired doors get no new plates)."""
    if address.status is AddressStatus.RETIRED:
        raise Conflict(f"address {address.code} is retired", code="address_retired")
    claims = QrClaims(
        address_code=address.code,
        county=address.county,
        lat=address.lat,
        lon=address.lon,
        text_zh=address.text_zh,
        kid=ring.current_kid,
        issued_at=issue_time(now, revoked_at),
    )
    token = sign(claims, ring)
    qr = QrIssued(
        address_code=address.code,
        token=token,
        url=f"{base_url.rstrip('/')}/q/{token}",
        kid=claims.kid,
        issued_at=claims.issued_at,
    )
    return IssuedPlate(address=address, qr=qr)


def issue_for_code(
    code: str, *, source: AddressSource, ring: KeyRing, revocations: RevocationStore, now: int, base_url: str
) -> IssuedPlate:
    address = get_address(code, source=source)
    last = revocations.get(address_subject(code))
    return issue(address, ring=ring, revoked_at=last.revoked_at if last else None, now=now, base_url=base_url)


def revoke_plates(
    code: str, reason: str, actor: str, *, source: AddressSource, store: RevocationStore, now: int
) -> Revocation:
    """Refuse every plate of this address issued so far; plates issued later work again."""
    get_address(code, source=source)
    return revoke_address(code, reason, actor, store=store, now=now)
