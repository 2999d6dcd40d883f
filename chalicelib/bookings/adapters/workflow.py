"""The workflow's wait for an admission, woken when a hospital accepts.

Built by the routes, not by `wiring`: the workflow asks bookings about admissions (its close hook,
its milestone checks), so only a module nothing in bookings imports may call back into it.
"""

from __future__ import annotations

from chalicelib.bookings.ports import AdmissionWatch


class WorkflowAdmissionWatch(AdmissionWatch):
    def accepted(self, incident_id: str, booking_id: str) -> None:
        from chalicelib.workflow.api import Milestone, reached

        reached(incident_id, Milestone.ACCEPTED, {"booking_id": booking_id})
