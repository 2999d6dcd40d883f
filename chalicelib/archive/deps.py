"""Cached factory of the archive store, imported on first use."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.archive.ports import ArchiveStore


@lru_cache(maxsize=1)
def get_store() -> ArchiveStore:
    from chalicelib.archive.store import DynamoArchiveStore

    return DynamoArchiveStore()


def identity_key() -> bytes:
    """The HMAC key of every lookup key; without it nothing can be imported or identified."""
    from chalicelib.core.config import get_settings
    from chalicelib.core.errors import ServiceUnavailable

    settings = get_settings()
    if settings.identity_key is not None and settings.identity_key.get_secret_value():
        return settings.identity_key.get_secret_value().encode()
    if settings.identity_key_secret:
        return _secret_key(settings.identity_key_secret)
    raise ServiceUnavailable("the identity key is not configured (EMS_IDENTITY_KEY)", code="identity_key_missing")


@lru_cache(maxsize=1)
def _secret_key(secret_id: str) -> bytes:
    import json

    from chalicelib.core.aws import client
    from chalicelib.core.errors import ServiceUnavailable

    try:
        value = json.loads(client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])["key"]
    except Exception as exc:  # not cached: the next request tries again
        raise ServiceUnavailable("the identity key cannot be read", code="identity_key_unavailable") from exc
    return str(value).encode()
