"""Why a QR token was refused. One class per reason so the caller page and the dispatcher can tell
a damaged sticker (400) from a forged, retired or revoked one (401)."""

from __future__ import annotations

from chalicelib.core.errors import BadRequest, DomainError, Unauthorized


class QrTokenError(DomainError):
    """Marker base: `except QrTokenError` catches every refusal of a token."""


class QrMalformed(QrTokenError, BadRequest):
    code = "qr_malformed"


class QrInvalidSignature(QrTokenError, Unauthorized):
    code = "qr_invalid_signature"


class QrKeyExpired(QrTokenError, Unauthorized):
    code = "qr_key_expired"


class QrRevoked(QrTokenError, Unauthorized):
    code = "qr_revoked"
