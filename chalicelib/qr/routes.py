"""Admin API of the QR signing keys."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import QR_KEYS, union
from chalicelib.core.http import Ctx, route
from chalicelib.platform import audit
from chalicelib.qr.revocations import revoke_key
from chalicelib.qr.schemas import Revocation, RevokeRequest
from chalicelib.qr.wiring import get_key_ring, get_revocation_store

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/qr-keys/{kid}/revoke",
    "POST",
    summary="Revoke every doorplate signed with a key (not the current key: rotate first)",
    roles=(Role.ADMIN,),
    body=RevokeRequest,
    response=Revocation,
    tags=("addresses",),
    errors=union(QR_KEYS, {404: ("qr_key_not_found",), 409: ("qr_key_current",)}),
    description="The current key cannot be revoked: rotate first (409 `qr_key_current`).",
)
def revoke(ctx: Ctx) -> Revocation:
    req: RevokeRequest = ctx.body
    revocation = revoke_key(
        ctx.params["kid"],
        req.reason,
        ctx.who.subject,
        ring=get_key_ring(),
        store=get_revocation_store(),
        now=int(utcnow().timestamp()),
    )
    audit.record(ctx.who, revocation.subject, "qr.revoke", req.reason)
    return revocation
