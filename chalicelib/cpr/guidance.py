"""Telephone-CPR guidance: the versioned script (`steps_v1.json`) in the caller's language. Pure.

The script is data so the medical director reviews one file, and the API, the call page and the
dispatcher's console read the same steps and numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Any, Literal

from chalicelib.core.root import provider

Lang = Literal["zh", "en"]
CARDIAC = frozenset({"cardiac_arrest", "unconscious"})  # the symptoms a caller gets CPR guidance for


class CprEvent(StrEnum):
    """Progress of the guided resuscitation; each is a time node `cpr.<event>` of the incident."""

    GUIDANCE_STARTED = "guidance_started"
    COMPRESSIONS_STARTED = "compressions_started"
    AED_ATTACHED = "aed_attached"
    ROSC = "rosc"  # return of spontaneous circulation: the person breathes normally again

    @property
    def node(self) -> str:
        return f"cpr.{self.value}"


@dataclass(frozen=True)
class Step:
    id: str
    phase: str
    text: str
    marks: str | None = None
    metronome_bpm: int | None = None
    rate_per_min: tuple[int, int] | None = None
    depth_cm: tuple[int, int] | None = None
    max_seconds: int | None = None


@dataclass(frozen=True)
class Script:
    version: str
    population: str
    lang: Lang
    metronome_bpm: int
    steps: tuple[Step, ...]
    sources: tuple[dict[str, str], ...]


@provider
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files(__package__).joinpath("steps_v1.json").read_text("utf-8"))
    return data


def script(lang: Lang) -> Script:
    data = _data()
    steps = tuple(_step(s, lang) for s in data["steps"])
    sources = tuple({"id": s["id"], "title": s["title"]} for s in data["sources"])
    return Script(data["version"], data["population"], lang, int(data["metronome_bpm"]), steps, sources)


def _step(s: dict[str, Any], lang: Lang) -> Step:
    return Step(
        id=s["id"], phase=s["phase"], text=s["en"] if lang == "en" else s["zh"], marks=s.get("marks"),
        metronome_bpm=s.get("metronome_bpm"), max_seconds=s.get("max_seconds"),
        rate_per_min=_pair(s.get("rate_per_min")), depth_cm=_pair(s.get("depth_cm")),
    )  # fmt: skip


def metronome_bpm() -> int:
    return int(_data()["metronome_bpm"])


def needs_cpr(symptoms: set[str]) -> bool:
    return bool(CARDIAC & symptoms)


def _pair(value: list[int] | None) -> tuple[int, int] | None:
    return (int(value[0]), int(value[1])) if value else None
