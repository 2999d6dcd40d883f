"""The health-access api over in-memory ports: a hospital's grant lives by its basis, and ends alone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.core.auth import Role
from chalicelib.core.errors import Forbidden
from chalicelib.healthaccess import api
from tests.unit.healthaccess.test_health_access import NOW, make_ports, who


def test_a_hospital_grant_per_basis_ends_alone_and_revoking_is_audited(monkeypatch: pytest.MonkeyPatch) -> None:
    ports = make_ports()
    monkeypatch.setattr(api, "ports", lambda: ports)
    later = NOW + timedelta(hours=2)
    api.grant_hospital("INC1", "H05", "booking:BK1", "booking BK1 accepted", "system", NOW, later)
    api.grant_hospital("INC1", "H05", "consultation:CS1", "consultation CS1", "system", NOW, later)
    nurse = who(Role.HOSPITAL, "hospital:H05", subject="nurse-1")
    assert api.open_record(nurse, "INC1", "portrait.read", NOW).basis is api.Basis.GRANT
    assert api.revoke("INC1", "hospital:H05", "booking:BK1", "cancelled", NOW)
    assert not api.revoke("INC1", "hospital:H05", "booking:BK1", "cancelled", NOW)  # already gone
    assert api.hospital_may_read("H05", "INC1", NOW)  # the consultation's grant stays
    assert api.revoke("INC1", "hospital:H05", "consultation:CS1", "closed", NOW)
    assert not api.hospital_may_read("H05", "INC1", NOW)
    with pytest.raises(Forbidden):
        api.open_record(nurse, "INC1", "portrait.read", NOW)
    revoked = [e.reason for e in ports.audit.events if e.action == "access.revoked"]
    assert revoked == ["hospital:H05 booking:BK1: cancelled", "hospital:H05 consultation:CS1: closed"]
