"""What other domains may ask of the health-data access rule: open a record (checked and audited),
hold or end a hospital's grant, and the refusal hook of a health route.

Each call builds on the domain's own ports (`wiring`); a domain that composes its use cases over
ports of its own may take `ports()` and hand it to `open_record_with`. The rule and its use cases are
imported on first call, so a route module that only needs `audited` loads no more than that.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.core.auth import Principal
from chalicelib.healthaccess.entities import Access, Basis, Grant, GrantKind
from chalicelib.healthaccess.ports import AccessPorts
from chalicelib.healthaccess.refusals import audited, record_refusal

__all__ = [
    "Access",
    "AccessPorts",
    "Basis",
    "assigned_unit",
    "audited",
    "decide",
    "grant_hospital",
    "hospital_may_read",
    "open_record",
    "open_record_with",
    "ports",
    "record_refusal",
    "refuse_responders",
    "revoke",
    "subject",
]


def subject(incident_id: str) -> str:
    """The audit trail's subject of an incident's health data."""
    return f"incident:{incident_id}"


def refuse_responders(who: Principal) -> None:
    """403 for co-responders: no rule and no grant gives them health data."""
    from chalicelib.healthaccess import rules

    rules.refuse_responders(who)


def ports() -> AccessPorts:
    from chalicelib.healthaccess.wiring import get_ports

    return get_ports()


def open_record(who: Principal, incident_id: str, action: str, now: datetime, detail: str | None = None) -> Access:
    """Allow `who` to do `action` on the incident's health data (403/404 otherwise), audited either way."""
    from chalicelib.healthaccess import service as _service

    return _service.open_record(ports(), who, incident_id, action, now, detail)


def open_record_with(
    access_ports: AccessPorts, who: Principal, incident_id: str, action: str, now: datetime, detail: str | None = None
) -> Access:
    """`open_record` over ports the caller holds (its unit tests hand in fakes)."""
    from chalicelib.healthaccess import service as _service

    return _service.open_record(access_ports, who, incident_id, action, now, detail)


def decide(who: Principal, incident_id: str, now: datetime) -> Access:
    """How `who` may reach the incident's health data, or the 403/404 that says why; not audited (the
    caller writes its own entry)."""
    from chalicelib.healthaccess import rules

    return rules.decide(ports(), who, incident_id, now)


def assigned_unit(who: Principal, incident_id: str, access_ports: AccessPorts | None = None) -> str:
    """The crew's unit currently assigned to `incident_id`, or 403 (`not_assigned`, `scope_denied`)."""
    from chalicelib.healthaccess import rules

    return rules.assigned_unit((access_ports or ports()).fleet, who, incident_id)


def grant_hospital(
    incident_id: str, hospital_id: str, basis: str, reason: str, granted_by: str, granted_at: datetime,
    expires_at: datetime,
) -> None:  # fmt: skip
    """Let every account of the hospital reach the incident's health data until `expires_at`, for the
    reason named by `basis` (`booking:BK..`, `consultation:CS..`); replaces that basis's earlier grant."""
    grant = Grant(
        incident_id=incident_id, grantee=f"hospital:{hospital_id}", kind=GrantKind.HOSPITAL, reason=reason,
        granted_by=granted_by, granted_at=granted_at, expires_at=expires_at, basis=basis,
    )  # fmt: skip
    ports().grants.add(grant)


def revoke(incident_id: str, grantee: str, basis: str, why: str, now: datetime) -> bool:
    """End the grantee's grant held on `basis` at once (audited); grants on other bases stay."""
    from chalicelib.healthaccess import service as _service

    return _service.revoke(ports(), incident_id, grantee, basis, why, now)


def hospital_may_read(hospital_id: str, incident_id: str, now: datetime) -> bool:
    """Whether the hospital's accounts still reach the incident's health data (standing rule or any grant)."""
    from chalicelib.healthaccess import service as _service

    return _service.hospital_may_read(ports(), hospital_id, incident_id, now)
