"""The device files' ports: file records in DynamoDB, objects in S3 (presigned POST and GET,
HeadObject). Imported on first use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib.core.aws import client
from chalicelib.core.config import settings_of
from chalicelib.core.errors import ServiceUnavailable
from chalicelib.core.tables import bound
from chalicelib.devicefiles.dal import DeviceFileRecord
from chalicelib.devicefiles.entities import DeviceFile, StoredObject, UploadForm
from chalicelib.devicefiles.ports import FileStore, ObjectStore
from chalicelib.devicefiles.rules import FileKind, FileStatus
from chalicelib.devicefiles.settings import DeviceFileSettings


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


# Without s3:ListBucket (not granted: the functions reach `incidents/*` objects only), S3 answers
# a HEAD of a missing key with 403, not 404. Both mean "not uploaded yet".
_ABSENT = frozenset({"404", "NoSuchKey", "NotFound", "403", "AccessDenied"})


class S3ObjectStore(ObjectStore):
    def __init__(self) -> None:
        s = settings_of(DeviceFileSettings)
        if not s.files_bucket or not s.data_key_id:
            raise ServiceUnavailable("device files are not configured", code="files_not_configured")
        self.bucket = s.files_bucket
        self.key_id = s.data_key_id

    def _s3(self) -> Any:
        return client("s3")

    def upload_form(self, key: str, content_type: str, max_bytes: int, expires_s: int) -> UploadForm:
        fields = {
            "Content-Type": content_type,
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id": self.key_id,
        }
        # Every field is also a policy condition, so the device cannot change type or key.
        conditions: list[Any] = [{name: value} for name, value in fields.items()]
        conditions.append(["content-length-range", 1, max_bytes])
        post = self._s3().generate_presigned_post(
            Bucket=self.bucket, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expires_s
        )
        return UploadForm(url=str(post["url"]), fields={k: str(v) for k, v in post["fields"].items()})

    def head(self, key: str) -> StoredObject | None:
        try:
            r = self._s3().head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in _ABSENT:
                return None
            raise
        return StoredObject(
            size=int(r["ContentLength"]), content_type=r.get("ContentType"), encryption=r.get("ServerSideEncryption")
        )

    def download_url(self, key: str, expires_s: int) -> str:
        params = {"Bucket": self.bucket, "Key": key}
        return str(self._s3().generate_presigned_url("get_object", Params=params, ExpiresIn=expires_s))
