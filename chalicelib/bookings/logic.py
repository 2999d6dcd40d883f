"""The booking state machine and what an accepted booking sets in motion. Pure.

offered --accept--> accepted --arrive--> arrived
offered --decline / no answer in time--> declined / expired   (the next option is offered)
offered | accepted --cancel--> cancelled
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from chalicelib.core.errors import Conflict
from chalicelib.hospitals.api import Capability


class Status(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    ARRIVED = "arrived"


OPEN = frozenset({Status.OFFERED, Status.ACCEPTED})
_MOVES: dict[str, frozenset[Status]] = {
    "accept": frozenset({Status.OFFERED}),
    "decline": frozenset({Status.OFFERED}),
    "expire": frozenset({Status.OFFERED}),
    "cancel": OPEN,
    "arrive": frozenset({Status.ACCEPTED}),
}
RESULT = {"accept": Status.ACCEPTED, "decline": Status.DECLINED, "expire": Status.EXPIRED,
          "cancel": Status.CANCELLED, "arrive": Status.ARRIVED}  # fmt: skip


class PreOrder(StrEnum):
    """What the emergency department readies before the patient arrives (FHIR ServiceRequest codes)."""

    BLOODS = "bloods"
    BLOOD_TYPING = "blood_typing"
    ECG = "ecg"
    ULTRASOUND = "ultrasound"
    CT_HEAD = "ct_head"
    CT_ANGIOGRAPHY = "ct_angiography"
    CT_BODY = "ct_body"
    XRAY_CHEST = "xray_chest"


class DeclineReason(StrEnum):
    NO_CAPACITY = "no_capacity"
    NO_SPECIALIST = "no_specialist"
    EQUIPMENT_UNAVAILABLE = "equipment_unavailable"
    DIVERTING = "diverting"
    OTHER = "other"


def check_move(status: Status, move: str) -> Status:
    """The status after `move`, or 409 naming the current status."""
    if status not in _MOVES[move]:
        raise Conflict(f"a booking {status} cannot be {RESULT[move]}", code="booking_not_open",
                       details=[{"status": status.value}])  # fmt: skip
    return RESULT[move]


_DEFAULT_ORDERS: dict[str | None, tuple[PreOrder, ...]] = {
    "stroke": (PreOrder.BLOODS, PreOrder.CT_HEAD, PreOrder.CT_ANGIOGRAPHY),
    "chest_pain": (PreOrder.BLOODS, PreOrder.ECG),
    "trauma": (PreOrder.BLOOD_TYPING, PreOrder.ULTRASOUND, PreOrder.CT_BODY),
    "cardiac_arrest": (PreOrder.BLOODS, PreOrder.ECG),
    "critical_maternal": (PreOrder.BLOOD_TYPING, PreOrder.ULTRASOUND),
    "critical_neonatal": (PreOrder.BLOODS, PreOrder.XRAY_CHEST),
    None: (PreOrder.BLOODS,),
}


def orders_for(pathway: str | None, asked: Iterable[PreOrder]) -> list[PreOrder]:
    """The pathway's standing orders and whatever the crew asked for, each once, in a stable order."""
    wanted = set(_DEFAULT_ORDERS.get(pathway, _DEFAULT_ORDERS[None])) | set(asked)
    return [o for o in PreOrder if o in wanted]


def teams_for(pathway: str | None, needs: Iterable[Capability]) -> list[str]:
    """The teams the green channel calls before arrival, from the pathway and what it needs."""
    needs = set(needs)
    teams = {
        "stroke": ["stroke_team", "ct"],
        "chest_pain": ["cardiology"],
        "trauma": ["trauma_team", "ct", "blood_bank"],
        "cardiac_arrest": ["resuscitation_team", "cath_lab"],
        "critical_maternal": ["obstetric_team", "blood_bank"],
        "critical_neonatal": ["nicu_team"],
    }.get(pathway or "", ["emergency_team"])
    if Capability.STROKE_THROMBECTOMY in needs:
        teams.append("neurointervention")
    if Capability.PCI_24X7 in needs and "cath_lab" not in teams:
        teams.append("cath_lab")
    if Capability.ECMO in needs:
        teams.append("ecmo")
    return teams


def inbound_topic(hospital_id: str) -> str:
    """The hospital's inbound MQTT topic: offers, acceptances, ETA, green-channel and consultation calls."""
    return f"ems/hospitals/{hospital_id}/inbound"


def basis_of(kind: str | None, booking_id: str) -> str:
    """The reason a hospital's grant lives by: `referral:RF..` for a referral, else `booking:BK..`."""
    return f"{'referral' if kind == 'referral' else 'booking'}:{booking_id}"
