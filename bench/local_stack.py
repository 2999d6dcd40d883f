"""The devstack as the benchmarks run it: in this process, on free loopback ports, with demo data."""

from __future__ import annotations

import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_stack() -> Iterator[Any]:
    """Yields the running stack's StackConfig; the stack stops on exit."""
    from devstack.config import StackConfig
    from devstack.stack import Stack

    cfg = StackConfig(
        api_port=free_port(),
        moto_port=free_port(),
        mqtt_port=free_port(),
        his_port=free_port(),
        state_dir=Path(tempfile.mkdtemp()),
        addresses=500,
        volunteers=10,
        canary_interval_s=3600,
    )
    stack = Stack(cfg)
    stack.start(log=lambda *_: None)
    try:
        yield cfg
    finally:
        try:
            stack.stop()
        except TimeoutError as exc:  # a worker still busy at shutdown: the figures are already taken
            print(f"warning: stack stop: {exc}", file=sys.stderr)
