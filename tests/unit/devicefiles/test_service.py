"""The device-file use cases against in-memory ports: announcing an upload, listing with the
verdict on each arrived object. The access rule's fakes are the health-access tests'."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.auth import Role
from chalicelib.core.errors import Forbidden
from chalicelib.devicefiles import service
from chalicelib.devicefiles.entities import DeviceFile, StoredObject, UploadForm
from chalicelib.devicefiles.ports import FileStore, ObjectStore, Ports
from chalicelib.devicefiles.rules import MB, FileKind, FileStatus
from chalicelib.devicefiles.schemas import UploadRequest
from tests.unit.healthaccess.test_health_access import make_ports, who

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
CREW = who(Role.CREW, "unit:AMB01", subject="crew-1")
DESK = who(Role.DISPATCHER, "county:350602", subject="desk-1")


class Files(FileStore):
    def __init__(self) -> None:
        self.items: dict[str, DeviceFile] = {}

    def add(self, file: DeviceFile) -> None:
        assert file.file_id not in self.items
        self.items[file.file_id] = file

    def of_incident(self, incident_id: str) -> list[DeviceFile]:
        return [f for f in self.items.values() if f.incident_id == incident_id]

    def settle(self, file: DeviceFile, status: FileStatus, reason: str | None, at: datetime) -> bool:
        if self.items[file.file_id].status is not FileStatus.PENDING:
            return False
        self.items[file.file_id] = dataclasses.replace(file, status=status, reason=reason, checked_at=at)
        return True


class Objects(ObjectStore):
    def __init__(self) -> None:
        self.stored: dict[str, StoredObject] = {}
        self.forms: list[tuple[str, str, int]] = []

    def upload_form(self, key: str, content_type: str, max_bytes: int, expires_s: int) -> UploadForm:
        self.forms.append((key, content_type, max_bytes))
        return UploadForm(url="https://bucket.example/", fields={"key": key})

    def head(self, key: str) -> StoredObject | None:
        return self.stored.get(key)

    def download_url(self, key: str, expires_s: int) -> str:
        return f"https://bucket.example/{key}?expires={expires_s}"


def make(assignments: dict[str, str | None] | None = None) -> tuple[Ports, Files, Objects]:
    files, objects = Files(), Objects()
    access: Any = make_ports(assignments if assignments is not None else {"AMB01": "INC1"})
    return Ports(files=files, objects=objects, access=access), files, objects


def ecg(size: int = 2 * MB) -> UploadRequest:
    return UploadRequest.model_validate({"kind": "ecg_12lead", "content_type": "application/pdf", "size_bytes": size})


def test_the_crew_on_the_job_gets_a_form_pinned_to_the_files_key_and_the_record_waits_for_the_object() -> None:
    ports, files, objects = make()
    ticket = service.request_upload(ports=ports, who=CREW, incident_id="INC1", req=ecg(), now=NOW, retention_days=30)
    (file,) = files.items.values()
    assert ticket.file_id == file.file_id and ticket.status is FileStatus.PENDING
    assert objects.forms == [(file.key, "application/pdf", 2 * MB)]
    assert file.unit_id == "AMB01" and file.keep_until == NOW + timedelta(days=30)
    assert ticket.expires_at == NOW + timedelta(minutes=5)


def test_a_crew_not_on_the_job_may_not_upload() -> None:
    ports, files, _ = make({"AMB01": "INC9"})
    with pytest.raises(Forbidden):
        service.request_upload(ports=ports, who=CREW, incident_id="INC1", req=ecg(), now=NOW, retention_days=30)
    assert files.items == {}


def test_listing_settles_each_arrived_object_once_and_links_only_stored_ones() -> None:
    ports, files, objects = make()
    good = service.request_upload(ports=ports, who=CREW, incident_id="INC1", req=ecg(), now=NOW, retention_days=30)
    bad = service.request_upload(
        ports=ports, who=CREW, incident_id="INC1", req=ecg(3 * MB), now=NOW + timedelta(seconds=1), retention_days=30
    )
    waiting = service.request_upload(
        ports=ports, who=CREW, incident_id="INC1", req=ecg(), now=NOW + timedelta(seconds=2), retention_days=30
    )
    objects.stored[files.items[good.file_id].key] = StoredObject(2 * MB, "application/pdf", "aws:kms")
    objects.stored[files.items[bad.file_id].key] = StoredObject(3 * MB, "application/pdf", None)

    listed = service.list_files(ports=ports, who=DESK, incident_id="INC1", now=NOW + timedelta(minutes=1))

    by_id = {f.file_id: f for f in listed.files}
    assert [f.file_id for f in listed.files] == [good.file_id, bad.file_id, waiting.file_id]
    assert by_id[good.file_id].status is FileStatus.STORED and by_id[good.file_id].url
    assert by_id[bad.file_id].status is FileStatus.REJECTED and by_id[bad.file_id].reason == "not_encrypted"
    assert by_id[bad.file_id].url is None
    assert by_id[waiting.file_id].status is FileStatus.PENDING and files.items[waiting.file_id].checked_at is None
    assert files.items[good.file_id].status is FileStatus.STORED  # settled in the store, not only in the view


def test_files_past_their_retention_are_not_listed() -> None:
    ports, _, _ = make()
    service.request_upload(ports=ports, who=CREW, incident_id="INC1", req=ecg(), now=NOW, retention_days=1)
    listed = service.list_files(ports=ports, who=DESK, incident_id="INC1", now=NOW + timedelta(days=1))
    assert listed.count == 0 and listed.files == []


def test_a_kind_is_checked_before_anything_is_stored() -> None:
    ports, files, objects = make()
    req = UploadRequest.model_validate({"kind": FileKind.ECG_12LEAD, "content_type": "video/mp4", "size_bytes": 10})
    with pytest.raises(Exception, match="accepts"):
        service.request_upload(ports=ports, who=CREW, incident_id="INC1", req=req, now=NOW, retention_days=30)
    assert files.items == {} and objects.forms == []
