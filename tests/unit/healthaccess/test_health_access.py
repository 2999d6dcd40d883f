"""The health-data access rule and breaking the glass, against in-memory fakes that count reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, Forbidden, NotFound
from chalicelib.fleet.entities import Unit, UnitState, UnitStatus, UnitType
from chalicelib.healthaccess import rules
from chalicelib.healthaccess.entities import Basis, Grant, GrantKind, IncidentRef
from chalicelib.healthaccess.ports import AccessAlerts, AccessPorts, GrantStore, IncidentDirectory
from chalicelib.healthaccess.schemas import BreakGlassRequest
from chalicelib.healthaccess.service import break_glass, open_record
from chalicelib.platform.entities import AuditEvent

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
INC = IncidentRef("INC1", "350602", "H01")


class Fleet:
    """Just `get`, counting which units were read."""

    def __init__(self, assignments: dict[str, str | None]) -> None:
        self.assignments = assignments
        self.reads: list[str] = []

    def get(self, unit_id: str, *, consistent: bool = False) -> UnitState | None:
        self.reads.append(unit_id)
        if unit_id not in self.assignments:
            return None
        unit = Unit(
            unit_id=unit_id, plate="闽E1", type=UnitType.ALS, station_id="ST01", county="350602",
            status=UnitStatus.EN_ROUTE, lat=24.5, lon=117.6, position_at=datetime(2025, 6, 1, tzinfo=UTC),
        )  # fmt: skip
        return UnitState(unit=unit, version=2, incident_id=self.assignments[unit_id])


class Incidents(IncidentDirectory):
    def __init__(self, *refs: IncidentRef) -> None:
        self.refs = {r.incident_id: r for r in refs}

    def get(self, incident_id: str) -> IncidentRef | None:
        return self.refs.get(incident_id)


class Grants(GrantStore):
    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], Grant] = {}
        self.queries = 0

    def of_incident(self, incident_id: str) -> list[Grant]:
        self.queries += 1
        return [g for (i, _, _), g in self.items.items() if i == incident_id]

    def add(self, grant: Grant) -> None:
        self.items[(grant.incident_id, grant.grantee, grant.basis)] = grant

    def revoke(self, incident_id: str, grantee: str, basis: str) -> bool:
        return self.items.pop((incident_id, grantee, basis), None) is not None


class Audit:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def append_audit(self, event: AuditEvent) -> None:
        self.events.append(event)


class Alerts(AccessAlerts):
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, object]]] = []

    def break_glass(self, county: str, message: dict[str, object]) -> None:
        self.sent.append((county, message))


def make_ports(assignments: dict[str, str | None] | None = None) -> Any:
    fleet: Any = Fleet(assignments or {})
    audit: Any = Audit()
    return AccessPorts(fleet=fleet, incidents=Incidents(INC), grants=Grants(), audit=audit, alerts=Alerts())


def who(role: Role, *scopes: str, subject: str = "someone") -> Principal:
    return Principal(subject=subject, role=role, scopes=list(scopes))


def test_a_crew_reaches_only_its_own_units_assignment() -> None:
    fleet: Any = Fleet({"AMB01": "INC1", "AMB02": "INC2", "AMB03": None})
    assert rules.assigned_unit(fleet, who(Role.CREW, "unit:AMB01"), "INC1") == "AMB01"
    for unit_id in ("AMB02", "AMB03", "AMB99"):
        with pytest.raises(Forbidden) as info:
            rules.assigned_unit(fleet, who(Role.CREW, f"unit:{unit_id}"), "INC1")
        assert info.value.code == "not_assigned"
    assert fleet.reads == ["AMB01", "AMB02", "AMB03", "AMB99"]  # never a unit outside the token
    with pytest.raises(Forbidden) as info:
        rules.assigned_unit(fleet, who(Role.CREW), "INC1")
    assert info.value.code == "scope_denied"


@pytest.mark.parametrize(
    ("principal", "incident_id", "outcome"),
    [
        (who(Role.CREW, "unit:AMB01"), "INC1", Basis.ASSIGNED_CREW),
        (who(Role.DISPATCHER, "county:350602"), "INC1", Basis.COUNTY_DISPATCHER),
        (who(Role.DISPATCHER), "INC1", Basis.COUNTY_DISPATCHER),
        (who(Role.HOSPITAL, "hospital:H01"), "INC1", Basis.RECEIVING_HOSPITAL),
        (who(Role.CREW, "unit:AMB02"), "INC1", "not_assigned"),
        # Another county's incident answers as a missing one: ids cannot be probed.
        (who(Role.DISPATCHER, "county:350603"), "INC1", "incident_not_found"),
        (who(Role.DISPATCHER, "county:350603"), "NOPE", "incident_not_found"),
        (who(Role.DISPATCHER), "NOPE", "incident_not_found"),
        (who(Role.HOSPITAL, "hospital:H02"), "INC1", "not_destination"),
        (who(Role.HOSPITAL, "hospital:H01"), "NOPE", "not_destination"),
        (who(Role.VOLUNTEER, "volunteer:V1"), "INC1", "role_denied"),
        (who(Role.CALLER, "call:C1"), "INC1", "role_denied"),
        (who(Role.ADMIN), "INC1", "role_denied"),  # administers the platform, not patients
    ],
)
def test_the_standing_rule(principal: Principal, incident_id: str, outcome: Basis | str) -> None:
    ports = make_ports({"AMB01": "INC1", "AMB02": "INC2"})
    if isinstance(outcome, Basis):
        assert rules.decide(ports, principal, incident_id, NOW).basis is outcome
        assert ports.grants.queries == 0  # the grants are read only when the rule refuses
        return
    with pytest.raises((Forbidden, NotFound)) as info:
        rules.decide(ports, principal, incident_id, NOW)
    assert info.value.code == outcome


def test_every_access_is_audited_with_its_basis_before_the_read() -> None:
    ports = make_ports({"AMB01": "INC1"})
    access = open_record(ports, who(Role.CREW, "unit:AMB01", subject="crew-1"), "INC1", "vitals.read", NOW)
    assert access.unit_id == "AMB01"
    [event] = ports.audit.events
    assert (event.subject, event.actor, event.role, event.action, event.basis, event.at.tzinfo is not None) == (
        "incident:INC1", "crew-1", "crew", "vitals.read", "assigned_crew", True,
    )  # fmt: skip
    with pytest.raises(Forbidden):
        open_record(ports, who(Role.HOSPITAL, "hospital:H02", subject="h2"), "INC1", "vitals.read", NOW)
    denied = ports.audit.events[-1]
    assert (denied.actor, denied.action, denied.reason, denied.basis) == (
        "h2", "vitals.read.denied", "not_destination", None,
    )  # fmt: skip


def test_breaking_the_glass_opens_a_time_boxed_window_for_that_person_only() -> None:
    ports = make_ports()
    doctor = who(Role.HOSPITAL, "hospital:H02", subject="dr-wang")
    colleague = who(Role.HOSPITAL, "hospital:H02", subject="dr-li")
    reason = "patient walked into our ED before any booking"
    grant = break_glass(ports, doctor, "INC1", BreakGlassRequest(reason=reason, minutes=15), NOW)
    assert grant.expires_at == NOW + timedelta(minutes=15)

    access = open_record(ports, doctor, "INC1", "portrait.read", NOW + timedelta(minutes=14))
    assert (access.basis, access.reason) == (Basis.BREAK_GLASS, reason)
    with pytest.raises(Forbidden):  # a grant is personal
        open_record(ports, colleague, "INC1", "portrait.read", NOW)
    with pytest.raises(Forbidden):  # and time-boxed
        open_record(ports, doctor, "INC1", "portrait.read", NOW + timedelta(minutes=15))

    actions = [(e.actor, e.action, e.basis, e.reason) for e in ports.audit.events]
    assert actions == [
        ("dr-wang", "access.break_glass", "break_glass", reason),
        ("dr-wang", "portrait.read", "break_glass", reason),
        ("dr-li", "portrait.read.denied", None, "not_destination"),
        ("dr-wang", "portrait.read.denied", None, "not_destination"),
    ]
    [(county, alert)] = ports.alerts.sent
    assert county == "350602"
    assert alert["type"] == "break_glass" and alert["by"] == "dr-wang" and alert["reason"] == reason


def test_breaking_the_glass_is_refused_when_not_needed_or_the_incident_is_unknown() -> None:
    ports = make_ports({"AMB01": "INC1"})
    req = BreakGlassRequest(reason="need to see the record now")
    with pytest.raises(Conflict) as info:
        break_glass(ports, who(Role.CREW, "unit:AMB01"), "INC1", req, NOW)
    assert info.value.code == "access_not_needed"
    with pytest.raises(NotFound) as missing:
        break_glass(ports, who(Role.CREW, "unit:AMB02"), "NOPE", req, NOW)
    assert missing.value.code == "incident_not_found"
    assert ports.grants.items == {} and ports.alerts.sent == [] and ports.audit.events == []


def test_a_hospital_grant_covers_every_account_of_that_hospital_until_it_ends() -> None:
    ports = make_ports()
    ports.grants.add(
        Grant(
            "INC1", "hospital:H05", GrantKind.HOSPITAL, "booking B1 accepted", "system", NOW, NOW + timedelta(hours=4)
        )
    )
    access = rules.decide(ports, who(Role.HOSPITAL, "hospital:H05", subject="nurse-1"), "INC1", NOW)
    assert (access.basis, access.reason) == (Basis.GRANT, "booking B1 accepted")
    with pytest.raises(Forbidden):
        rules.decide(ports, who(Role.HOSPITAL, "hospital:H05"), "INC1", NOW + timedelta(hours=4))


@pytest.mark.parametrize(
    ("body", "field"), [({"reason": "short"}, "reason"), ({"reason": "x" * 20, "minutes": 240}, "minutes")]
)
def test_a_break_glass_request_needs_a_real_reason_and_a_short_window(body: dict[str, Any], field: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as info:
        BreakGlassRequest.model_validate(body)
    assert info.value.errors()[0]["loc"] == (field,)
