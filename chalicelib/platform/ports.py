"""Side-effect ports of the platform domain (health probes, heartbeats, audit)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.platform.entities import AuditEvent, Heartbeat


class ServiceProbe(ABC):
    """Real, cheap calls that prove a dependency answers."""

    @abstractmethod
    def tables(self) -> dict[str, str]:
        """Physical table name -> status (ACTIVE ...)."""

    @abstractmethod
    def state_machines(self) -> dict[str, str]:
        """Logical state machine name -> status (ACTIVE ...)."""


class PlatformStore(ABC):
    """Heartbeats and the audit trail."""

    @abstractmethod
    def put_heartbeat(self, beat: Heartbeat) -> None: ...

    @abstractmethod
    def heartbeats(self) -> dict[str, Heartbeat]: ...

    @abstractmethod
    def append_audit(self, event: AuditEvent) -> None: ...

    @abstractmethod
    def audit_for(self, subject: str, limit: int) -> list[AuditEvent]: ...
