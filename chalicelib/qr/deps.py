"""Cached factories of the QR ports. Nothing here touches boto3, pynamodb or the environment
until first use (cold start, moto)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.config import get_settings
from chalicelib.core.errors import ServiceUnavailable

if TYPE_CHECKING:
    from chalicelib.qr.keys import KeyRing
    from chalicelib.qr.ports import AddressSource, RevocationStore
    from chalicelib.qr.verifier import Verifier


@lru_cache(maxsize=1)
def get_key_ring() -> KeyRing:
    from pathlib import Path

    from chalicelib.qr.keys import SecretsManagerKeyRing, parse_ring, secret_fetcher

    s = get_settings()
    if s.qr_keys_secret:
        return SecretsManagerKeyRing(secret_fetcher(s.qr_keys_secret))
    if s.qr_keys_file:
        # Read once per process: the devstack rotates by restarting.
        return parse_ring(Path(s.qr_keys_file).read_text(encoding="utf-8"))
    raise ServiceUnavailable("QR keys are not configured", code="qr_not_configured")


@lru_cache(maxsize=1)
def get_revocation_store() -> RevocationStore:
    from chalicelib.qr.dal import DynamoRevocationStore

    return DynamoRevocationStore()


@lru_cache(maxsize=1)
def get_address_source() -> AddressSource:
    from chalicelib.qr.dal import DynamoAddressSource

    return DynamoAddressSource()


@lru_cache(maxsize=1)
def get_verifier() -> Verifier:
    """The process-wide verifier: `get_verifier().verify(token) -> QrClaims`."""
    from chalicelib.qr.verifier import Verifier

    return Verifier(get_key_ring(), get_revocation_store())


def public_base_url() -> str:
    url = get_settings().public_base_url
    if not url:
        raise ServiceUnavailable("public base URL is not configured", code="qr_not_configured")
    return url.rstrip("/")


def reset() -> None:
    """Tests only: forget keys, stores and the cached revocation set."""
    for factory in (get_key_ring, get_revocation_store, get_address_source, get_verifier):
        factory.cache_clear()
