"""The call-to-admission workflow's waits for what people and devices do: on scene, assessed, accepted
by a hospital, at hospital, handed over.

The workflow parks a task token on the incident (`await_milestone`); the domain that sees the
milestone happen calls `reached`, which completes the token. Either may come first: parking checks
whether the milestone is already there and completes at once, and `reached` with no token parked is a
no-op, so no order of events loses a wake-up. Completing a token never fails the caller's own work.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import UpdateError

from chalicelib.core.observability import count, logger
from chalicelib.core.tables import bound


class Milestone(StrEnum):
    ON_SCENE = "on_scene"
    ASSESSED = "assessed"
    ACCEPTED = "accepted"
    AT_HOSPITAL = "at_hospital"
    HANDED_OVER = "handed_over"


def _token_attribute(m: Milestone) -> UnicodeAttribute:
    from chalicelib.incidents.dal import IncidentRecord

    attribute: UnicodeAttribute = getattr(IncidentRecord, f"token_{m.value}")
    return attribute


def await_milestone(event: dict[str, Any]) -> dict[str, Any]:
    """Lambda (`.waitForTaskToken`): park the token, or complete it at once when the milestone is there."""
    from chalicelib.incidents.dal import IncidentRecord

    incident_id, milestone, token = str(event["incident_id"]), Milestone(event["milestone"]), str(event["task_token"])
    try:
        bound(IncidentRecord)(incident_id).update(
            actions=[_token_attribute(milestone).set(token)], condition=IncidentRecord.incident_id.exists()
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise LookupError(f"no incident {incident_id}") from exc
        raise
    # The milestone first: a crew that handed over and went back in service before this wait was parked
    # still admitted the patient; only a job that ended without the milestone is closed.
    if _already(incident_id, milestone):
        reached(incident_id, milestone, {"already": True})
    elif _ended(incident_id):
        closed(incident_id)
    return {"incident_id": incident_id, "milestone": milestone.value, "parked": True}


def reached(incident_id: str, milestone: Milestone, detail: dict[str, Any] | None = None) -> bool:
    """Complete the workflow's wait for `milestone`, if one is parked. True when a wait was completed."""
    return _take_and_wake(incident_id, milestone, {"milestone": milestone.value, "closed": False, **(detail or {})})


def _parked(incident_id: str, milestones: list[Milestone]) -> dict[Milestone, str]:
    """The parked tokens of `milestones`, in one read."""
    from chalicelib.incidents.dal import IncidentRecord

    record = bound(IncidentRecord).get(incident_id, attributes_to_get=[f"token_{m.value}" for m in milestones])
    return {m: token for m in milestones if (token := getattr(record, f"token_{m.value}"))}


def _take_and_wake(incident_id: str, milestone: Milestone, output: dict[str, Any], token: str | None = None) -> bool:
    """Take the parked token (one conditional remove: one caller wins) and complete it with `output`."""
    from chalicelib.incidents.dal import IncidentRecord

    try:
        token = token or _parked(incident_id, [milestone]).get(milestone)
        if not token:
            return False
        bound(IncidentRecord)(incident_id).update(
            actions=[_token_attribute(milestone).remove()], condition=_token_attribute(milestone) == token
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False  # another caller took the token and completes it
        return _failed(milestone, exc)
    except Exception as exc:  # the milestone itself is stored; the workflow's own timeout catches a lost wake
        return _failed(milestone, exc)
    return _wake(token, output, milestone)


def closed(incident_id: str) -> int:
    """The incident ended early (cancelled, or its unit back in service without a handover): every
    parked wait is completed with `closed`, and the workflow ends instead of timing out into an alarm."""
    from chalicelib.coresponse.api import incident_closed

    incident_closed(incident_id)  # co-responders' positions go with the incident (never raises)
    from chalicelib.cpr.video import close_for_incident

    close_for_incident(incident_id)  # the caller's scene video room goes with the incident (never raises)
    from chalicelib.volunteers.alerts import incident_closed as stand_down_volunteers

    stand_down_volunteers(incident_id)  # volunteers still alerted or on their way are told (never raises)
    from chalicelib.bookings.service import incident_closed as end_bookings

    end_bookings(incident_id)  # open admissions end, and the hospitals' access by them (never raises)
    try:
        parked = _parked(incident_id, list(Milestone))
    except Exception as exc:
        return int(_failed(Milestone.ON_SCENE, exc))
    return sum(_take_and_wake(incident_id, m, {"milestone": m.value, "closed": True}, t) for m, t in parked.items())


def unit_status(incident_id: str | None, status: str) -> None:
    """A unit's new status on a job: on scene and at hospital are milestones of the workflow; back in
    service, the job is over (a handover came first, or there was none to make)."""
    if not incident_id:
        return
    if status == "AVAILABLE":
        closed(incident_id)
        return
    if status == "TRANSPORTING":
        from chalicelib.bookings.service import unit_transporting

        unit_transporting(incident_id)  # an accepted admission elsewhere ends (never raises)
    milestone = {"ON_SCENE": Milestone.ON_SCENE, "AT_HOSPITAL": Milestone.AT_HOSPITAL}.get(status)
    if milestone is not None:
        reached(incident_id, milestone)


def _wake(token: str, output: dict[str, Any], milestone: Milestone) -> bool:
    from chalicelib.core.aws import client

    sfn = client("stepfunctions")
    try:
        sfn.send_task_success(taskToken=token, output=json.dumps(output))
    except sfn.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("TaskTimedOut", "TaskDoesNotExist", "InvalidToken"):
            return False  # the wait is over already
        return _failed(milestone, exc)
    except Exception as exc:
        return _failed(milestone, exc)
    return True


def _failed(milestone: Milestone, exc: Exception) -> bool:
    logger().warning("workflow wake failed", extra={"milestone": milestone.value, "error": type(exc).__name__})
    count("WorkflowWakeFailed")
    return False


def _ended(incident_id: str) -> bool:
    from chalicelib.incidents.dal import IncidentRecord

    status = bound(IncidentRecord).get(incident_id, attributes_to_get=["status"]).status
    return status in ("cancelled", "closed")


def _already(incident_id: str, milestone: Milestone) -> bool:
    return _CHECKS[milestone](incident_id)


def _node(node: str) -> Callable[[str], bool]:
    def check(incident_id: str) -> bool:
        from chalicelib.fleet.dal_times import UnitTimeRecord

        return any(True for _ in bound(UnitTimeRecord).query(incident_id, UnitTimeRecord.node_unit.startswith(node)))

    return check


def _assessed(incident_id: str) -> bool:
    from chalicelib.triage.dal import AssessmentRecord

    return any(r.role != "device" for r in bound(AssessmentRecord).query(incident_id))


def _booking(*statuses: str) -> Callable[[str], bool]:
    def check(incident_id: str) -> bool:
        from chalicelib.bookings.service import of_incident_records

        return any(b.status in statuses and b.kind != "referral" for b in of_incident_records(incident_id))

    return check


_CHECKS: dict[Milestone, Callable[[str], bool]] = {
    Milestone.ON_SCENE: _node("eTimes.06#"),
    Milestone.ASSESSED: _assessed,
    Milestone.ACCEPTED: _booking("accepted", "arrived"),
    Milestone.AT_HOSPITAL: _node("eTimes.11#"),
    Milestone.HANDED_OVER: _booking("arrived"),
}
