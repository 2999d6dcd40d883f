"""Co-responders never reach health data: the access rule refuses them with its own code, audits the
refusal like any other, and no grant or break of the glass changes that."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.core.auth import Role
from chalicelib.core.errors import Forbidden
from chalicelib.healthaccess import rules
from chalicelib.healthaccess.entities import Grant, GrantKind
from chalicelib.healthaccess.schemas import BreakGlassRequest
from chalicelib.healthaccess.service import break_glass, open_record
from tests.unit.healthaccess.test_health_access import NOW, make_ports, who

FIRE = who(Role.RESPONDER, "agency:fire", subject="fire-e12")


def test_the_access_rule_refuses_a_responder_and_the_refusal_is_on_the_trail() -> None:
    ports = make_ports({"AMB01": "INC1"})
    with pytest.raises(Forbidden) as info:
        open_record(ports, FIRE, "INC1", "portrait.read", NOW)
    assert info.value.code == "responder_no_health_data"
    [event] = ports.audit.events
    assert (event.subject, event.actor, event.role, event.action, event.reason) == (
        "incident:INC1", "fire-e12", "responder", "portrait.read.denied", "responder_no_health_data",
    )  # fmt: skip


def test_not_even_a_grant_in_the_responders_name_opens_health_data() -> None:
    ports = make_ports()
    ports.grants.add(
        Grant("INC1", "fire-e12", GrantKind.BREAK_GLASS, "a grant written by mistake", "admin-1", NOW,
              NOW + timedelta(minutes=30))
    )  # fmt: skip
    with pytest.raises(Forbidden) as info:
        rules.decide(ports, FIRE, "INC1", NOW)
    assert info.value.code == "responder_no_health_data"


def test_a_responder_cannot_break_the_glass() -> None:
    ports = make_ports()
    with pytest.raises(Forbidden) as info:
        break_glass(ports, FIRE, "INC1", BreakGlassRequest(reason="the patient is trapped in the car"), NOW)
    assert info.value.code == "responder_no_health_data"
    assert ports.grants.items == {} and ports.alerts.sent == []
