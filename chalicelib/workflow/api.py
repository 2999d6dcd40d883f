"""What other domains tell the call-to-admission workflow: a milestone reached, a unit's new status
on a job, an incident closed. Each completes a parked wait, never failing the caller's own work."""

from __future__ import annotations

from chalicelib.workflow.entities import Milestone
from chalicelib.workflow.service import closed, reached, unit_status

__all__ = ["Milestone", "closed", "reached", "unit_status"]
