"""Bearer-token authentication and role/scope authorisation.

One code path for every environment: a JWT signed with RS256 is checked against a
JWKS — the Cognito user pool's in AWS, a local key set in the devstack. Roles come
from `cognito:groups`, scopes from `custom:scope` (space separated, e.g.
"county:350602", "unit:ZZ-A01" or "agency:fire"); no scope on a dispatcher means the whole city.
"""

from __future__ import annotations

import json
import threading
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from chalicelib.core.config import get_settings
from chalicelib.core.errors import Forbidden, Unauthorized
from chalicelib.core.root import provider


class Role(StrEnum):
    CALLER = "caller"
    DISPATCHER = "dispatcher"
    CREW = "crew"
    HOSPITAL = "hospital"
    VOLUNTEER = "volunteer"
    ADMIN = "admin"
    # A fire, police or red cross team working an incident alongside the ambulance: the place and
    # nature of the call and its own position sharing, never health or personal data.
    RESPONDER = "responder"


# The scope kinds each role may carry; anything else in a token is refused.
SCOPE_KINDS: dict[Role, frozenset[str]] = {
    Role.CALLER: frozenset({"call"}),
    Role.DISPATCHER: frozenset({"county", "city"}),
    Role.CREW: frozenset({"unit"}),
    Role.HOSPITAL: frozenset({"hospital"}),
    Role.VOLUNTEER: frozenset({"volunteer"}),
    Role.ADMIN: frozenset({"city"}),
    Role.RESPONDER: frozenset({"agency"}),  # "agency:fire", "agency:police", "agency:red_cross"
}


class Principal(BaseModel):
    subject: str
    role: Role
    scopes: list[str]

    def scope_ids(self, kind: str) -> set[str]:
        return {s.split(":", 1)[1] for s in self.scopes if s.startswith(f"{kind}:")}

    @property
    def city_wide(self) -> bool:
        return self.role in (Role.ADMIN, Role.DISPATCHER) and (not self.scopes or "city" in self.scopes)

    def require_scope(self, kind: str, resource_id: str) -> None:
        """403 unless this principal may act on `kind:resource_id`.

        City-wide dispatchers and admins reach every county and every resource.
        """
        if self.city_wide or resource_id in self.scope_ids(kind):
            return
        raise Forbidden(f"{self.role} is not scoped to {kind} {resource_id}", code="scope_denied")


def require_role(principal: Principal, roles: tuple[Role, ...]) -> None:
    if principal.role not in roles:
        raise Forbidden(f"role {principal.role} may not do this", code="role_denied")


class _Keys:
    """JWKS source with a small cache; refreshed when an unknown key id shows up."""

    MIN_RELOAD_S = 60.0  # forged kids must not turn every request into a JWKS download

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, Any] = {}
        self._loaded_at = float("-inf")

    def get(self, kid: str) -> Any:
        import time

        with self._lock:
            now = time.monotonic()
            if kid not in self._keys and now - self._loaded_at >= self.MIN_RELOAD_S:
                self._loaded_at = now
                self._keys = _load_jwks()
            key = self._keys.get(kid)
        if key is None:
            raise Unauthorized("token signed by an unknown key", code="invalid_token")
        return key


def _load_jwks() -> dict[str, Any]:
    import jwt

    s = get_settings()
    if s.jwks_file:
        with open(s.jwks_file, encoding="utf-8") as fh:
            data = json.load(fh)
    elif s.jwks_url:
        data = jwt.PyJWKClient(s.jwks_url, cache_jwk_set=False, timeout=3).fetch_data()
    else:
        raise Unauthorized("no token issuer configured", code="auth_not_configured")
    return {str(k.key_id): k.key for k in jwt.PyJWKSet.from_dict(data).keys}


@provider
def _keys() -> _Keys:
    return _Keys()


def authenticate(authorization: str | None) -> Principal:
    """Validate a bearer token and return who it speaks for (401 otherwise)."""
    import jwt

    if not authorization:
        raise Unauthorized("missing bearer token", code="missing_token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("authorization must be 'Bearer <token>'", code="invalid_token")
    s = get_settings()
    try:
        kid = jwt.get_unverified_header(token).get("kid", "")
        claims = jwt.decode(
            token,
            key=_keys().get(kid),
            algorithms=["RS256"],
            audience=s.jwt_audience,
            issuer=s.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            leeway=30,
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("token expired", code="token_expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("invalid token", code="invalid_token") from exc
    if claims.get("token_use", "id") != "id":
        raise Unauthorized("an ID token is required", code="invalid_token")
    return principal_from_claims(claims)


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    groups = [g for g in claims.get("cognito:groups", []) if g in Role.__members__.values()]
    if len(groups) != 1:
        raise Forbidden("token must carry exactly one role", code="role_denied")
    role = Role(groups[0])
    scopes = str(claims.get("custom:scope", "")).split()
    allowed = SCOPE_KINDS[role]
    if any(s.split(":", 1)[0] not in allowed for s in scopes):
        raise Forbidden(f"scope not valid for role {role}", code="scope_denied")
    return Principal(subject=str(claims["sub"]), role=role, scopes=scopes)
