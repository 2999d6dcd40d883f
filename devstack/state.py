"""The devstack's state folder (`.devstack`): keys, the running stack's `stack.json`, logs.

Every `up` starts fresh. moto keeps DynamoDB in memory, so incidents, revocations and the rest are
gone after a stop; keys kept from the last run would half-remember it (a plate revoked in the last
run would scan again). So `up` makes new signing keys for bearer tokens and doorplates: tokens and
plates from an earlier run are refused, and the demo data is loaded anew.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

STACK_FILE = "stack.json"
KEY_FILES = ("signing-key.pem", "jwks.json", "qr-keys.json")


class AlreadyRunning(RuntimeError):
    pass


def running(state_dir: Path) -> dict[str, Any] | None:
    """The running stack's endpoints (`stack.json`), or None when no live stack wrote it."""
    try:
        info: dict[str, Any] = json.loads((state_dir / STACK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if _alive(info.get("pid")) else None


def start_fresh(state_dir: Path) -> None:
    """Forget the last run's keys; refuse when another stack runs from this folder."""
    other = running(state_dir)
    if other is not None and other.get("pid") != os.getpid():
        raise AlreadyRunning(f"a local stack already runs from {state_dir} (pid {other['pid']}, {other.get('api')})")
    for name in (*KEY_FILES, STACK_FILE):
        (state_dir / name).unlink(missing_ok=True)


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
