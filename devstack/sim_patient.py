"""A simulated patient on the ambulance monitor: a seeded first set of readings that drifts over
the next minutes, towards normal for most patients and a little worse for some. Pure: a reading is a
function of the time on the monitor and the given `rng` (for the beat-to-beat noise)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

NORMAL = {"hr": 78.0, "sbp": 124.0, "dbp": 78.0, "spo2": 97.0, "rr": 15.0, "temp_c": 36.8, "etco2": 38.0}
# Where a deteriorating patient heads (shock-like): added to the first readings at full drift.
WORSE = {"hr": 22.0, "sbp": -22.0, "dbp": -12.0, "spo2": -5.0, "rr": 6.0, "temp_c": 0.3, "etco2": -6.0}
NOISE = {"hr": 2.0, "sbp": 3.0, "dbp": 2.0, "spo2": 0.6, "rr": 1.0, "temp_c": 0.05, "etco2": 1.0}
# Plausible for a living patient on the monitor, well inside the device schema's bounds.
RANGE = {
    "hr": (30, 200),
    "sbp": (60, 230),
    "dbp": (30, 130),
    "spo2": (70, 100),
    "rr": (6, 45),
    "temp_c": (34.0, 41.5),
    "etco2": (15.0, 70.0),
}
DRIFT_S = 600.0  # full drift after ten minutes on the monitor
DETERIORATING_SHARE = 0.25


@dataclass(frozen=True)
class Patient:
    first: dict[str, float]
    deteriorating: bool
    af: bool
    stemi: bool

    @classmethod
    def draw(cls, rng: random.Random) -> Patient:
        first = {
            "hr": NORMAL["hr"] + rng.gauss(18.0, 15.0),
            "sbp": NORMAL["sbp"] + rng.gauss(0.0, 22.0),
            "spo2": NORMAL["spo2"] - abs(rng.gauss(3.0, 3.0)),
            "rr": NORMAL["rr"] + abs(rng.gauss(4.0, 4.0)),
            "temp_c": NORMAL["temp_c"] + rng.gauss(0.3, 0.5),
            "etco2": NORMAL["etco2"] + rng.gauss(0.0, 4.0),
        }
        first["dbp"] = first["sbp"] * rng.uniform(0.55, 0.7)
        return cls(first, rng.random() < DETERIORATING_SHARE, rng.random() < 0.1, rng.random() < 0.1)

    def reading(self, t_s: float, rng: random.Random) -> dict[str, Any]:
        """The monitor's fields of a `Vitals` message after `t_s` seconds on the monitor."""
        p = min(1.0, max(0.0, t_s / DRIFT_S))
        out: dict[str, Any] = {}
        for name, start in self.first.items():
            target = start + WORSE[name] if self.deteriorating else start + 0.6 * (NORMAL[name] - start)
            low, high = RANGE[name]
            out[name] = min(high, max(low, start + p * (target - start) + rng.gauss(0.0, NOISE[name])))
        out["dbp"] = min(out["dbp"], out["sbp"] - 20)  # a pulse pressure, whatever the noise did
        for name in ("hr", "sbp", "dbp", "spo2", "rr"):
            out[name] = round(out[name])
        out["temp_c"] = round(out["temp_c"], 1)
        out["etco2"] = round(out["etco2"])
        out["rhythm"] = {"label": self._rhythm(out["hr"]), "stemi": self.stemi}
        return out

    def _rhythm(self, hr: int) -> str:
        if self.af:
            return "af"
        if hr > 100:
            return "sinus_tachycardia"
        return "sinus_bradycardia" if hr < 60 else "sinus"
