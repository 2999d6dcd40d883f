"""What the device-files domain stores and reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.devicefiles.rules import FileKind, FileStatus, object_key


@dataclass(frozen=True)
class DeviceFile:
    """One file announced by an ambulance for an incident; the bytes are an S3 object."""

    incident_id: str
    file_id: str
    kind: FileKind
    content_type: str
    size_bytes: int
    unit_id: str
    requested_by: str  # the principal's subject
    requested_at: datetime
    keep_until: datetime  # the object's lifecycle expiry: neither is listed after it
    captured_at: datetime | None = None
    sha256: str | None = None  # as declared by the device, not recomputed
    status: FileStatus = FileStatus.PENDING
    reason: str | None = None
    checked_at: datetime | None = None

    @property
    def key(self) -> str:
        return object_key(self.incident_id, self.file_id)


@dataclass(frozen=True)
class StoredObject:
    """What S3 says about an uploaded object (HeadObject)."""

    size: int
    content_type: str | None
    encryption: str | None


@dataclass(frozen=True)
class UploadForm:
    """A presigned POST: the form fields go with the file, unchanged, to `url`."""

    url: str
    fields: dict[str, str]
