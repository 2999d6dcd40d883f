"""The QR domain's ports, built on first use (`core.root` forgets them on reset): nothing here
touches boto3, pynamodb or the environment until then (cold start, moto)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.core.config import settings_of
from chalicelib.core.errors import ServiceUnavailable
from chalicelib.core.root import provider

if TYPE_CHECKING:
    from chalicelib.qr.keys import KeyRing
    from chalicelib.qr.ports import RevocationStore
    from chalicelib.qr.verifier import Verifier


@provider
def get_key_ring() -> KeyRing:
    from pathlib import Path

    from chalicelib.qr.keys import SecretsManagerKeyRing, parse_ring, secret_fetcher
    from chalicelib.qr.settings import QrSettings

    s = settings_of(QrSettings)
    if s.qr_keys_secret:
        return SecretsManagerKeyRing(secret_fetcher(s.qr_keys_secret))
    if s.qr_keys_file:
        # Read once per process: the devstack rotates by restarting.
        return parse_ring(Path(s.qr_keys_file).read_text(encoding="utf-8"))
    raise ServiceUnavailable("QR keys are not configured", code="qr_not_configured")


@provider
def get_revocation_store() -> RevocationStore:
    from chalicelib.qr.adapters import DynamoRevocationStore

    return DynamoRevocationStore()


@provider
def get_verifier() -> Verifier:
    """The process-wide verifier (it holds the revocation set): `get_verifier().verify(token) -> QrClaims`."""
    from chalicelib.qr.verifier import Verifier

    return Verifier(get_key_ring(), get_revocation_store())


def public_base_url() -> str:
    from chalicelib.qr.settings import QrSettings

    url = settings_of(QrSettings).public_base_url
    if not url:
        raise ServiceUnavailable("public base URL is not configured", code="qr_not_configured")
    return url.rstrip("/")
