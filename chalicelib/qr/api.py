"""What other domains may use of QR doorplates: verifying a scanned token, signing and revoking an
address's plates, drawing them, and the key ring (the caller tokens of call intake are signed with it)."""

from __future__ import annotations

from chalicelib.qr.errors import QrTokenError
from chalicelib.qr.keys import KeyRing
from chalicelib.qr.ports import RevocationStore
from chalicelib.qr.revocations import address_subject, issue_time, revoke_address
from chalicelib.qr.schemas import QrClaims, QrIssued, Revocation, RevokeRequest
from chalicelib.qr.svg import Plate, plate_svg
from chalicelib.qr.tokens import sign
from chalicelib.qr.wiring import get_key_ring, get_revocation_store, get_verifier, public_base_url

__all__ = [
    "KeyRing", "Plate", "QrClaims", "QrIssued", "QrTokenError", "Revocation", "RevocationStore", "RevokeRequest",
    "address_subject", "issue_time", "key_ring", "plate_svg", "public_base_url", "revocation_store",
    "revoke_address", "sign", "verify",
]  # fmt: skip


def verify(token: str) -> QrClaims:
    """The claims of a genuine, unrevoked doorplate token (no database read), else a `QrTokenError`."""
    return get_verifier().verify(token)


def key_ring() -> KeyRing:
    return get_key_ring()


def revocation_store() -> RevocationStore:
    return get_revocation_store()
