"""The call-to-admission workflow's waits for what people and devices do: on scene, assessed, accepted
by a hospital, at hospital, handed over.

The workflow parks a task token on the incident (`await_milestone`); the domain that sees the
milestone happen calls `reached`, which completes the token. Either may come first: parking checks
whether the milestone is already there and completes at once, and `reached` with no token parked is a
no-op, so no order of events loses a wake-up. Completing a token never fails the caller's own work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.core.observability import count, logger
from chalicelib.incidents import api as incidents
from chalicelib.workflow.entities import Milestone
from chalicelib.workflow.ports import TaskWaker
from chalicelib.workflow.wiring import get_waker


def await_milestone(event: dict[str, Any], waker: TaskWaker | None = None) -> dict[str, Any]:
    """Park the token (`.waitForTaskToken`), or complete it at once when the milestone is there."""
    incident_id, milestone, token = str(event["incident_id"]), Milestone(event["milestone"]), str(event["task_token"])
    if not incidents.park_milestone_token(incident_id, milestone.value, token):
        raise LookupError(f"no incident {incident_id}")
    # The milestone first: a crew that handed over and went back in service before this wait was parked
    # still admitted the patient; only a job that ended without the milestone is closed.
    if _CHECKS[milestone](incident_id):
        reached(incident_id, milestone, {"already": True}, waker=waker)
    elif _ended(incident_id):
        closed(incident_id, waker=waker)
    return {"incident_id": incident_id, "milestone": milestone.value, "parked": True}


def reached(
    incident_id: str, milestone: Milestone, detail: dict[str, Any] | None = None, *, waker: TaskWaker | None = None
) -> bool:
    """Complete the workflow's wait for `milestone`, if one is parked. True when a wait was completed."""
    output = {"milestone": milestone.value, "closed": False, **(detail or {})}
    return _take_and_wake(waker or get_waker(), incident_id, milestone, output)


def _parked(incident_id: str, milestones: list[Milestone]) -> dict[Milestone, str]:
    """The parked tokens of `milestones`, in one read."""
    tokens = incidents.milestone_tokens(incident_id, [m.value for m in milestones])
    return {m: tokens[m.value] for m in milestones if m.value in tokens}


def _take_and_wake(
    waker: TaskWaker, incident_id: str, milestone: Milestone, output: dict[str, Any], token: str | None = None
) -> bool:
    """Take the parked token (one conditional remove: one caller wins) and complete it with `output`."""
    try:
        token = token or _parked(incident_id, [milestone]).get(milestone)
        if not token:
            return False
        if not incidents.take_milestone_token(incident_id, milestone.value, token):
            return False  # another caller took the token and completes it
    except Exception as exc:  # the milestone itself is stored; the workflow's own timeout catches a lost wake
        return _failed(milestone, exc)
    try:
        return waker.wake(token, output)  # False: the wait is over already
    except Exception as exc:
        return _failed(milestone, exc)


def closed(incident_id: str, *, waker: TaskWaker | None = None) -> int:
    """The incident ended early (cancelled, or its unit back in service without a handover): every
    parked wait is completed with `closed`, and the workflow ends instead of timing out into an alarm."""
    for hook in _close_hooks():
        hook(incident_id)  # each never raises
    try:
        parked = _parked(incident_id, list(Milestone))
    except Exception as exc:
        return int(_failed(Milestone.ON_SCENE, exc))
    w = waker or get_waker()
    return sum(_take_and_wake(w, incident_id, m, {"milestone": m.value, "closed": True}, t) for m, t in parked.items())


def _close_hooks() -> list[Callable[[str], object]]:
    """What goes with a closed incident, in this order: co-responders' positions, the caller's scene
    video room, volunteers still alerted or on their way (told), open admissions (and the hospitals'
    access by them)."""
    from chalicelib.bookings.api import incident_closed as end_bookings
    from chalicelib.coresponse.api import incident_closed as forget_coresponders
    from chalicelib.cpr.api import close_for_incident
    from chalicelib.volunteers.api import incident_closed as stand_down_volunteers

    return [forget_coresponders, close_for_incident, stand_down_volunteers, end_bookings]


def unit_status(incident_id: str | None, status: str) -> None:
    """A unit's new status on a job: on scene and at hospital are milestones of the workflow; back in
    service, the job is over (a handover came first, or there was none to make)."""
    if not incident_id:
        return
    if status == "AVAILABLE":
        closed(incident_id)
        return
    if status == "TRANSPORTING":
        from chalicelib.bookings.api import unit_transporting

        unit_transporting(incident_id)  # an accepted admission elsewhere ends (never raises)
    milestone = {"ON_SCENE": Milestone.ON_SCENE, "AT_HOSPITAL": Milestone.AT_HOSPITAL}.get(status)
    if milestone is not None:
        reached(incident_id, milestone)


def _failed(milestone: Milestone, exc: Exception) -> bool:
    logger().warning("workflow wake failed", extra={"milestone": milestone.value, "error": type(exc).__name__})
    count("WorkflowWakeFailed")
    return False


def _ended(incident_id: str) -> bool:
    return incidents.existing(incident_id).status in ("cancelled", "closed")


def _node(node: str) -> Callable[[str], bool]:
    def check(incident_id: str) -> bool:
        from chalicelib.fleet.api import node_recorded

        return node_recorded(incident_id, node)

    return check


def _assessed(incident_id: str) -> bool:
    from chalicelib.triage.api import crew_assessed

    return crew_assessed(incident_id)


def _booking(*statuses: str) -> Callable[[str], bool]:
    def check(incident_id: str) -> bool:
        from chalicelib.bookings.api import has_admission

        return has_admission(incident_id, statuses)

    return check


_CHECKS: dict[Milestone, Callable[[str], bool]] = {
    Milestone.ON_SCENE: _node("eTimes.06"),
    Milestone.ASSESSED: _assessed,
    Milestone.ACCEPTED: _booking("accepted", "arrived"),
    Milestone.AT_HOSPITAL: _node("eTimes.11"),
    Milestone.HANDED_OVER: _booking("arrived"),
}
