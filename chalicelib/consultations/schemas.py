"""Edge contract of consultations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from chalicelib.core.model import Model


class Specialty(StrEnum):
    NEUROLOGY = "neurology"
    CARDIOLOGY = "cardiology"
    TRAUMA_SURGERY = "trauma_surgery"
    OBSTETRICS = "obstetrics"
    NEONATOLOGY = "neonatology"
    PAEDIATRICS = "paediatrics"
    EMERGENCY_MEDICINE = "emergency_medicine"
    INTENSIVE_CARE = "intensive_care"
    RADIOLOGY = "radiology"
    TOXICOLOGY = "toxicology"


class ConsultationRequest(Model):
    specialties: list[Specialty] = Field(min_length=1, max_length=5)
    hospital_id: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_-]{1,32}$", description="Whose experts; default the accepting hospital"
    )
    question: str | None = Field(None, max_length=500)


class CloseRequest(Model):
    outcome: str = Field(min_length=3, max_length=2000, description="What was decided (treatment, destination ...)")


class IceServerView(Model):
    urls: list[str]
    username: str | None = None
    credential: str | None = None
    ttl_s: int | None = None


class VideoJoin(Model):
    """What the participant's app needs to join the session's video (only in the joiner's own answer)."""

    provider: str
    room_id: str
    role: str = Field(description="master (the ambulance, the one sender) or viewer")
    client_id: str
    signaling_url: str
    expires_at: datetime
    ice_servers: list[IceServerView]
    topics: dict[str, str] = Field(default_factory=dict)


class Participant(Model):
    subject: str
    role: str
    hospital_id: str | None = None
    joined_at: datetime
    left_at: datetime | None = None


class ConsultationView(Model):
    consultation_id: str
    incident_id: str
    hospital_id: str | None
    specialties: list[Specialty]
    question: str | None
    status: str = Field(description="open or closed")
    requested_by: str
    requested_at: datetime
    participants: list[Participant]
    outcome: str | None
    closed_at: datetime | None
    video: VideoJoin | None = Field(None, description="For the caller of join (and of the request: the master)")


class ConsultationList(Model):
    incident_id: str
    consultations: list[ConsultationView]
