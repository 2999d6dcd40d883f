"""What a device file may be, pure: the kinds, the content types and sizes each kind accepts,
where its object lives, and whether a stored object is the one that was announced."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from chalicelib.core.errors import BadRequest

MB = 1024 * 1024
# Every object lives below this prefix; the functions' S3 grant is limited to it.
KEY_PREFIX = "incidents/"
# Short: a presigned URL is a bearer credential for health data.
UPLOAD_TTL = timedelta(minutes=5)
DOWNLOAD_TTL = timedelta(minutes=5)
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class FileKind(StrEnum):
    ECG_12LEAD = "ecg_12lead"
    ULTRASOUND_IMAGE = "ultrasound_image"
    ULTRASOUND_CLIP = "ultrasound_clip"


class FileStatus(StrEnum):
    PENDING = "pending"  # announced; the object may not be there yet
    STORED = "stored"  # the object is there and is what was announced
    REJECTED = "rejected"  # an object arrived that differs from the announcement


@dataclass(frozen=True)
class KindRule:
    content_types: frozenset[str]
    max_bytes: int


RULES: dict[FileKind, KindRule] = {
    # application/xml: HL7 aECG, the FDA's annotated ECG format.
    FileKind.ECG_12LEAD: KindRule(frozenset({"application/pdf", "application/dicom", "application/xml"}), 5 * MB),
    FileKind.ULTRASOUND_IMAGE: KindRule(frozenset({"image/jpeg", "image/png", "application/dicom"}), 20 * MB),
    FileKind.ULTRASOUND_CLIP: KindRule(frozenset({"video/mp4", "application/dicom"}), 200 * MB),
}


class FileNotAccepted(BadRequest):
    """The body is well formed, but this kind of file does not come in that type or size."""


def _refuse(code: str, field: str, message: str) -> FileNotAccepted:
    # Same shape as a schema error: the field named, the submitted value never echoed.
    return FileNotAccepted(message, code=code, details=[{"field": field, "message": message}])


def check_upload(kind: FileKind, content_type: str, size_bytes: int) -> str:
    """The content type as it will be signed (lower case); 400 naming the field otherwise."""
    rule = RULES[kind]
    normal = content_type.strip().lower()
    if normal not in rule.content_types:
        allowed = ", ".join(sorted(rule.content_types))
        raise _refuse("content_type_not_allowed", "content_type", f"{kind.value} accepts {allowed}")
    if size_bytes > rule.max_bytes:
        raise _refuse("file_too_large", "size_bytes", f"{kind.value} is at most {rule.max_bytes} bytes")
    return normal


def object_key(incident_id: str, file_id: str) -> str:
    for part in (incident_id, file_id):
        if not _SAFE_ID.match(part):
            # Ids come from our own stores; anything else must not shape an S3 key.
            raise ValueError("unsafe id in an object key")
    return f"{KEY_PREFIX}{incident_id}/{file_id}"


def verdict(
    *, declared_size: int, declared_type: str, size: int, content_type: str | None, encryption: str | None
) -> tuple[FileStatus, str | None]:
    """Compare the stored object with its announcement: (STORED, None) or (REJECTED, reason)."""
    if size != declared_size:
        return FileStatus.REJECTED, "size_mismatch"
    if (content_type or "").lower() != declared_type:
        return FileStatus.REJECTED, "content_type_mismatch"
    if encryption != "aws:kms":
        return FileStatus.REJECTED, "not_encrypted"
    return FileStatus.STORED, None
