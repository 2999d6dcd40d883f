"""An in-process MQTT broker (amqtt 0.12) on loopback, standing in for the IoT Core message broker.

amqtt is asyncio-only; the devstack and the tests are threaded, so the broker gets its own thread and
event loop, and `start()`/`stop()` are plain blocking calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import threading
from typing import Any

from amqtt.broker import Broker as AmqttBroker

ANONYMOUS_AUTH = "amqtt.plugins.authentication.AnonymousAuthPlugin"


class BrokerError(RuntimeError):
    pass


class Broker:
    """`port=0` binds an ephemeral port; read the real one from `.port` after `start()`."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 1883, timeout_s: float = 10.0) -> None:
        # Clients connect anonymously, which is only acceptable when nothing off this machine can reach it.
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"the devstack broker allows anonymous clients, so it binds loopback only, not {host}")
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def config(self) -> dict[str, Any]:
        # Only the auth plugin: amqtt's defaults add packet/event loggers and a $SYS publisher we do not want.
        return {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "plugins": {ANONYMOUS_AUTH: {"allow_anonymous": True}},
        }

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Returns once the listener accepts connections; raises BrokerError if it cannot bind or start."""
        if self.running:
            raise BrokerError("broker already started")
        self._ready.clear()
        self._error = None
        self._thread = threading.Thread(target=self._run, name=f"mqtt-broker-{self.port}", daemon=True)
        self._thread.start()
        if not self._ready.wait(self.timeout_s):
            self.stop()
            raise BrokerError(f"broker did not start within {self.timeout_s}s")
        if self._error is not None:
            self._thread.join(self.timeout_s)
            raise BrokerError(f"broker failed to start on {self.host}:{self.port}: {self._error}") from self._error

    def stop(self) -> None:
        """Disconnects clients, closes the listener and joins the thread; safe to call twice."""
        thread, loop, stop = self._thread, self._loop, self._stop
        if thread is None:
            return
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended on its own
                loop.call_soon_threadsafe(stop.set)
        thread.join(self.timeout_s)
        if thread.is_alive():
            raise BrokerError(f"broker thread did not stop within {self.timeout_s}s")
        self._thread = self._loop = self._stop = None

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to start(); a thread has nowhere else to raise
            self._error = exc
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        broker = AmqttBroker(self.config())
        await broker.start()
        try:
            self.port = _bound_port(broker, self.port)
            self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
            self._ready.set()
            await self._stop.wait()
        finally:
            await broker.shutdown()


def _bound_port(broker: Any, requested: int) -> int:
    """The port really bound. amqtt 0.12 has no public accessor, so read its listener (pinned version)."""
    if requested:
        return requested
    try:
        return int(broker._servers["default"].instance.sockets[0].getsockname()[1])
    except (AttributeError, KeyError, IndexError) as exc:
        raise BrokerError("cannot read the ephemeral port from amqtt; pass an explicit free port") from exc
