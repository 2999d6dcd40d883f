"""Grants carry their basis: ending one reason revokes its grant only; refusals are audited once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.core.auth import Role
from chalicelib.core.errors import Forbidden
from chalicelib.healthaccess import refusals
from chalicelib.healthaccess.entities import Basis, Grant, GrantKind
from chalicelib.healthaccess.service import hospital_may_read, open_record, revoke
from tests.unit.healthaccess.test_health_access import NOW, make_ports, who


def hospital_grant(basis: str, hours: int = 12) -> Grant:
    return Grant("INC1", "hospital:H05", GrantKind.HOSPITAL, f"for {basis}", "system", NOW,
                 NOW + timedelta(hours=hours), basis=basis)  # fmt: skip


def test_revoking_one_basis_leaves_the_others() -> None:
    ports = make_ports()
    ports.grants.add(hospital_grant("booking:BK1"))
    ports.grants.add(hospital_grant("consultation:CS1", hours=2))
    doctor = who(Role.HOSPITAL, "hospital:H05")
    assert open_record(ports, doctor, "INC1", "portrait.read", NOW).basis is Basis.GRANT

    assert revoke(ports, "INC1", "hospital:H05", "booking:BK1", "cancelled: wrong patient", NOW)
    assert hospital_may_read(ports, "H05", "INC1", NOW)  # the consultation's grant is another reason
    assert not revoke(ports, "INC1", "hospital:H05", "booking:BK1", "again", NOW)  # nothing left to revoke
    assert revoke(ports, "INC1", "hospital:H05", "consultation:CS1", "closed", NOW)
    assert not hospital_may_read(ports, "H05", "INC1", NOW)
    with pytest.raises(Forbidden):
        open_record(ports, doctor, "INC1", "portrait.read", NOW)
    revoked = [e.reason for e in ports.audit.events if e.action == "access.revoked"]
    assert revoked == ["hospital:H05 booking:BK1: cancelled: wrong patient", "hospital:H05 consultation:CS1: closed"]


def test_the_destination_reads_without_any_grant() -> None:
    ports = make_ports()
    assert hospital_may_read(ports, "H01", "INC1", NOW)  # the incident's destination (standing rule)
    assert not hospital_may_read(ports, "H02", "INC1", NOW)


def test_a_refusal_the_rule_wrote_is_not_written_twice_by_the_route(monkeypatch: pytest.MonkeyPatch) -> None:
    ports = make_ports()
    monkeypatch.setattr("chalicelib.platform.audit.get_store", lambda: ports.audit)
    stranger = who(Role.HOSPITAL, "hospital:H09", subject="h9")
    hook = refusals.audited("portrait.read")
    with pytest.raises(Forbidden) as info:
        open_record(ports, stranger, "INC1", "portrait.read", NOW)
    hook(stranger, {"incident_id": "INC1"}, info.value)
    assert [(e.action, e.reason) for e in ports.audit.events] == [("portrait.read.denied", "not_destination")]

    role_refused = Forbidden("role admin may not do this", code="role_denied")
    hook(who(Role.ADMIN, subject="ops"), {"incident_id": "INC1"}, role_refused)
    hook(who(Role.ADMIN, subject="ops"), {"booking_id": "BK9"}, Forbidden("no", code="role_denied"))
    assert [(e.subject, e.actor, e.action, e.reason) for e in ports.audit.events[1:]] == [
        ("incident:INC1", "ops", "portrait.read.denied", "role_denied"),
        ("booking:BK9", "ops", "portrait.read.denied", "role_denied"),
    ]
