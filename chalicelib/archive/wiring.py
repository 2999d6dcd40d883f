"""The archive's store and identity key, built on first use (the composition root caches them)."""

from __future__ import annotations

from chalicelib.archive.ports import ArchiveStore
from chalicelib.core.root import provider


@provider
def get_store() -> ArchiveStore:
    from chalicelib.archive.adapters import DynamoArchiveStore

    return DynamoArchiveStore()


def identity_key() -> bytes:
    """The HMAC key of every lookup key; without it nothing can be imported or identified."""
    from chalicelib.archive.settings import ArchiveSettings
    from chalicelib.core.config import settings_of
    from chalicelib.core.errors import ServiceUnavailable

    settings = settings_of(ArchiveSettings)
    if settings.identity_key is not None and settings.identity_key.get_secret_value():
        return settings.identity_key.get_secret_value().encode()
    if settings.identity_key_secret:
        return _secret_key(settings.identity_key_secret)
    raise ServiceUnavailable("the identity key is not configured (EMS_IDENTITY_KEY)", code="identity_key_missing")


@provider
def _secret_key(secret_id: str) -> bytes:
    import json

    from chalicelib.core.aws import client
    from chalicelib.core.errors import ServiceUnavailable

    try:
        value = json.loads(client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])["key"]
    except Exception as exc:  # not cached: the next request tries again
        raise ServiceUnavailable("the identity key cannot be read", code="identity_key_unavailable") from exc
    return str(value).encode()
