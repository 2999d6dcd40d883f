"""Whether an incident is within a person's counties, answered so that ids cannot be probed.

An incident outside the caller's counties answers exactly as a missing one (404 `incident_not_found`,
same message); only the audit trail keeps why (`scope_denied`).
"""

from __future__ import annotations

from chalicelib.core.auth import Principal
from chalicelib.core.errors import NotFound
from chalicelib.platform.ports import PlatformStore

MESSAGE = "no such incident"


class IncidentNotFound(NotFound):
    code = "incident_not_found"


class OutOfScope(IncidentNotFound):
    """Someone else's incident, told apart from a missing one on the trail only."""

    audit_reason = "scope_denied"


def missing() -> IncidentNotFound:
    return IncidentNotFound(MESSAGE)


def in_scope(who: Principal, county: str) -> bool:
    return who.city_wide or county in who.scope_ids("county")


def require_county(
    who: Principal, incident_id: str, county: str, *, action: str | None = None, store: PlatformStore | None = None
) -> None:
    """404 unless the incident's county is the caller's; with `action`, the refusal is audited as `<action>.denied`."""
    if in_scope(who, county):
        return
    refused = OutOfScope(MESSAGE)
    if action is not None:
        from chalicelib.healthaccess.refusals import record_refusal

        record_refusal(who, f"incident:{incident_id}", action, refused, store=store)
    raise refused
