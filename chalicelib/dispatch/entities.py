"""Value types of dispatch. Plain frozen dataclasses: built in hot loops, never parsed from input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

from chalicelib.fleet.entities import UnitType


class Point(NamedTuple):
    lat: float
    lon: float


@dataclass(frozen=True)
class Eta:
    seconds: float
    metres: float
    source: Literal["model", "routing"]
    degraded: bool = False
    reason: str | None = None  # why the estimate is degraded (routing failed, timed out ...)


@dataclass(frozen=True)
class Candidate:
    """A free unit as the candidate search found it (one GSI item, no second read)."""

    unit_id: str
    type: UnitType
    county: str
    position: Point
    position_at: datetime
    station_id: str
    # Units carry no station coordinates; the source fills them from the stations table.
    station: Point | None = None


@dataclass(frozen=True)
class Recommendation:
    unit_id: str
    type: UnitType
    county: str
    eta_s: int
    distance_m: int
    reasons: list[str] = field(default_factory=list)
    degraded: bool = False

    def as_dict(self) -> dict[str, Any]:
        """As kept on the incident and shown to the dispatcher."""
        return {
            "unit_id": self.unit_id,
            "type": self.type.value,
            "county": self.county,
            "eta_s": self.eta_s,
            "distance_m": self.distance_m,
            "reasons": list(self.reasons),
            "degraded": self.degraded,
        }


# Which unit types can serve a need: an ALS crew can always do a BLS job, never the reverse;
# a neonatal transfer needs the incubator.
SUITABLE: dict[UnitType, frozenset[UnitType]] = {
    UnitType.ALS: frozenset({UnitType.ALS}),
    UnitType.BLS: frozenset({UnitType.BLS, UnitType.ALS}),
    UnitType.NEONATAL: frozenset({UnitType.NEONATAL}),
}


def suitable_types(needs: UnitType) -> frozenset[UnitType]:
    return SUITABLE[needs]
