"""Co-responders sharing their position: the rules (pure) and the use cases against in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core.auth import Principal, Role, principal_from_claims
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.coresponse import cleanup, logic
from chalicelib.coresponse.entities import IncidentFacts, ResponderPosition, Saved
from chalicelib.coresponse.ports import CoResponsePorts, Desk, IncidentFactsReader, PositionStore
from chalicelib.coresponse.schemas import PositionRequest
from chalicelib.coresponse.service import responders, share
from chalicelib.dispatch.messages import CO_RESPONSE
from chalicelib.platform.entities import AuditEvent
from infrastructure.constants import AGENCIES
from tests.unit.healthaccess.test_health_access import Fleet

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
ARREST = IncidentFacts("INC1", "350602", "on_scene", ("cardiac_arrest",))  # brings fire along


class Incidents(IncidentFactsReader):
    def __init__(self, *facts: IncidentFacts) -> None:
        self.facts = {f.incident_id: f for f in facts}

    def get(self, incident_id: str) -> IncidentFacts | None:
        return self.facts.get(incident_id)


class Positions(PositionStore):
    """Forward-only like the table: a fix older than the stored one changes nothing."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], tuple[ResponderPosition, datetime]] = {}

    def save(self, position: ResponderPosition, remove_at: datetime) -> Saved:
        key = (position.incident_id, position.responder_id)
        before = self.rows.get(key)
        if before is not None and before[0].at >= position.at:
            return Saved.STALE
        started = before[0].started_at if before else position.received_at
        self.rows[key] = (ResponderPosition(**{**position.__dict__, "started_at": started}), remove_at)
        return Saved.UPDATED if before else Saved.STARTED

    def of_incident(self, incident_id: str) -> list[ResponderPosition]:
        return [p for (i, _), (p, _) in self.rows.items() if i == incident_id]

    def forget(self, incident_id: str) -> int:
        gone = [k for k in self.rows if k[0] == incident_id]
        for k in gone:
            del self.rows[k]
        return len(gone)


class Board(Desk):
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, dict[str, object]]] = []
        self.fail = fail

    def position(self, county: str, message: dict[str, object]) -> None:
        if self.fail:
            raise ConnectionError("broker down")
        self.sent.append((county, message))


class Audit:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def append_audit(self, event: AuditEvent) -> None:
        self.events.append(event)


def make_ports(*facts: IncidentFacts, desk: Board | None = None) -> Any:
    fleet: Any = Fleet({"AMB01": "INC1", "AMB02": "INC2"})
    audit: Any = Audit()
    return CoResponsePorts(
        incidents=Incidents(*(facts or (ARREST,))), positions=Positions(), desk=desk or Board(), fleet=fleet,
        audit=audit,
    )  # fmt: skip


def who(role: Role, *scopes: str, subject: str = "fire-e12") -> Principal:
    return Principal(subject=subject, role=role, scopes=list(scopes))


FIRE = who(Role.RESPONDER, "agency:fire")


def fix(at: datetime = NOW, **kw: Any) -> PositionRequest:
    return PositionRequest.model_validate({"lat": 24.51, "lon": 117.65, "at": at, "callsign": "芗城消防 E12", **kw})


def test_the_agencies_are_the_ones_the_cdk_routes_to_and_every_co_response_names_one() -> None:
    assert set(logic.AGENCIES) == set(AGENCIES)
    assert {a for agencies in CO_RESPONSE.values() for a in agencies} <= set(logic.AGENCIES)


@pytest.mark.parametrize(
    ("scopes", "outcome"),
    [
        (["agency:fire"], "fire"),
        (["agency:red_cross"], "red_cross"),
        ([], "scope_denied"),
        (["agency:fire", "agency:police"], "scope_denied"),  # one team, one agency
        (["agency:army"], "scope_denied"),
    ],
)
def test_a_responders_agency_comes_from_its_token(scopes: list[str], outcome: str) -> None:
    principal = who(Role.RESPONDER, *scopes)
    if outcome in logic.AGENCIES:
        assert logic.agency_of(principal) == outcome
        return
    with pytest.raises(Forbidden) as info:
        logic.agency_of(principal)
    assert info.value.code == outcome


