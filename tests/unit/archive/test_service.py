"""The archive's use cases against an in-memory store: import a resident record, identify a patient by it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.archive import service, wiring
from chalicelib.archive.bundle import Person
from chalicelib.archive.ports import ArchiveStore, Lookup
from chalicelib.archive.schemas import IdentifyInput
from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import NotFound
from chalicelib.healthaccess.api import Access, Basis
from tests.unit.archive.test_archive import ID_NUMBER, KEY, resident_bundle

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
ADMIN = Principal(subject="records", role=Role.ADMIN, scopes=[])
CREW = Principal(subject="crew-1", role=Role.CREW, scopes=["unit:AMB01"])


class Store(ArchiveStore):
    def __init__(self) -> None:
        self.persons: dict[str, Person] = {}
        self.links: dict[str, str] = {}

    def save(self, person: Person, by: str, at: datetime) -> None:
        self.persons[person.person_key] = person

    def find(self, key: str) -> Lookup:
        by_phone = [p for p in self.persons.values() if p.phone_key == key]
        if len(by_phone) > 1:
            return Lookup(ambiguous=True)
        found = self.persons.get(key) or (by_phone[0] if by_phone else None)
        return Lookup(person_key=found.person_key, summary=found.summary) if found else Lookup()

    def link(self, incident_id: str, person_key: str, at: datetime) -> bool:
        if incident_id == "GONE":
            return False
        self.links[incident_id] = person_key
        return True


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    from chalicelib.healthaccess import api as access
    from chalicelib.platform import audit

    seen: dict[str, Any] = {"store": Store(), "trail": []}
    monkeypatch.setattr(wiring, "get_store", lambda: seen["store"])
    monkeypatch.setattr(wiring, "identity_key", lambda: KEY)
    monkeypatch.setattr(access, "decide", lambda who, incident_id, now: Access(Basis.ASSIGNED_CREW, unit_id="AMB01"))
    monkeypatch.setattr(audit, "record", lambda who, subject, action, reason=None, **kw: seen["trail"].append(
        (subject, action, reason, kw.get("basis"))))  # fmt: skip
    yield seen


def test_an_imported_record_identifies_the_patient_by_id_number_and_links_the_incident(world: dict[str, Any]) -> None:
    imported = service.import_bundle(ADMIN, resident_bundle(), NOW)
    assert "id_number" in imported.lookups and imported.counts.conditions >= 1
    found = service.identify(CREW, "INC1", IdentifyInput(id_number=ID_NUMBER), NOW)
    assert found.matched and found.summary is not None
    assert world["store"].links == {"INC1": imported.person_key}
    assert world["trail"][-1] == ("incident:INC1", "patient.identify", "by id_number: matched", "assigned_crew")


def test_no_record_is_an_answer_and_a_missing_incident_is_404(world: dict[str, Any]) -> None:
    missing = service.identify(CREW, "INC1", IdentifyInput(id_number=ID_NUMBER), NOW)
    assert (missing.matched, missing.reason) == (False, "no_record")
    assert world["trail"] == [("incident:INC1", "patient.identify", "by id_number: no_record", "assigned_crew")]
    service.import_bundle(ADMIN, resident_bundle(), NOW)
    with pytest.raises(NotFound):
        service.identify(CREW, "GONE", IdentifyInput(id_number=ID_NUMBER), NOW)
