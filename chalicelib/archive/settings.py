"""The health archive's key."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ArchiveSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMS_", extra="ignore")

    # HMAC key of the lookup keys (resident ID, phone + family name + birth date). Unset, the
    # archive refuses to import or identify rather than store a reversible hash.
    identity_key: SecretStr | None = None
    # In AWS: the Secrets Manager secret holding it as {"key": "..."} (read once per container).
    identity_key_secret: str | None = None