@pytest.mark.parametrize(
    ("at", "code"),
    [
        (NOW + timedelta(seconds=31), "time_in_future"),
        (NOW - timedelta(minutes=5, seconds=1), "position_too_old"),
        (NOW + timedelta(seconds=30), None),  # drift
        (NOW - timedelta(minutes=5), None),
    ],
)
def test_a_fix_must_be_current(at: datetime, code: str | None) -> None:
    if code is None:
        logic.check_fix_time(at, NOW)
        return
    with pytest.raises(ValidationFailed) as info:
        logic.check_fix_time(at, NOW)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("facts", "agency", "code"),
    [
        (ARREST, "fire", None),
        (ARREST, "police", "agency_not_co_responding"),
        (IncidentFacts("INC1", "350602", "en_route", ("trauma",)), "police", None),
        (IncidentFacts("INC1", "350602", "en_route", ("chest_pain",)), "fire", "agency_not_co_responding"),
        (None, "fire", "agency_not_co_responding"),  # a missing incident looks like someone else's
        (IncidentFacts("INC1", "350602", "closed", ("cardiac_arrest",)), "fire", "incident_closed"),
        (IncidentFacts("INC1", "350602", "cancelled", ("cardiac_arrest",)), "police", "agency_not_co_responding"),
    ],
)
def test_only_a_called_agency_shares_and_only_while_the_incident_is_open(
    facts: IncidentFacts | None, agency: str, code: str | None
) -> None:
    if code is None:
        assert logic.may_share(facts, "INC1", agency) == facts
        return
    with pytest.raises((Forbidden, Conflict)) as info:
        logic.may_share(facts, "INC1", agency)
    assert info.value.code == code


def test_sharing_starts_once_is_audited_once_and_reaches_the_county_desk() -> None:
    ports = make_ports()
    first = share(ports, FIRE, "INC1", fix(NOW - timedelta(seconds=20), heading=90, speed=12.5), NOW)
    second = share(ports, FIRE, "INC1", fix(NOW - timedelta(seconds=10)), NOW)
    assert (first.accepted, first.sharing_started, second.accepted, second.sharing_started) == (True, True, True, False)
    assert second.keep_until == NOW - timedelta(seconds=10) + logic.RETENTION
    [event] = ports.audit.events
    assert (event.subject, event.action, event.actor, event.role) == (
        "incident:INC1", "coresponse.share_started", "fire-e12", "responder",
    )  # fmt: skip
    assert "24.51" not in (event.reason or "")  # the trail says who shares, not where they are
    counties = [c for c, _ in ports.desk.sent]
    assert counties == ["350602", "350602"]
    message = ports.desk.sent[0][1]
    assert (message["type"], message["agency"], message["heading"], message["lat"]) == (
        "responder_position", "fire", 90.0, 24.51,
    )  # fmt: skip


def test_a_late_fix_is_accepted_as_a_no_op_and_not_published() -> None:
    ports = make_ports()
    share(ports, FIRE, "INC1", fix(NOW - timedelta(seconds=5)), NOW)
    late = share(ports, FIRE, "INC1", fix(NOW - timedelta(seconds=60), lat=30.0), NOW)
    assert not late.accepted and len(ports.desk.sent) == 1
    [(stored, _)] = ports.positions.rows.values()
    assert stored.lat == 24.51


def test_a_desk_that_cannot_be_reached_does_not_fail_the_share() -> None:
    ports = make_ports(desk=Board(fail=True))
    assert share(ports, FIRE, "INC1", fix(), NOW).accepted
    assert len(ports.positions.rows) == 1


def test_a_refused_share_writes_nothing() -> None:
    ports = make_ports()
    for principal, code in ((who(Role.RESPONDER, "agency:police"), "agency_not_co_responding"),
                            (who(Role.RESPONDER), "scope_denied")):  # fmt: skip
        with pytest.raises(Forbidden) as info:
            share(ports, principal, "INC1", fix(), NOW)
        assert info.value.code == code
    assert not ports.positions.rows and not ports.desk.sent and not ports.audit.events


