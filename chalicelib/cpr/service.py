"""Telephone-CPR use cases: the caller's steps, and the progress of the resuscitation as time nodes.

Progress events (`guidance_started`, `compressions_started`, `aed_attached`, `rosc`) are response
nodes `cpr.<event>` of the incident (`chalicelib/timeline/nodes.py`): the first report stands, so the
caller's app and the dispatcher may both report one and retries change nothing. The caller reports
while the incident is open; the dispatcher also after, from the recorded call, for the quality review.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.core.auth import Principal
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.cpr import guidance
from chalicelib.cpr.schemas import CprGuidance, CprQuery, CprSourceView, CprStepView, ProgressRequest, ProgressResult
from chalicelib.incidents import scope
from chalicelib.timeline import api as nodes

EARLIEST_BEFORE_CALL = timedelta(hours=1)  # a bystander may start before calling; an hour earlier is a bad clock


def steps_for_caller(call_id: str, bearer: str | None, q: CprQuery, accept_language: str | None,
                     now: datetime) -> CprGuidance:  # fmt: skip
    from chalicelib.core.i18n import pick_language
    from chalicelib.incidents.api import caller_call

    _, incident = caller_call(call_id, bearer, now)
    lang: guidance.Lang = ("en" if q.lang == "en" else "zh") if q.lang else pick_language(accept_language)
    script = guidance.script(lang)
    steps = [
        CprStepView(id=s.id, phase=s.phase, text=s.text, marks=s.marks, metronome_bpm=s.metronome_bpm,
                    rate_per_min=s.rate_per_min, depth_cm=s.depth_cm, max_seconds=s.max_seconds)
        for s in script.steps
    ]  # fmt: skip
    return CprGuidance(
        call_id=call_id, version=script.version, lang="en" if lang == "en" else "zh-CN", population=script.population,
        metronome_bpm=script.metronome_bpm, steps=steps, sources=[CprSourceView(**s) for s in script.sources],
        progress=_progress(incident.incident_id),
    )  # fmt: skip


def caller_progress(call_id: str, bearer: str | None, body: ProgressRequest, now: datetime,
                    max_ahead_s: int) -> ProgressResult:  # fmt: skip
    from chalicelib.incidents.api import caller_call

    at = _when(body, now, max_ahead_s)
    _, incident = caller_call(call_id, bearer, now)
    if not incident.is_open:
        raise Conflict("the incident is closed", code="incident_closed", details={"status": incident.status})
    _not_before_call(at, incident.created_at)
    return _record(incident.incident_id, body, at, f"call:{call_id}")


def staff_progress(who: Principal, incident_id: str, body: ProgressRequest, now: datetime,
                   max_ahead_s: int) -> ProgressResult:  # fmt: skip
    from chalicelib.dispatch import api as dispatch
    from chalicelib.platform import audit

    at = _when(body, now, max_ahead_s)
    incident = dispatch.incident(incident_id)
    if incident is None:
        raise scope.missing()
    scope.require_county(who, incident_id, incident.county, action="cpr.progress")
    _not_before_call(at, incident.created_at)
    result = _record(incident_id, body, at, who.subject)
    audit.record(who, f"incident:{incident_id}", "cpr.progress", body.event.value)
    return result


# -- helpers ----------------------------------------------------------------------------------------


def _record(incident_id: str, body: ProgressRequest, at: datetime, by: str) -> ProgressResult:
    recorded = nodes.record_node(incident_id, body.event.node, at, by)
    stored = at if recorded else (nodes.node_at(incident_id, body.event.node) or at)
    return ProgressResult(incident_id=incident_id, event=body.event, at=stored, recorded=recorded,
                          progress=_progress(incident_id))  # fmt: skip


def _progress(incident_id: str) -> dict[str, datetime]:
    return {node.removeprefix("cpr."): at for node, at in nodes.nodes_of(incident_id, "cpr").items()}


def _when(body: ProgressRequest, now: datetime, max_ahead_s: int) -> datetime:
    at = body.at or now
    if at > now + timedelta(seconds=max_ahead_s):
        raise ValidationFailed("'at' is in the future; check the phone's clock", code="time_in_future",
                               details=[{"field": "at", "message": "in the future"}])  # fmt: skip
    return at


def _not_before_call(at: datetime, call_at: datetime) -> None:
    if at < call_at - EARLIEST_BEFORE_CALL:
        raise ValidationFailed("'at' is long before the call; check the clock", code="time_before_call",
                               details=[{"field": "at", "message": "more than an hour before the call"}])  # fmt: skip
