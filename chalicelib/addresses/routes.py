"""Admin API of the address registry and its QR doorplates."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.addresses import service
from chalicelib.addresses.schemas import Address
from chalicelib.addresses.wiring import get_address_source
from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import QR_KEYS, union
from chalicelib.core.http import Ctx, route
from chalicelib.platform import audit
from chalicelib.qr.api import (
    QrIssued,
    Revocation,
    RevokeRequest,
    key_ring,
    plate_svg,
    public_base_url,
    revocation_store,
)

bp = Blueprint(__name__)
ADMIN = (Role.ADMIN,)
TAGS = ("addresses",)


@route(
    bp,
    "/v1/addresses/{code}",
    "GET",
    summary="One standard address",
    roles=ADMIN,
    response=Address,
    tags=TAGS,
    errors={404: ("address_not_found",)},
)
def get_address(ctx: Ctx) -> Address:
    return service.get_address(ctx.params["code"], source=get_address_source())


def _issue(ctx: Ctx, how: str) -> service.IssuedPlate:
    issued = service.issue_for_code(
        ctx.params["code"],
        source=get_address_source(),
        ring=key_ring(),
        revocations=revocation_store(),
        now=int(utcnow().timestamp()),
        base_url=public_base_url(),
    )
    # Every plate in circulation can be traced to who printed it.
    audit.record(ctx.who, f"address#{issued.address.code}", "qr.issue", f"{how} kid={issued.qr.kid}")
    return issued


@route(
    bp,
    "/v1/addresses/{code}/qr",
    "POST",
    summary="Sign a doorplate QR token for an address (409 if retired)",
    roles=ADMIN,
    response=QrIssued,
    tags=TAGS,
    errors=union({404: ("address_not_found",), 409: ("address_retired",)}, QR_KEYS),
    description="A retired address gets no doorplate (409 `address_retired`); audited.",
)
def issue_qr(ctx: Ctx) -> QrIssued:
    return _issue(ctx, "api").qr


@route(
    bp,
    "/v1/addresses/{code}/qr.svg",
    "GET",
    summary="Printable doorplate (image/svg+xml) with a freshly signed QR code",
    roles=ADMIN,
    tags=TAGS,
    errors=union({404: ("address_not_found",), 409: ("address_retired",)}, QR_KEYS),
    media_type="image/svg+xml",
)
def qr_svg(ctx: Ctx) -> Response:
    svg = plate_svg(_issue(ctx, "svg").plate)
    return Response(body=svg, status_code=200, headers={"Content-Type": "image/svg+xml; charset=utf-8"})


@route(
    bp,
    "/v1/addresses/{code}/qr/revoke",
    "POST",
    summary="Revoke every doorplate of an address issued so far",
    roles=ADMIN,
    body=RevokeRequest,
    response=Revocation,
    tags=TAGS,
    errors={404: ("address_not_found",)},
)
def revoke_qr(ctx: Ctx) -> Revocation:
    req: RevokeRequest = ctx.body
    revocation = service.revoke_plates(
        ctx.params["code"],
        req.reason,
        ctx.who.subject,
        source=get_address_source(),
        store=revocation_store(),
        now=int(utcnow().timestamp()),
    )
    audit.record(ctx.who, revocation.subject, "qr.revoke", req.reason)
    return revocation
