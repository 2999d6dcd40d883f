"""Device-file use cases: an ambulance asks to upload, anyone allowed lists.

Each takes its ports as arguments, so unit tests run them against in-memory fakes.
Presigned URLs are credentials to health data: they go to the caller and nowhere else
(never into a log line or the audit trail).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta

from chalicelib.core.auth import Principal
from chalicelib.core.observability import count, logger
from chalicelib.devicefiles import rules
from chalicelib.devicefiles.entities import DeviceFile
from chalicelib.devicefiles.ports import Ports
from chalicelib.devicefiles.rules import FileStatus
from chalicelib.devicefiles.schemas import FileList, FileView, UploadRequest, UploadTicket
from chalicelib.healthaccess import api as access
from chalicelib.healthaccess.api import Basis, subject
from chalicelib.platform import audit


def request_upload(
    *, ports: Ports, who: Principal, incident_id: str, req: UploadRequest, now: datetime, retention_days: int
) -> UploadTicket:
    # Only the crew on the job captures files; no grant extends to uploading.
    unit_id = access.assigned_unit(who, incident_id, ports.access)
    content_type = rules.check_upload(req.kind, req.content_type, req.size_bytes)
    file = DeviceFile(
        incident_id=incident_id,
        file_id=uuid.uuid4().hex,
        kind=req.kind,
        content_type=content_type,
        size_bytes=req.size_bytes,
        unit_id=unit_id,
        requested_by=who.subject,
        requested_at=now,
        keep_until=now + timedelta(days=retention_days),
        captured_at=req.captured_at,
        sha256=req.sha256.lower() if req.sha256 else None,
    )
    ttl = int(rules.UPLOAD_TTL.total_seconds())
    form = ports.objects.upload_form(file.key, content_type, req.size_bytes, ttl)
    ports.files.add(file)
    audit.record(who, subject(incident_id), "device_file.upload", f"{file.file_id} {file.kind.value}",
                 basis=Basis.ASSIGNED_CREW.value, store=ports.access.audit)  # fmt: skip
    return UploadTicket(
        file_id=file.file_id,
        incident_id=incident_id,
        status=file.status,
        url=form.url,
        fields=form.fields,
        max_bytes=req.size_bytes,
        expires_at=now + rules.UPLOAD_TTL,
    )


def list_files(*, ports: Ports, who: Principal, incident_id: str, now: datetime) -> FileList:
    access.open_record_with(ports.access, who, incident_id, "device_files.list", now)
    views = []
    for file in sorted(ports.files.of_incident(incident_id), key=lambda f: f.requested_at):
        if file.keep_until <= now:
            continue  # the lifecycle rule has removed (or is about to remove) the object
        if file.status is FileStatus.PENDING:
            file = _confirm(ports, file, now)
        views.append(_view(ports, file, now))
    return FileList(incident_id=incident_id, files=views, count=len(views))


def _confirm(ports: Ports, file: DeviceFile, now: datetime) -> DeviceFile:
    """A pending file whose object has arrived becomes stored, or rejected if it is not what was announced."""
    obj = ports.objects.head(file.key)
    if obj is None:
        return file
    status, reason = rules.verdict(
        declared_size=file.size_bytes,
        declared_type=file.content_type,
        size=obj.size,
        content_type=obj.content_type,
        encryption=obj.encryption,
    )
    if reason:
        count("DeviceFileRejected")
        logger().warning(
            "device file rejected", extra={"incident_id": file.incident_id, "file_id": file.file_id, "reason": reason}
        )
    # Two readers may confirm at once; both reach the same verdict on the same object.
    ports.files.settle(file, status, reason, now)
    return dataclasses.replace(file, status=status, reason=reason, checked_at=now)


def _view(ports: Ports, file: DeviceFile, now: datetime) -> FileView:
    url = expires = None
    if file.status is FileStatus.STORED:
        url = ports.objects.download_url(file.key, int(rules.DOWNLOAD_TTL.total_seconds()))
        expires = now + rules.DOWNLOAD_TTL
    return FileView(
        file_id=file.file_id,
        kind=file.kind,
        content_type=file.content_type,
        size_bytes=file.size_bytes,
        captured_at=file.captured_at,
        requested_at=file.requested_at,
        unit_id=file.unit_id,
        sha256=file.sha256,
        status=file.status,
        reason=file.reason,
        url=url,
        url_expires_at=expires,
    )
