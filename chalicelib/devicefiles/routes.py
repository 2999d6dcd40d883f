"""Device files API: an ambulance's ECGs and ultrasound captures for its incident."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.auth import Role
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import HEALTH_RECORD, HEALTH_RECORD_RULE, union
from chalicelib.core.http import Ctx, route
from chalicelib.devicefiles import service
from chalicelib.devicefiles.schemas import FileList, UploadRequest, UploadTicket
from chalicelib.devicefiles.wiring import get_ports
from chalicelib.healthaccess.api import audited

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/incidents/{incident_id}/files",
    "POST",
    summary="Announce a 12-lead ECG or ultrasound capture; returns a 5-minute presigned upload form",
    roles=(Role.CREW,),
    body=UploadRequest,
    response=UploadTicket,
    status=201,
    tags=("device-files",),
    errors=union(HEALTH_RECORD, {400: ("content_type_not_allowed", "file_too_large"), 503: ("files_not_configured",)}),
    refused=audited("device_file.upload"),
)
def request_upload(ctx: Ctx) -> UploadTicket:
    from chalicelib.core.config import settings_of
    from chalicelib.devicefiles.settings import DeviceFileSettings  # read on first use (cold start)

    return service.request_upload(
        ports=get_ports(),
        who=ctx.who,
        incident_id=ctx.params["incident_id"],
        req=ctx.body,
        now=utcnow(),
        retention_days=settings_of(DeviceFileSettings).files_retention_days,
    )


@route(
    bp,
    "/v1/incidents/{incident_id}/files",
    "GET",
    summary="An incident's device files, with 5-minute download URLs (assigned crew, county dispatcher, destination)",
    roles=(Role.CREW, Role.DISPATCHER, Role.HOSPITAL),
    response=FileList,
    tags=("device-files",),
    errors=union(HEALTH_RECORD, {503: ("files_not_configured",)}),
    refused=audited("device_files.list"),
    description=HEALTH_RECORD_RULE,
)
def list_files(ctx: Ctx) -> FileList:
    return service.list_files(ports=get_ports(), who=ctx.who, incident_id=ctx.params["incident_id"], now=utcnow())
