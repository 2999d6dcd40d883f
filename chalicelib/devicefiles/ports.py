"""Ports of the device-files domain: file records, the object store, the health-data access rule."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from chalicelib.devicefiles.entities import DeviceFile, StoredObject, UploadForm
from chalicelib.devicefiles.rules import FileStatus
from chalicelib.healthaccess.api import AccessPorts


class FileStore(ABC):
    @abstractmethod
    def add(self, file: DeviceFile) -> None: ...

    @abstractmethod
    def of_incident(self, incident_id: str) -> list[DeviceFile]:
        """Every file record of an incident (one Query)."""

    @abstractmethod
    def settle(self, file: DeviceFile, status: FileStatus, reason: str | None, at: datetime) -> bool:
        """Record the verdict on a pending file; False when another reader settled it first."""


class ObjectStore(ABC):
    @abstractmethod
    def upload_form(self, key: str, content_type: str, max_bytes: int, expires_s: int) -> UploadForm:
        """A presigned POST pinned to `key`, that type, at most `max_bytes` and the data key."""

    @abstractmethod
    def head(self, key: str) -> StoredObject | None:
        """The object's size, type and encryption; None while nothing was uploaded."""

    @abstractmethod
    def download_url(self, key: str, expires_s: int) -> str: ...


@dataclass(frozen=True)
class Ports:
    files: FileStore
    objects: ObjectStore
    access: AccessPorts
