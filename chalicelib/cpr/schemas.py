"""Edge contract of caller video and telephone-CPR guidance."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.consultations.schemas import VideoJoin
from chalicelib.core.bounds import EventTime
from chalicelib.core.model import Model
from chalicelib.cpr.guidance import CprEvent


class CprQuery(Model):
    lang: Literal["zh-CN", "en"] | None = Field(None, description="Default: from Accept-Language, else zh-CN")


class CprStepView(Model):
    id: str
    phase: str = Field(description="assess, call, compressions or aed")
    text: str
    marks: CprEvent | None = Field(None, description="The progress event to record when this step is done")
    metronome_bpm: int | None = None
    rate_per_min: tuple[int, int] | None = None
    depth_cm: tuple[int, int] | None = None
    max_seconds: int | None = None


class CprSourceView(Model):
    id: str
    title: str


class CprGuidance(Model):
    call_id: str
    version: str
    lang: str
    population: str
    metronome_bpm: int = Field(description="Beats a minute for the compression metronome (100-120 wanted)")
    steps: list[CprStepView]
    sources: list[CprSourceView]
    progress: dict[str, datetime] = Field(description="Events recorded so far, by event")


class ProgressRequest(Model):
    model_config = ConfigDict(extra="forbid")

    event: CprEvent
    at: EventTime | None = Field(None, description="When it happened; default the time received")


class ProgressResult(Model):
    incident_id: str
    event: CprEvent
    at: datetime = Field(description="The event's time: the first report's")
    recorded: bool = Field(description="false when the event was already recorded: nothing changed")
    progress: dict[str, datetime]


class CallerVideo(Model):
    """The caller's own join: nothing about who else is in the room."""

    call_id: str
    incident_id: str
    video: VideoJoin


class SceneParticipant(Model):
    subject: str = Field(description="A staff member's subject, or call:<call_id> for a caller")
    kind: Literal["caller", "dispatcher", "hospital"]
    role: str = Field(description="master (the caller's phone, the one sender) or viewer")
    hospital_id: str | None = None
    joined_at: datetime


class SceneVideo(Model):
    incident_id: str
    status: str = Field(description="open, or closed with the incident")
    opened_at: datetime
    participants: list[SceneParticipant]
    video: VideoJoin
