"""Standard address as held by the police address registry (one per door)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

from chalicelib.core.model import Model


class AddressStatus(StrEnum):
    ACTIVE = "active"
    # Demolished or renumbered doors stay readable so old QR codes explain themselves.
    RETIRED = "retired"


class Address(Model):
    model_config = ConfigDict(frozen=True)

    code: str = Field(min_length=1, description="opaque registry code printed in the QR doorplate")
    county: str = Field(pattern=r"^\d{6}$", description="administrative division code, e.g. 350602")
    township: str = Field(description="street office (街道) or town (镇), zh-CN")
    community: str = Field(description="community (社区) or village (村), zh-CN")
    road: str
    number: str
    # Flats only: detached houses and shops stop at the door number.
    building: str | None = None
    unit: str | None = None
    floor: int | None = None
    room: str | None = None
    text_zh: str
    text_en: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    status: AddressStatus = AddressStatus.ACTIVE
