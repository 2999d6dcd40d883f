"""A progress display for long admin jobs: a redrawn bar on a terminal, plain lines in logs.

No dependency: one line of text every 0.2 s (terminal) or 10 s (log) costs nothing
next to the network calls it reports on.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import TextIO

WINDOW_S = 10.0  # rate over the last seconds: reacts to a slowdown, ignores one slow batch


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    s = int(seconds + 0.5)
    h, m = divmod(s // 60, 60)
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m:02d}:{s % 60:02d}"


def format_line(
    done: int, total: int | None, rate: float | None, rejected: int, *, bar_width: int = 0, label: str = ""
) -> str:
    """`label [#####.....]  41% 412,350/1,000,000  1,642 rows/s  ETA 05:58  rejects 3`."""
    # An estimated total can be passed by the real count: never show more than 100%.
    total = max(total, done) if total else None
    share = done / total if total else None
    parts = [label] if label else []
    if bar_width and share is not None:
        filled = int(share * bar_width)
        parts.append("[" + "#" * filled + "." * (bar_width - filled) + "]")
    parts.append(f"{share:4.0%}" if share is not None else "")
    parts.append(f"{done:,}/{total:,}" if total else f"{done:,}")
    parts.append(f"{rate:,.0f} rows/s" if rate is not None else "- rows/s")
    eta = (total - done) / rate if total and rate else None
    parts.append(f"ETA {duration(eta)}")
    parts.append(f"rejects {rejected:,}")
    return " ".join(p for p in parts if p)


class Progress:
    def __init__(
        self,
        stream: TextIO,
        total: int | None,
        *,
        mode: str = "plain",
        label: str = "",
        interval_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`mode`: "bar" (redrawn line), "plain" (a line per interval) or "off" (notes and summary only)."""
        self.stream, self.total, self.mode, self.label, self.clock = stream, total, mode, label, clock
        self.bar = mode == "bar"
        self.interval_s = interval_s if interval_s is not None else (0.2 if self.bar else 10.0)
        self._samples: deque[tuple[float, int]] = deque()
        self._shown_at: float | None = None
        self._last = (0, 0)

    def start(self, done: int = 0) -> None:
        now = self.clock()
        self._samples.append((now, done))
        self._last = (done, 0)
        # A log line of the first batch alone would show start-up as the rate: wait one interval.
        self._shown_at = None if self.bar else now

    def update(self, done: int, rejected: int) -> None:
        now = self.clock()
        self._last = (done, rejected)
        if len(self._samples) == 1 and done == self._samples[0][1]:
            self._samples.clear()  # no row yet (a resume re-reading its skipped part): the clock starts now
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[1][0] >= WINDOW_S:
            self._samples.popleft()
        if self.mode != "off" and (self._shown_at is None or now - self._shown_at >= self.interval_s):
            self._show(now)

    def rate(self) -> float | None:
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else None

    def note(self, message: str) -> None:
        """A message above the bar: clear the bar's line, print, redraw."""
        self._clear()
        print(message, file=self.stream, flush=True)
        if self.bar and self._shown_at is not None:
            self._show(self.clock())

    def finish(self, summary: str) -> None:
        self._clear()
        print(summary, file=self.stream, flush=True)

    def _show(self, now: float) -> None:
        self._shown_at = now
        done, rejected = self._last
        line = format_line(done, self.total, self.rate(), rejected, bar_width=30 if self.bar else 0, label=self.label)
        if self.bar:
            self.stream.write("\r\x1b[K" + line)  # same line again: no scroll on a terminal
            self.stream.flush()
        else:
            print(line, file=self.stream, flush=True)

    def _clear(self) -> None:
        if self.bar and self._shown_at is not None:
            self.stream.write("\r\x1b[K")
