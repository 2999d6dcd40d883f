"""Side-effect ports of the platform domain (health probes, MQTT publishing)."""

from __future__ import annotations

from abc import ABC, abstractmethod


class ServiceProbe(ABC):
    """Real, cheap calls that prove a dependency answers."""

    @abstractmethod
    def tables(self) -> dict[str, str]:
        """Physical table name -> status (ACTIVE ...)."""

    @abstractmethod
    def state_machines(self) -> dict[str, str]:
        """Logical state machine name -> status (ACTIVE ...)."""


class Publisher(ABC):
    @abstractmethod
    def publish(self, topic: str, payload: dict[str, object], qos: int = 1) -> None: ...
