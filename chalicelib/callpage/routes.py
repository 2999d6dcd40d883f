"""`GET /q/{token}`: what a phone camera opens from a doorplate QR code. Public, HTML."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.callpage import doorplate, page
from chalicelib.core.http import Ctx, route
from chalicelib.core.i18n import pick_language
from chalicelib.core.observability import count

bp = Blueprint(__name__)


@route(
    bp,
    "/q/{token}",
    "GET",
    summary="The call page a doorplate QR code opens (HTML, public)",
    roles=None,
    tags=("calls",),
    errors={400: ()},
    media_type="text/html",
)
def call_page(ctx: Ctx) -> Response:
    lang = pick_language(ctx.header("accept-language"))
    plate = doorplate.read(ctx.params["token"])
    if plate is None:
        # Worn or vandalised doorplates show up here before anyone reports them.
        count("CallPageUnreadable")
        return Response(body=page.unreadable_page(lang), status_code=400, headers=page.headers(lang, scripts=False))
    return Response(body=page.call_page(plate, lang), status_code=200, headers=page.headers(lang, scripts=True))
