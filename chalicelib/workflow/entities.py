"""What the call-to-admission workflow waits for."""

from __future__ import annotations

from enum import StrEnum


class Milestone(StrEnum):
    ON_SCENE = "on_scene"
    ASSESSED = "assessed"
    ACCEPTED = "accepted"
    AT_HOSPITAL = "at_hospital"
    HANDED_OVER = "handed_over"
