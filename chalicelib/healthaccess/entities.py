"""The facts an access decision is made from, and its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class IncidentRef:
    """The little of an incident that decides who may see its health data."""

    incident_id: str
    county: str
    destination_id: str | None


class Basis(StrEnum):
    """Why an access was allowed; kept on every audit entry."""

    ASSIGNED_CREW = "assigned_crew"
    COUNTY_DISPATCHER = "county_dispatcher"
    RECEIVING_HOSPITAL = "receiving_hospital"
    GRANT = "grant"  # a time-boxed grant to a hospital (a booking, a referral)
    BREAK_GLASS = "break_glass"


class GrantKind(StrEnum):
    BREAK_GLASS = "break_glass"
    HOSPITAL = "hospital"


BREAK_GLASS_BASIS = "break_glass"


@dataclass(frozen=True)
class Grant:
    """Time-boxed access to one incident's health data, held for one reason.

    `grantee` is a principal's subject (break the glass: that person only) or a scope such as
    `hospital:H01` (every account of that hospital). `basis` names the reason the grant lives by:
    `booking:BK..` or `referral:RF..` (an accepted booking), `consultation:CS..`, `break_glass`. A
    grantee holds one grant per basis, so ending one reason (a cancelled booking) revokes that grant
    and leaves the others (a consultation, a referral) alone.
    """

    incident_id: str
    grantee: str
    kind: GrantKind
    reason: str
    granted_by: str
    granted_at: datetime
    expires_at: datetime
    basis: str = ""  # empty only on grants stored before grants carried their basis

    def active(self, now: datetime) -> bool:
        return self.granted_at <= now < self.expires_at


@dataclass(frozen=True)
class Access:
    """An allowed access: on what basis, and the grant's reason when a grant allowed it."""

    basis: Basis
    reason: str | None = None
    unit_id: str | None = None  # the crew's assigned unit
