"""Edge contract of QR doorplates: the claims a token carries, what issuing returns, revocations."""

from __future__ import annotations

from pydantic import ConfigDict, Field, field_validator

from chalicelib.core.model import Model

KID_PATTERN = r"^[A-Za-z0-9_-]{1,16}$"


class QrClaims(Model):
    """What a verified doorplate tells the platform, with no database read."""

    model_config = ConfigDict(frozen=True)

    address_code: str = Field(min_length=1, max_length=64)
    county: str = Field(pattern=r"^\d{6}$")
    # WGS-84, as stored; map clients convert to GCJ-02 for display only (docs/qr-codes.md).
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    text_zh: str = Field(min_length=1, max_length=200)
    kid: str = Field(pattern=KID_PATTERN)
    issued_at: int = Field(ge=0, description="epoch seconds")

    @field_validator("lat", "lon")
    @classmethod
    def _six_places(cls, value: float) -> float:
        # ~0.1 m is finer than any door; fewer digits keep the QR small and make a roundtrip exact.
        return round(value, 6)


class QrIssued(Model):
    address_code: str
    token: str
    url: str = Field(description="public call page the QR code opens: {public_base_url}/q/{token}")
    kid: str
    issued_at: int


class Revocation(Model):
    subject: str = Field(description="address#<code> or key#<kid>")
    revoked_at: int = Field(description="epoch seconds; tokens issued at or before it are refused")
    reason: str
    actor: str


class RevokeRequest(Model):
    reason: str = Field(min_length=3, max_length=500, description="why, for the audit trail")
