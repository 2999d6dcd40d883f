"""Health archive API: importing resident records, identifying an incident's patient."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.archive.schemas import BundleBody, IdentifyInput, IdentifyResult, ImportResult
from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import HEALTH_RECORD, HEALTH_RECORD_RULE, union
from chalicelib.core.http import Ctx, route
from chalicelib.healthaccess.api import audited

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/archive/bundles",
    "POST",
    summary="Import a resident record (FHIR R4 Bundle): keeps lookup hashes and a summary, never the bundle",
    roles=(Role.ADMIN,),
    body=BundleBody,
    response=ImportResult,
    status=201,
    tags=("archive",),
    errors={
        422: (
            "not_a_bundle",
            "unsupported_resource",
            "invalid_resource",
            "foreign_subject",
            "invalid_id_number",
            "not_identifiable",
        ),
        503: ("identity_key_missing", "identity_key_unavailable"),
    },
)
def post_bundle(ctx: Ctx) -> ImportResult:
    from chalicelib.archive.service import import_bundle

    return import_bundle(ctx.who, ctx.body.model_dump(), utcnow())


@route(
    bp,
    "/v1/incidents/{incident_id}/patient",
    "POST",
    summary="Identify the patient (ID card number, or phone + family name + birth date) and link the record",
    roles=(Role.CREW, Role.DISPATCHER),
    body=IdentifyInput,
    response=IdentifyResult,
    tags=("archive",),
    errors=union(HEALTH_RECORD, {503: ("identity_key_missing", "identity_key_unavailable")}),
    refused=audited("patient.identify"),
    description=HEALTH_RECORD_RULE,
)
def post_patient(ctx: Ctx) -> IdentifyResult:
    from chalicelib.archive.service import identify

    return identify(ctx.who, ctx.params["incident_id"], ctx.body, utcnow())
