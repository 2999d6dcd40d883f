"""PynamoDB implementation of FileStore (imported on first use)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib.core.tables import bound
from chalicelib.devicefiles.dal import DeviceFileRecord
from chalicelib.devicefiles.entities import DeviceFile
from chalicelib.devicefiles.ports import FileStore
from chalicelib.devicefiles.rules import FileKind, FileStatus


def _record(f: DeviceFile) -> DeviceFileRecord:
    return bound(DeviceFileRecord)(
        f.incident_id, f.file_id, kind=f.kind.value, content_type=f.content_type, size_bytes=f.size_bytes,
        unit_id=f.unit_id, requested_by=f.requested_by, requested_at=f.requested_at, captured_at=f.captured_at,
        sha256=f.sha256, status=f.status.value, reason=f.reason, checked_at=f.checked_at, expires=f.keep_until,
    )  # fmt: skip


def _file(r: DeviceFileRecord) -> DeviceFile:
    return DeviceFile(
        incident_id=r.incident_id,
        file_id=r.file_id,
        kind=FileKind(r.kind),
        content_type=r.content_type,
        size_bytes=int(r.size_bytes),
        unit_id=r.unit_id,
        requested_by=r.requested_by,
        requested_at=r.requested_at,
        keep_until=r.expires,
        captured_at=r.captured_at,
        sha256=r.sha256,
        status=FileStatus(r.status),
        reason=r.reason,
        checked_at=r.checked_at,
    )


class DynamoFileStore(FileStore):
    def add(self, file: DeviceFile) -> None:
        # File ids are random: an existing item means a bug, never something to overwrite.
        _record(file).save(condition=DeviceFileRecord.file_id.does_not_exist())

    def of_incident(self, incident_id: str) -> list[DeviceFile]:
        return [_file(r) for r in bound(DeviceFileRecord).query(incident_id)]

    def settle(self, file: DeviceFile, status: FileStatus, reason: str | None, at: datetime) -> bool:
        actions: list[Action] = [
            DeviceFileRecord.status.set(status.value),
            DeviceFileRecord.checked_at.set(at),
            DeviceFileRecord.reason.set(reason) if reason else DeviceFileRecord.reason.remove(),
        ]
        record = bound(DeviceFileRecord)(file.incident_id, file.file_id)
        try:
            record.update(actions=actions, condition=DeviceFileRecord.status == FileStatus.PENDING.value)
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True
