"""Local identity provider: an RSA key pair in the devstack's state folder, published
as a JWKS file the app validates against, exactly as it validates Cognito's keys."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.core.auth import SCOPE_KINDS, Role
from chalicelib.coresponse.api import AGENCIES

ISSUER = "ems-devstack"
AUDIENCE = "ems-api"
KID = "devstack-1"


def ensure_keys(state_dir: Path) -> Path:
    """Create the key pair once; returns the JWKS file path."""
    state_dir.mkdir(parents=True, exist_ok=True)
    private_path = state_dir / "signing-key.pem"
    jwks_path = state_dir / "jwks.json"
    if not private_path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        private_path.write_bytes(pem)
        private_path.chmod(0o600)
    if not jwks_path.exists():
        private = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))  # type: ignore[arg-type]
        jwk.update({"kid": KID, "use": "sig", "alg": "RS256"})
        jwks_path.write_text(json.dumps({"keys": [jwk]}), encoding="utf-8")
    return jwks_path


def issue(
    state_dir: Path, role: str, scope: str | None = None, *, ttl_s: int = 8 * 3600, subject: str | None = None
) -> str:
    """Sign an ID token shaped like Cognito's (groups = role, custom:scope), e.g. a co-responder's:
    `issue(state_dir, "responder", "agency:fire")`."""
    r = Role(role)
    if scope:
        kind = scope.split(":", 1)[0]
        if kind not in SCOPE_KINDS[r]:
            allowed = ", ".join(sorted(SCOPE_KINDS[r]))
            raise ValueError(f"scope {scope!r} does not fit role {role} (allowed kinds: {allowed})")
        if r is Role.RESPONDER and scope.split(":", 1)[1] not in AGENCIES:
            # The API refuses any other agency; a token it would refuse is no use to a demo.
            raise ValueError(f"unknown agency in {scope!r} (agencies: {', '.join(AGENCIES)})")
    now = int(time.time())
    claims = {
        "sub": subject or f"{role}-{uuid.uuid4().hex[:8]}",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + ttl_s,
        "token_use": "id",
        "cognito:groups": [r.value],
    }
    if scope:
        claims["custom:scope"] = scope
    key = (state_dir / "signing-key.pem").read_bytes()
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})
