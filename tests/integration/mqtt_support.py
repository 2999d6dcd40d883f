"""Helpers shared by the MQTT integration tests: deadline polling and a leak-checked local broker."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from devstack.broker import Broker


def wait_for(condition: Callable[[], Any], timeout_s: float = 5.0) -> Any:
    """Polls until `condition()` is truthy and returns it; fails the test at the deadline."""
    deadline = time.monotonic() + timeout_s
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s}s")
        time.sleep(0.01)
    return result


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def running_broker() -> Iterator[Broker]:
    """A broker on an ephemeral loopback port; on exit its port is closed and no thread is left over."""
    threads_before = set(threading.enumerate())
    broker = Broker(port=0)
    broker.start()
    assert port_open(broker.port)
    try:
        yield broker
    finally:
        broker.stop()
    assert not port_open(broker.port), "the broker port still accepts connections"
    assert set(threading.enumerate()) <= threads_before, "a test left a thread running"
