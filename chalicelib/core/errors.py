"""Domain errors. Each carries its HTTP status and machine-readable code; the mapping
to a response lives in one place (`chalicelib.core.http`)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class MethodNotAllowed(DomainError):
    status = 405
    code = "method_not_allowed"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class ServiceUnavailable(DomainError):
    status = 503
    code = "service_unavailable"


ErrorCodes = dict[int, tuple[str, ...]]


def union(*parts: ErrorCodes) -> ErrorCodes:
    """Several routes' `errors=` declarations as one: the codes of a status shared by two are merged."""
    merged: ErrorCodes = {}
    for part in parts:
        for status, codes in part.items():
            merged[status] = tuple(dict.fromkeys((*merged.get(status, ()), *codes)))
    return merged


# Every read or write of an incident's health data passes the access rule (`healthaccess.rules`).
HEALTH_RECORD: ErrorCodes = {
    403: ("not_assigned", "not_destination", "responder_no_health_data", "role_denied", "scope_denied"),
    404: ("incident_not_found",),
}
# A doorplate's QR token: a damaged sticker (400) or a forged, retired or revoked one (401).
QR_TOKEN: ErrorCodes = {400: ("qr_malformed",), 401: ("qr_invalid_signature", "qr_key_expired", "qr_revoked")}
QR_KEYS: ErrorCodes = {503: ("qr_not_configured", "qr_keys_unavailable")}
HEALTH_RECORD_RULE = (
    "Health data: the crew of the unit assigned to the incident, a dispatcher of its county (or city-wide), "
    "the receiving hospital, or a holder of an active grant (booking, referral, break the glass); a missing "
    "incident and one out of reach look alike; every access, and every refusal, is audited."
)
