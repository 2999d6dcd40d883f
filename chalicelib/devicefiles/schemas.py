"""Request and response bodies of the device-files API."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from chalicelib.core.bounds import EventTime
from chalicelib.core.model import Model
from chalicelib.devicefiles.rules import FileKind, FileStatus


class UploadRequest(Model):
    model_config = ConfigDict(extra="forbid")

    kind: FileKind
    content_type: str = Field(
        min_length=3,
        max_length=100,
        description="ecg_12lead: application/pdf, application/dicom, application/xml (HL7 aECG); "
        "ultrasound_image: image/jpeg, image/png, application/dicom; ultrasound_clip: video/mp4, application/dicom",
    )
    size_bytes: int = Field(
        gt=0, le=1 << 40, description="The file's size; at most 5 MB (ECG), 20 MB (image), 200 MB (clip)"
    )
    captured_at: EventTime | None = Field(None, description="When the device captured it (device clock)")
    sha256: str | None = Field(None, pattern=r"^[0-9a-fA-F]{64}$", description="Hex digest, as the device computed it")


class UploadTicket(Model):
    file_id: str
    incident_id: str
    status: FileStatus
    url: str = Field(description="POST a multipart form here: every field of `fields`, then the file as `file`")
    fields: dict[str, str]
    max_bytes: int
    expires_at: datetime = Field(description="The form is refused after this (5 minutes)")


class FileView(Model):
    file_id: str
    kind: FileKind
    content_type: str
    size_bytes: int
    captured_at: datetime | None
    requested_at: datetime
    unit_id: str
    sha256: str | None
    status: FileStatus
    reason: str | None = Field(description="Why a file was rejected: size_mismatch, content_type_mismatch ...")
    url: str | None = Field(description="Stored files only: a GET URL for the bytes")
    url_expires_at: datetime | None


class FileList(Model):
    incident_id: str
    files: list[FileView]
    count: int
