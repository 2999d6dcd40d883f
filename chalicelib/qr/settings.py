"""Settings of QR doorplates: where the signing keys come from, and the call page they open."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class QrSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMS_", extra="ignore")

    # The key ring from a Secrets Manager secret (AWS) or a local JSON file (devstack).
    qr_keys_secret: str | None = None
    qr_keys_file: str | None = None
    # Origin of the public call page a doorplate QR opens: {public_base_url}/q/{token}.
    public_base_url: str | None = None
