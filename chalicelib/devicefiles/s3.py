"""The S3 implementation of ObjectStore: presigned POST and GET, HeadObject."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.errors import ServiceUnavailable
from chalicelib.devicefiles.entities import StoredObject, UploadForm
from chalicelib.devicefiles.ports import ObjectStore

# Without s3:ListBucket (not granted: the functions reach `incidents/*` objects only), S3 answers
# a HEAD of a missing key with 403, not 404. Both mean "not uploaded yet".
_ABSENT = frozenset({"404", "NoSuchKey", "NotFound", "403", "AccessDenied"})


class S3ObjectStore(ObjectStore):
    def __init__(self) -> None:
        s = get_settings()
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