def test_the_county_desk_and_the_assigned_crew_see_the_teams_with_the_age_of_their_fix() -> None:
    ports = make_ports()
    share(ports, FIRE, "INC1", fix(NOW - timedelta(seconds=42)), NOW)
    for reader in (who(Role.DISPATCHER, "county:350602"), who(Role.DISPATCHER), who(Role.CREW, "unit:AMB01")):
        seen = responders(ports, reader, "INC1", NOW)
        assert seen.incident_open
        [team] = seen.responders
        assert (team.agency, team.callsign, team.age_s, team.sharing_since) == ("fire", "芗城消防 E12", 42, NOW)
    reads = [e for e in ports.audit.events if e.action == "coresponse.positions.read"]
    assert [e.role for e in reads] == ["dispatcher", "dispatcher", "crew"]


@pytest.mark.parametrize(
    ("reader", "incident_id", "code"),
    [
        (who(Role.DISPATCHER, "county:350603"), "INC1", "incident_not_found"),  # answered as if missing
        (who(Role.DISPATCHER), "NOPE", "incident_not_found"),
        (who(Role.CREW, "unit:AMB02"), "INC1", "not_assigned"),
        (who(Role.CREW), "INC1", "scope_denied"),
    ],
)
def test_who_may_not_see_the_teams(reader: Principal, incident_id: str, code: str) -> None:
    ports = make_ports()
    with pytest.raises((Forbidden, NotFound)) as info:
        responders(ports, reader, incident_id, NOW)
    assert info.value.code == code
    out_of_scope = reader.role is Role.DISPATCHER and incident_id == "INC1"
    expected = [("coresponse.positions.read.denied", "scope_denied")] if out_of_scope else []
    assert [(e.action, e.reason) for e in ports.audit.events] == expected  # the trail keeps what the answer hides


def test_once_the_incident_closes_the_list_is_empty_even_before_the_rows_are_deleted() -> None:
    ports = make_ports()
    share(ports, FIRE, "INC1", fix(), NOW)
    ports.incidents.facts["INC1"] = IncidentFacts("INC1", "350602", "closed", ("cardiac_arrest",))
    seen = responders(ports, who(Role.DISPATCHER), "INC1", NOW)
    assert (seen.incident_open, seen.responders) == (False, [])
    assert len(ports.positions.rows) == 1  # still there: the status alone hides it


def test_a_fix_past_its_retention_is_not_served_while_the_ttl_has_not_run() -> None:
    ports = make_ports()
    share(ports, FIRE, "INC1", fix(), NOW)
    later = NOW + logic.RETENTION + timedelta(seconds=1)
    assert responders(ports, who(Role.DISPATCHER), "INC1", later).responders == []


def test_closing_deletes_the_positions_and_a_failing_delete_never_reaches_the_caller() -> None:
    store = Positions()
    store.save(ResponderPosition("INC1", "fire-e12", "fire", "E12", 24.5, 117.6, NOW, NOW), NOW)
    cleanup.incident_closed("INC1", store)
    assert store.rows == {}

    class Broken(Positions):
        def forget(self, incident_id: str) -> int:
            raise TimeoutError("dynamodb")

    cleanup.incident_closed("INC1", Broken())  # no exception


def test_a_responder_token_carries_an_agency_and_nothing_else() -> None:
    claims = {"sub": "fire-e12", "cognito:groups": ["responder"], "custom:scope": "agency:fire"}
    assert principal_from_claims(claims).scope_ids("agency") == {"fire"}
    for scope in ("county:350602", "unit:AMB01", "agency:fire county:350602"):
        with pytest.raises(Forbidden) as info:
            principal_from_claims({**claims, "custom:scope": scope})
        assert info.value.code == "scope_denied"


def test_the_devstack_mints_responder_tokens_for_known_agencies_only(tmp_path: Path) -> None:
    from devstack import tokens

    tokens.ensure_keys(tmp_path)
    assert tokens.issue(tmp_path, "responder", "agency:police").count(".") == 2
    for scope in ("agency:army", "county:350602"):
        with pytest.raises(ValueError, match=r"agenc|does not fit"):
            tokens.issue(tmp_path, "responder", scope)
