"""The timeline's intervals against their targets. Pure: the nodes and the pathway are passed in.

Targets are data (`targets_v1.json`, sources in docs/timeline.md). An interval is measured when both
of its nodes are known, judged only for the pathways it applies to, and `met` when it is within the
target. A stop before its start (a clock out of step) is reported as measured, negative, and not met.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from importlib import resources
from typing import Any

from chalicelib.core.root import provider


class Station(StrEnum):
    """Where a wristband is scanned in the hospital: the node it records."""

    DOOR = "door"
    TRIAGE = "triage"
    CT_START = "ct_start"
    CT_READ = "ct_read"
    NEEDLE = "needle"  # thrombolysis bolus
    GROIN_PUNCTURE = "groin_puncture"
    REPERFUSION = "reperfusion"  # balloon / first device
    ADMISSION = "admission"


@dataclass(frozen=True)
class IntervalDef:
    id: str
    start: str
    stop: str
    target_s: int | None
    pathways: tuple[str, ...]
    zh: str
    en: str

    def applies(self, pathway: str | None) -> bool:
        return not self.pathways or pathway in self.pathways


@dataclass(frozen=True)
class Interval:
    definition: IntervalDef
    start_at: datetime | None
    stop_at: datetime | None

    @property
    def seconds(self) -> float | None:
        if self.start_at is None or self.stop_at is None:
            return None
        return (self.stop_at - self.start_at).total_seconds()

    @property
    def met(self) -> bool | None:
        s, target = self.seconds, self.definition.target_s
        if s is None or target is None:
            return None
        return 0 <= s <= target


@provider
def definitions() -> tuple[IntervalDef, ...]:
    import json

    data: dict[str, Any] = json.loads(resources.files(__package__).joinpath("targets_v1.json").read_text("utf-8"))
    return tuple(
        IntervalDef(d["id"], d["from"], d["to"], d["target_s"], tuple(d["pathways"]), d["zh"], d["en"])
        for d in data["intervals"]
    )


def intervals(nodes: Mapping[str, datetime], pathway: str | None) -> list[Interval]:
    return [Interval(d, nodes.get(d.start), nodes.get(d.stop)) for d in definitions() if d.applies(pathway)]


@dataclass(frozen=True)
class Summary:
    interval: str
    count: int
    median_s: float | None
    p90_s: float | None
    within_target: float | None  # share of measured intervals within their target


def summarise(interval_id: str, samples: Iterable[tuple[float, bool | None]]) -> Summary:
    """Median, 90th percentile (inclusive) and the share within target of one interval's samples."""
    rows = list(samples)
    values = sorted(s for s, _ in rows)
    judged = [m for _, m in rows if m is not None]
    if not values:
        return Summary(interval_id, 0, None, None, None)
    p90 = values[0] if len(values) == 1 else statistics.quantiles(values, n=10, method="inclusive")[8]
    median = statistics.median(values)
    # Interpolation rounding never leaves the samples' range, nor puts the 90th below the median.
    p90 = min(max(p90, median), values[-1])
    share = sum(judged) / len(judged) if judged else None
    return Summary(interval_id, len(values), median, p90, share)
