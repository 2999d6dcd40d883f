"""What a person reads on the devstack console: the banner, warnings and errors.

The app writes JSON log lines and Powertools' EMF metric blobs to stdout, as Lambda wants; on a
terminal they bury the banner. `route_stdout` puts every JSON line (and the API's request lines)
in a log file, and keeps on the console what is not JSON plus a one-line digest of each warning
or error. `everything=True` (`--verbose`, `EMS_DEVSTACK_VERBOSE=1`) sends it all to the console too.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

_LOUD = {"WARNING", "ERROR", "CRITICAL"}


class ConsoleRouter:
    """A stdout stand-in: complete lines are routed, a partial line waits for its newline."""

    def __init__(self, console: TextIO, log: TextIO, *, everything: bool = False) -> None:
        self.console, self.log, self.everything = console, log, everything
        self._lock = threading.Lock()
        self._partial: dict[int, str] = {}  # per thread, so two threads' halves never mix

    def write(self, text: str) -> int:
        with self._lock:
            key = threading.get_ident()
            buffered = self._partial.pop(key, "") + text
            *lines, rest = buffered.split("\n")
            if rest:
                self._partial[key] = rest
            for line in lines:
                self._route(line)
        return len(text)

    def log_only(self, line: str) -> None:
        """A line for the log file alone (the console shows it only with `everything`)."""
        with self._lock:
            self._write(self.log, line)
            if self.everything:
                self._write(self.console, line)

    def flush(self) -> None:
        with self._lock:
            self.console.flush()
            self.log.flush()

    def isatty(self) -> bool:
        return self.console.isatty()

    def fileno(self) -> int:
        return self.console.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self.console, "encoding", "utf-8") or "utf-8"

    def _route(self, line: str) -> None:
        record = _json(line)
        if record is None:
            self._write(self.console, line)
            return
        self._write(self.log, line)
        if self.everything:
            self._write(self.console, line)
        elif str(record.get("level", "")).upper() in _LOUD:
            self._write(self.console, digest(record))

    @staticmethod
    def _write(stream: TextIO, line: str) -> None:
        stream.write(line + "\n")
        stream.flush()


def digest(record: dict[str, Any]) -> str:
    """`  WARNING  message  (location, correlation id)`: the log file has the whole record."""
    where = ", ".join(str(record[k]) for k in ("location", "correlation_id") if record.get(k))
    text = f"  {record.get('level', '')}  {record.get('message', '')}"
    if record.get("exception_name"):
        text += f"  [{record['exception_name']}]"
    return f"{text}  ({where})" if where else text


def _json(line: str) -> dict[str, Any] | None:
    if not line.startswith("{"):
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


_router: ConsoleRouter | None = None


def route_stdout(log_file: Path, *, everything: bool = False) -> ConsoleRouter:
    """Replace sys.stdout for this process (before the app's logger is first made)."""
    global _router
    log_file.parent.mkdir(parents=True, exist_ok=True)
    log = log_file.open("a", encoding="utf-8")
    _router = ConsoleRouter(sys.stdout, log, everything=everything)
    sys.stdout = _router  # type: ignore[assignment]
    return _router


def restore_stdout() -> None:
    global _router
    if _router is not None:
        sys.stdout = _router.console
        _router.log.close()
        _router = None


def log_only(line: str) -> None:
    """A request line: to the devstack's log file when routing is on; nowhere otherwise."""
    if _router is not None:
        _router.log_only(line)
