"""Public AEDs: where one hangs, when its building is open, whether it was verified."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class AedStatus(StrEnum):
    ACTIVE = "active"
    MAINTENANCE = "maintenance"


class AedVerification(StrEnum):
    VERIFIED = "verified"
    PENDING = "pending"
    REJECTED = "rejected"


class Aed(BaseModel):
    model_config = ConfigDict(frozen=True)

    aed_id: str
    name_zh: str = Field(description="where it hangs, as a passer-by would say it")
    name_en: str
    county: str = Field(pattern=r"^\d{6}$")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    # Opening hours of the building, China time: "24h" for outdoor cabinets, else "HH:MM-HH:MM".
    hours: str = Field(pattern=r"^(24h|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d)$")
    status: AedStatus = AedStatus.ACTIVE
    indoor: str | None = Field(None, description="Where inside: floor, door, next to what")
    owner: str | None = None
    # Public submissions wait for verification before anyone is sent to them.
    verification: AedVerification = AedVerification.VERIFIED
    # Who submitted it (a token subject): its owner, who may name its keepers. None for the city's list.
    submitted_by: str | None = None
