"""Reads and single-item writes of the incident record on behalf of other domains."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.core.tables import bound
from chalicelib.incidents.dal import IncidentRecord
from chalicelib.incidents.entities import IncidentState, Recommendations

_FIELDS = [f.name for f in dataclasses.fields(IncidentState)]
_SETS = {"symptoms", "required_capabilities"}
_IDENTITY = ["incident_id", "county", "status", "created_at", "workflow"]


def view(r: IncidentRecord) -> IncidentState:
    values: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(r, name, None)
        if value is None:
            continue
        if name in _SETS:
            value = frozenset(value)
        elif name == "triage_level":
            value = int(value)
        elif name == "recommendations":
            value = list(value)
        values[name] = value
    return IncidentState(**values)


def get(incident_id: str, fields: Sequence[str] | None = None, *, consistent: bool = False) -> IncidentState | None:
    wanted = list(dict.fromkeys([*_IDENTITY, *fields])) if fields is not None else None
    try:
        return view(bound(IncidentRecord).get(incident_id, consistent_read=consistent, attributes_to_get=wanted))
    except IncidentRecord.DoesNotExist:
        return None


def waiting(pool: str, limit: int) -> list[IncidentState]:
    return [view(r) for r in bound(IncidentRecord).by_waiting.query(pool, limit=limit)]


def open_in(county: str) -> list[IncidentState]:
    return [view(r) for r in bound(IncidentRecord).by_open_county.query(county)]


def update(incident_id: str, actions: list[Action], condition: Condition | None) -> bool:
    """One conditional update; False when the condition failed."""
    try:
        bound(IncidentRecord)(incident_id).update(actions=actions, condition=condition)
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def search_actions(search: Recommendations, now: datetime) -> list[Action]:
    note = search.note
    return [
        IncidentRecord.recommendations.set(search.recommendations),
        IncidentRecord.recommended_at.set(now),
        IncidentRecord.dispatch_level.set(search.level),
        IncidentRecord.search_note.set(note) if note else IncidentRecord.search_note.remove(),
    ]


def save_search(incident_id: str, search: Recommendations, now: datetime) -> None:
    bound(IncidentRecord)(incident_id).update(
        actions=search_actions(search, now), condition=IncidentRecord.incident_id.exists()
    )


def wait(incident_id: str, pool: str, level: str, now: datetime) -> bool:
    queued = update(
        incident_id,
        [
            IncidentRecord.status.set("waiting"),
            IncidentRecord.wait_pool.set(pool),
            IncidentRecord.dispatch_level.set(level),
            IncidentRecord.updated_at.set(now),
        ],
        IncidentRecord.open_county.exists() & IncidentRecord.unit_id.does_not_exist(),
    )
    if queued:
        # Set once, by the first wait: the board orders by it and the alarm measures it.
        update(incident_id, [IncidentRecord.waiting_since.set(now)], IncidentRecord.waiting_since.does_not_exist())
    return queued


def keep_wait_token(incident_id: str, token: str) -> bool:
    return update(
        incident_id,
        [IncidentRecord.wait_token.set(token)],
        IncidentRecord.wait_pool.exists() & IncidentRecord.unit_id.does_not_exist(),
    )


def mark_notified(incident_id: str, unit_id: str, now: datetime) -> None:
    # False: reassigned meanwhile, the new unit's claim starts its own notification.
    update(incident_id, [IncidentRecord.notified_at.set(now)], IncidentRecord.unit_id == unit_id)


def set_assessment(
    incident_id: str, level: int, pathway: str | None, capabilities: Iterable[str], now: datetime
) -> None:
    actions: list[Action] = [IncidentRecord.triage_level.set(level), IncidentRecord.updated_at.set(now)]
    needs = set(capabilities)
    actions.append(IncidentRecord.pathway.set(pathway) if pathway else IncidentRecord.pathway.remove())
    r = IncidentRecord.required_capabilities
    actions.append(r.set(needs) if needs else r.remove())
    bound(IncidentRecord)(incident_id).update(actions=actions, condition=IncidentRecord.incident_id.exists())


def raise_triage_level(incident_id: str, level: int, now: datetime) -> bool:
    less_urgent = IncidentRecord.triage_level.does_not_exist() | (IncidentRecord.triage_level > level)
    actions: list[Action] = [IncidentRecord.triage_level.set(level), IncidentRecord.updated_at.set(now)]
    return update(incident_id, actions, less_urgent)


def link_patient(incident_id: str, person_key: str, at: datetime) -> bool:
    actions: list[Action] = [IncidentRecord.patient_key.set(person_key), IncidentRecord.updated_at.set(at)]
    return update(incident_id, actions, IncidentRecord.incident_id.exists())


def _token(milestone: str) -> Any:
    return getattr(IncidentRecord, f"token_{milestone}")


def park_token(incident_id: str, milestone: str, token: str) -> bool:
    return update(incident_id, [_token(milestone).set(token)], IncidentRecord.incident_id.exists())


def tokens(incident_id: str, milestones: Sequence[str]) -> dict[str, str]:
    try:
        record = bound(IncidentRecord).get(incident_id, attributes_to_get=[f"token_{m}" for m in milestones])
    except IncidentRecord.DoesNotExist:
        raise LookupError(f"no incident {incident_id}") from None
    return {m: token for m in milestones if (token := getattr(record, f"token_{m}"))}


def take_token(incident_id: str, milestone: str, token: str) -> bool:
    return update(incident_id, [_token(milestone).remove()], _token(milestone) == token)
