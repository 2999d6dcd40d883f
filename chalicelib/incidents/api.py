"""What other domains may ask of the incidents domain: views of an incident and the writes they
make to it, never its record. Each function loads the PynamoDB side on first use (cold start)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from types import ModuleType
from typing import TYPE_CHECKING

from chalicelib.core.errors import NotFound
from chalicelib.incidents import caller_tokens
from chalicelib.incidents.entities import Call, IncidentState, Recommendations
from chalicelib.incidents.wiring import get_incident_store

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

__all__ = ["Call", "IncidentState", "Recommendations"]


def _records() -> ModuleType:
    from chalicelib.incidents.adapters import records

    return records


def _transactions() -> ModuleType:
    from chalicelib.incidents.adapters import transactions

    return transactions


# Views


def find(incident_id: str, *, consistent: bool = False) -> IncidentState | None:
    """The whole incident, or None."""
    found: IncidentState | None = _records().get(incident_id, consistent=consistent)
    return found


def look_up(incident_id: str, *fields: str, consistent: bool = False) -> IncidentState | None:
    """Only `fields` of the incident (names of IncidentState), or None: what a caller does not need stays unread."""
    found: IncidentState | None = _records().get(incident_id, list(fields), consistent=consistent)
    return found


def existing(incident_id: str, *fields: str, consistent: bool = False) -> IncidentState:
    """Like `look_up`, for an incident known to exist (an access check read it): LookupError if not."""
    found = look_up(incident_id, *fields, consistent=consistent)
    if found is None:
        raise LookupError(f"no incident {incident_id}")
    return found


def waiting_in(pool: str, limit: int) -> list[IncidentState]:
    """The oldest incidents waiting for a unit in `pool` (a county code, or "city")."""
    found: list[IncidentState] = _records().waiting(pool, limit)
    return found


def open_in_county(county: str) -> list[IncidentState]:
    found: list[IncidentState] = _records().open_in(county)
    return found


def caller_call(call_id: str, bearer: str | None, now: datetime) -> tuple[Call, IncidentState]:
    """The call a caller token speaks for, and its incident, read consistently (403 `not_your_call` for
    another call's token, 404 `call_not_found`)."""
    from chalicelib.qr.api import key_ring

    caller_tokens.require(call_id, bearer, key_ring(), now)
    call = get_incident_store().get_call(call_id)
    incident = find(call.incident_id, consistent=True) if call else None
    if call is None or incident is None:
        raise NotFound("no such call", code="call_not_found")
    return call, incident


# Writes of other domains


def save_recommendations(incident_id: str, search: Recommendations, now: datetime) -> None:
    _records().save_search(incident_id, search, now)


def start_waiting(incident_id: str, pool: str, level: str, now: datetime) -> bool:
    """Queue the open, unassigned incident in `pool`; False when it is closed or has a unit."""
    return bool(_records().wait(incident_id, pool, level, now))


def keep_wait_token(incident_id: str, token: str) -> bool:
    """Keep the workflow's task token while the incident waits; False when it no longer waits."""
    return bool(_records().keep_wait_token(incident_id, token))


def mark_notified(incident_id: str, unit_id: str, now: datetime) -> None:
    """The crew's dispatch message went out (ignored when another unit holds the incident now)."""
    _records().mark_notified(incident_id, unit_id, now)


def set_assessment(
    incident_id: str, level: int, pathway: str | None, capabilities: Iterable[str], now: datetime
) -> None:
    """The latest assessment's level, pathway and needs: the board, hospital routing and the unit type read them."""
    _records().set_assessment(incident_id, level, pathway, capabilities, now)


def raise_triage_level(incident_id: str, level: int, now: datetime) -> bool:
    """Set `level` if it is more urgent than the incident's; False when it is not."""
    return bool(_records().raise_triage_level(incident_id, level, now))


def link_patient(incident_id: str, person_key: str, at: datetime) -> bool:
    """The health archive person the crew identified; False when there is no such incident."""
    return bool(_records().link_patient(incident_id, person_key, at))


def park_milestone_token(incident_id: str, milestone: str, token: str) -> bool:
    """Keep the workflow's task token for `milestone`; False when there is no such incident."""
    return bool(_records().park_token(incident_id, milestone, token))


def milestone_tokens(incident_id: str, milestones: Iterable[str]) -> dict[str, str]:
    """The parked tokens of `milestones`, in one read (LookupError: no such incident)."""
    found: dict[str, str] = _records().tokens(incident_id, list(milestones))
    return found


def take_milestone_token(incident_id: str, milestone: str, token: str) -> bool:
    """Remove the parked `token` (one caller wins); False when another caller took it."""
    return bool(_records().take_token(incident_id, milestone, token))


# Parts of another domain's transaction (the caller runs it and reads its cancellation reasons)


def add_assignment(
    tx: TransactWrite,
    incident_id: str,
    unit_id: str,
    *,
    by: str,
    now: datetime,
    previous: str | None = None,
    search: Recommendations | None = None,
) -> None:
    """Assign `unit_id` (one update; its condition: still open, held by `previous` or by no unit)."""
    _transactions().add_assignment(tx, incident_id, unit_id, by=by, now=now, previous=previous, search=search)


def add_cancellation(tx: TransactWrite, incident_id: str, unit_id: str | None, reason: str, now: datetime) -> None:
    """Cancel the incident (one update; its condition: still open, held by `unit_id` or by no unit)."""
    _transactions().add_cancellation(tx, incident_id, unit_id, reason, now)


def add_unit_step(
    tx: TransactWrite, incident_id: str, unit_id: str, unit_status: str, destination_id: str | None, now: datetime
) -> bool:
    """The incident follows its unit's new status (one update, conditioned on the unit still holding it);
    False when this status does not change the incident (nothing added)."""
    return bool(_transactions().add_unit_step(tx, incident_id, unit_id, unit_status, destination_id, now))
