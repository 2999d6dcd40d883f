"""Value types of dispatch. Plain frozen dataclasses: built in hot loops, never parsed from input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, NamedTuple

from chalicelib.fleet.entities import UnitType
from chalicelib.incidents.entities import CLOSED_STATUSES


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


CITY = "city"  # the waiting pool of incidents escalated to the whole city


@dataclass(frozen=True)
class SearchRecord:
    """What a search found, kept on the incident for the dispatcher."""

    recommendations: list[Recommendation]
    note: str | None  # why it is degraded, if it is
    level: str  # "county" or "city"


class Claim(StrEnum):
    CLAIMED = "claimed"
    UNIT_TAKEN = "unit_taken"  # someone else claimed the unit first: try the next one
    SETTLED = "settled"  # the incident got a unit meanwhile, or closed


@dataclass(frozen=True)
class DispatchIncident:
    """An incident as dispatch reads it (consistently, from the incidents table)."""

    incident_id: str
    county: str
    status: str
    point: Point
    address_text: str | None
    symptoms: tuple[str, ...]
    needs: UnitType
    created_at: datetime
    level: str | None = None  # "county" or "city"
    waiting_since: datetime | None = None
    wait_token: str | None = None
    unit_id: str | None = None
    assigned_at: datetime | None = None
    assigned_by: str | None = None
    notified_at: datetime | None = None
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    recommended_at: datetime | None = None
    search_note: str | None = None
    workflow: str = "pending"
    attention: str | None = None
    location: dict[str, Any] = field(default_factory=dict)  # as stored: address code, text, confidence

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def chosen(self) -> dict[str, Any] | None:
        """The recommendation of the unit it has, if the search offered that unit."""
        return next((r for r in self.recommendations if r.get("unit_id") == self.unit_id), None)

    @property
    def pool(self) -> str:
        return CITY if self.level == CITY else self.county
