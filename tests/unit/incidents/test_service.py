"""Call intake's use cases over in-memory ports: a QR scan or a phone's place opens an incident, the
flood check counts per client, and a caller token opens only its own call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from chalicelib.core import root
from chalicelib.core.errors import Forbidden
from chalicelib.core.ratelimit import RateLimited
from chalicelib.incidents import api, caller_tokens, service
from chalicelib.incidents.entities import IncidentState
from chalicelib.incidents.schemas import CallRequest, Confidence
from chalicelib.qr.keys import StaticKeyRing
from chalicelib.qr.schemas import QrClaims
from tests.unit.incidents.fakes_incidents import FakeStarter, MemoryIncidents

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
RING = StaticKeyRing("k1", {"k1": b"k" * 32})
DOOR = QrClaims(address_code="A1", county="350602", lat=24.5109, lon=117.6536, text_zh="芗城区某路1号", kid="k1",
                issued_at=0)  # fmt: skip


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryIncidents]:
    memory = MemoryIncidents()
    monkeypatch.setattr(service, "get_incident_store", lambda: memory)
    monkeypatch.setattr(service, "get_starter", lambda: FakeStarter())
    monkeypatch.setattr(service, "_ring", lambda: RING)
    import chalicelib.qr.api as qr

    monkeypatch.setattr(qr, "verify", lambda token: DOOR)
    monkeypatch.setattr(qr, "key_ring", lambda: RING)
    root.reset()  # the flood limiter starts empty
    yield memory
    root.reset()


def test_a_scan_opens_an_incident_at_the_door_with_a_caller_token(store: MemoryIncidents) -> None:
    created = service.new_call(CallRequest(qr_token="x" * 20), T0)
    incident = store.incidents[created.incident_id]
    assert (incident.county, incident.location.address_code, created.linked) == ("350602", "A1", False)
    assert caller_tokens.verify(created.caller_token, RING, T0) == created.call_id


def test_a_phones_place_opens_an_incident_with_device_confidence(store: MemoryIncidents) -> None:
    created = service.new_call(CallRequest.model_validate({"location": {"lat": 24.51, "lon": 117.65}}), T0)
    assert store.incidents[created.incident_id].location.confidence is Confidence.DEVICE


def test_a_flood_of_device_calls_from_one_client_is_refused(store: MemoryIncidents) -> None:
    req = CallRequest.model_validate({"location": {"lat": 24.51, "lon": 117.65}})
    for _ in range(10):
        service.new_call(req, T0, client="203.0.113.9")
    with pytest.raises(RateLimited):
        service.new_call(req, T0, client="203.0.113.9")
    service.new_call(req, T0, client="198.51.100.1")  # another client keeps its own budget


def test_a_caller_token_opens_only_its_own_call(store: MemoryIncidents, monkeypatch: pytest.MonkeyPatch) -> None:
    first = service.new_call(CallRequest(qr_token="x" * 20), T0)
    state = IncidentState(first.incident_id, county="350602", status="received", created_at=T0)
    monkeypatch.setattr(api, "get_incident_store", lambda: store)
    monkeypatch.setattr(api, "find", lambda incident_id, consistent=False: state)
    bearer = f"Bearer {first.caller_token}"
    call, incident = api.caller_call(first.call_id, bearer, T0)
    assert (call.call_id, incident.incident_id, incident.is_open) == (first.call_id, first.incident_id, True)
    with pytest.raises(Forbidden):
        api.caller_call("CALL-OTHER", bearer, T0)
