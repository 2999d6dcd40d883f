"""The AED registry's use cases over an in-memory store: look-ups by cell range, submissions, verification, keepers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.aeds import keepers, service
from chalicelib.aeds.entities import Aed, AedVerification
from chalicelib.aeds.ports import AedStore
from chalicelib.aeds.schemas import AedQuery, AedSubmission, Verification
from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.core.geo import cells
from chalicelib.platform.entities import AuditEvent

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)  # noon in China
LAT, LON = 24.5, 117.65
M_PER_DEG = 111_195


class MemoryAeds(AedStore):
    def __init__(self, *aeds: Aed) -> None:
        self.aeds = {a.aed_id: a for a in aeds}
        self.keeping: dict[str, dict[str, tuple[datetime, str]]] = {}
        self.reads = 0

    def in_range(self, coarse: str, lo: str, hi: str) -> list[Aed]:
        self.reads += 1
        return [a for a in self.aeds.values() if (c := cells(a.lat, a.lon)).coarse == coarse and lo <= c.fine <= hi]

    def get(self, aed_id: str) -> Aed | None:
        return self.aeds.get(aed_id)

    def add(self, aed: Aed) -> None:
        assert aed.aed_id not in self.aeds
        self.aeds[aed.aed_id] = aed

    def set_verification(self, aed_id: str, outcome: AedVerification) -> Aed | None:
        if aed_id not in self.aeds:
            return None
        self.aeds[aed_id] = self.aeds[aed_id].model_copy(update={"verification": outcome})
        return self.aeds[aed_id]

    def keepers(self, aed_id: str) -> list[str]:
        return sorted(self.keeping.get(aed_id, {}))

    def add_keeper(self, aed_id: str, volunteer_id: str, at: datetime, by: str) -> None:
        self.keeping.setdefault(aed_id, {})[volunteer_id] = (at, by)

    def remove_keeper(self, aed_id: str, volunteer_id: str) -> None:
        self.keeping.get(aed_id, {}).pop(volunteer_id, None)


class Trail:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def append_audit(self, event: AuditEvent) -> None:
        self.events.append(event)


@pytest.fixture
def trail(monkeypatch: pytest.MonkeyPatch) -> Trail:
    found = Trail()
    monkeypatch.setattr("chalicelib.platform.audit.get_store", lambda: found)
    return found


def aed(aed_id: str, north_m: float, **kw: object) -> Aed:
    return Aed.model_validate({"aed_id": aed_id, "name_zh": "体育馆", "name_en": "Gym", "county": "350602",
                               "lat": LAT + north_m / M_PER_DEG, "lon": LON, "hours": "24h", **kw})  # fmt: skip


def who(role: Role, *scopes: str, subject: str = "u1") -> Principal:
    return Principal(subject=subject, role=role, scopes=list(scopes))


def test_around_lists_the_aeds_within_the_radius_nearest_first_without_the_rejected() -> None:
    store = MemoryAeds(aed("near", 50), aed("mid", 300), aed("far", 900),
                       aed("bad", 20, verification=AedVerification.REJECTED))  # fmt: skip
    got = service.around(AedQuery(lat=LAT, lon=LON, radius=500), NOW, store)
    assert [a.aed_id for a in got.aeds] == ["near", "mid"] and got.count == 2
    assert got.aeds[0].usable_now and 45 <= got.aeds[0].distance_m <= 55


def test_the_nearest_usable_aed_skips_those_that_cannot_be_used_now() -> None:
    store = MemoryAeds(aed("closed", 30, hours="08:00-09:00"), aed("pending", 40, verification="pending"),
                       aed("open", 150))  # fmt: skip
    found = service.usable_aed_near(LAT, LON, 200, NOW, store)
    assert found is not None and found[0].aed_id == "open"
    assert service.usable_aed_near(LAT, LON, 100, NOW, store) is None


def test_a_submission_waits_for_verification_and_names_its_owner(trail: Trail) -> None:
    store = MemoryAeds()
    body = AedSubmission(name_zh="便利店门口", lat=LAT, lon=LON)
    view = service.submit(who(Role.VOLUNTEER, "volunteer:V1", subject="v1"), body, NOW, store)
    stored = store.aeds[view.aed_id]
    assert view.verification is AedVerification.PENDING and not view.usable_now
    assert stored.submitted_by == "v1" and stored.name_en == "便利店门口"
    assert [(e.subject, e.action) for e in trail.events] == [(f"aed:{view.aed_id}", "aed.submit")]


def test_verification_makes_it_usable_and_a_missing_aed_is_404(trail: Trail) -> None:
    store = MemoryAeds(aed("P1", 0, verification=AedVerification.PENDING))
    admin = who(Role.ADMIN, subject="ops")
    assert service.verify(admin, "P1", Verification(verified=True), NOW, store).usable_now
    with pytest.raises(NotFound):
        service.verify(admin, "nope", Verification(verified=False), NOW, store)
    assert [(e.action, e.reason) for e in trail.events] == [("aed.verify", "verified")]


def test_only_the_owner_or_an_administrator_names_keepers(monkeypatch: pytest.MonkeyPatch, trail: Trail) -> None:
    monkeypatch.setattr(keepers, "is_registered", lambda vid: vid in {"V1", "V2"})
    store = MemoryAeds(aed("A1", 0, submitted_by="v1"))
    owner = who(Role.VOLUNTEER, "volunteer:V1", subject="v1")
    stranger = who(Role.VOLUNTEER, "volunteer:V2", subject="v2")
    assert keepers.subscribe(owner, "A1", None, NOW, store).subscribed
    with pytest.raises(Forbidden):
        keepers.subscribe(stranger, "A1", None, NOW, store)
    assert keepers.subscribe(who(Role.ADMIN, subject="ops"), "A1", "V2", NOW, store).volunteer_id == "V2"
    with pytest.raises(NotFound):
        keepers.subscribe(who(Role.ADMIN, subject="ops"), "A1", "V9", NOW, store)  # not a registered volunteer
    assert store.keepers("A1") == ["V1", "V2"]
    keepers.unsubscribe(owner, "A1", None, store)
    assert store.keepers("A1") == ["V2"]
    assert [e.action for e in trail.events] == ["aed.keeper.subscribe"] * 2 + ["aed.keeper.unsubscribe"]
