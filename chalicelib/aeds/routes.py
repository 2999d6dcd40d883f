"""AED registry API: nearby AEDs, public submissions, verification."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.aeds.schemas import AedList, AedQuery, AedSubmission, AedView, KeeperView, Verification
from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.http import Ctx, route

bp = Blueprint(__name__)
TAGS = ("aeds",)
EVERYONE = (Role.CALLER, Role.VOLUNTEER, Role.CREW, Role.DISPATCHER, Role.HOSPITAL, Role.ADMIN)


@route(
    bp,
    "/v1/aeds",
    "GET",
    summary="AEDs within a radius (at most 2 km), nearest first, with whether each is usable now",
    roles=EVERYONE,
    query=AedQuery,
    response=AedList,
    tags=TAGS,
)
def get_aeds(ctx: Ctx) -> AedList:
    from chalicelib.aeds.service import around

    return around(ctx.query, utcnow())


@route(
    bp,
    "/v1/aeds",
    "POST",
    summary="Submit an AED seen in public: it waits for verification before anyone is sent to it",
    roles=(Role.VOLUNTEER, Role.CREW, Role.DISPATCHER, Role.HOSPITAL, Role.ADMIN),
    body=AedSubmission,
    response=AedView,
    status=201,
    tags=TAGS,
)
def post_aed(ctx: Ctx) -> AedView:
    from chalicelib.aeds.service import submit

    return submit(ctx.who, ctx.body, utcnow())


@route(
    bp,
    "/v1/aeds/{aed_id}/verification",
    "POST",
    summary="Verify (or reject) a submitted AED",
    roles=(Role.ADMIN,),
    body=Verification,
    response=AedView,
    tags=TAGS,
    errors={404: ("aed_not_found",)},
)
def post_verification(ctx: Ctx) -> AedView:
    from chalicelib.aeds.service import verify

    return verify(ctx.who, ctx.params["aed_id"], ctx.body, utcnow())


@route(
    bp,
    "/v1/aeds/{aed_id}/keepers/{volunteer_id}",
    "PUT",
    summary="Name a registered volunteer as a keeper of the AED: told when it is needed (administrators)",
    roles=(Role.ADMIN,),
    response=KeeperView,
    tags=TAGS,
    errors={404: ("aed_not_found", "volunteer_not_found")},
)
def put_keeper(ctx: Ctx) -> KeeperView:
    from chalicelib.aeds.keepers import subscribe

    return subscribe(ctx.who, ctx.params["aed_id"], ctx.params["volunteer_id"], utcnow())


@route(
    bp,
    "/v1/aeds/{aed_id}/keepers/{volunteer_id}",
    "DELETE",
    summary="Remove a keeper of the AED (administrators)",
    roles=(Role.ADMIN,),
    response=KeeperView,
    tags=TAGS,
)
def delete_keeper(ctx: Ctx) -> KeeperView:
    from chalicelib.aeds.keepers import unsubscribe

    return unsubscribe(ctx.who, ctx.params["aed_id"], ctx.params["volunteer_id"])


@route(
    bp,
    "/v1/aeds/{aed_id}/subscription",
    "PUT",
    summary="Keep the AED I registered: I am told when it is needed for a cardiac arrest nearby",
    roles=(Role.VOLUNTEER,),
    response=KeeperView,
    tags=TAGS,
    errors={403: ("not_aed_owner",), 404: ("aed_not_found",)},
)
def put_subscription(ctx: Ctx) -> KeeperView:
    from chalicelib.aeds.keepers import subscribe

    return subscribe(ctx.who, ctx.params["aed_id"], None, utcnow())


@route(
    bp,
    "/v1/aeds/{aed_id}/subscription",
    "DELETE",
    summary="Stop being told when the AED is needed",
    roles=(Role.VOLUNTEER,),
    response=KeeperView,
    tags=TAGS,
)
def delete_subscription(ctx: Ctx) -> KeeperView:
    from chalicelib.aeds.keepers import unsubscribe

    return unsubscribe(ctx.who, ctx.params["aed_id"], None)
