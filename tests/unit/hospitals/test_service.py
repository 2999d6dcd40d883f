"""Hospitals' use cases against in-memory ports: the registry list, a capacity report, an incident's options."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.hospitals import service
from chalicelib.hospitals.entities import Capability, Capacity, Hospital, OptionsInput
from chalicelib.hospitals.ports import HospitalPorts, HospitalStore, OptionSources
from chalicelib.hospitals.schemas import CapacityUpdate, HospitalsQuery

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def hospital(hospital_id: str, lat: float, *caps: Capability, grade: str = "3A", county: str = "350602") -> Hospital:
    return Hospital(hospital_id=hospital_id, name_zh=f"医院{hospital_id}", name_en=f"Hospital {hospital_id}",
                    grade=grade, county=county, lat=lat, lon=117.6, capabilities=frozenset(caps))  # fmt: skip


class Store(HospitalStore):
    def __init__(self, *hospitals: Hospital) -> None:
        self.registry = list(hospitals)
        self.caps: dict[str, Capacity] = {}
        self.capacity_reads: list[list[str]] = []

    def hospitals(self) -> list[Hospital]:
        return list(self.registry)

    def capacity(self, hospital_ids: Iterable[str]) -> dict[str, Capacity]:
        ids = sorted(set(hospital_ids))
        self.capacity_reads.append(ids)
        return {i: self.caps[i] for i in ids if i in self.caps}

    def report_capacity(self, hospital_id: str, capacity: Capacity) -> bool:
        if self.find(hospital_id) is None:
            return False
        self.caps[hospital_id] = capacity
        return True

    def name(self, hospital_id: str) -> str | None:
        found = self.find(hospital_id)
        return f"{found.name_zh} / {found.name_en}" if found else None

    def location(self, hospital_id: str) -> tuple[float, float] | None:
        found = self.find(hospital_id)
        return (found.lat, found.lon) if found else None


class Sources(OptionSources):
    def __init__(self, incidents: dict[str, OptionsInput], units: dict[str, tuple[float, float]]) -> None:
        self.incidents, self.units = incidents, units

    def incident(self, incident_id: str) -> OptionsInput | None:
        return self.incidents.get(incident_id)

    def unit_position(self, unit_id: str) -> tuple[float, float] | None:
        return self.units.get(unit_id)

    def travel_s(self, lat: float, lon: float, hospital: Hospital, at: datetime) -> float:
        return abs(hospital.lat - lat) * 100_000 / 10  # 10 m/s along the meridian


STROKE = OptionsInput(incident_id="INC1", location={"lat": 24.50, "lon": 117.6}, unit_id="AMB1", triage_level=2,
                      pathway="stroke", required_capabilities=["stroke_thrombectomy"])  # fmt: skip


def ports() -> Any:
    store = Store(
        hospital("H1", 24.51, Capability.STROKE_THROMBOLYSIS),  # nearest, but no thrombectomy
        hospital("H2", 24.56, Capability.STROKE_THROMBOLYSIS, Capability.STROKE_THROMBECTOMY),
        hospital("H3", 24.70, Capability.BURNS, county="350603"),
    )
    return HospitalPorts(store=store, sources=Sources({"INC1": STROKE}, {"AMB1": (24.52, 117.6)}))


def test_the_registry_is_filtered_and_carries_the_live_capacity() -> None:
    p = ports()
    p.store.caps["H2"] = Capacity(ed_beds=3, icu_beds=1, ct_available=True, cath_lab="ready", at=NOW, by="ed")
    listed = service.list_hospitals(p, HospitalsQuery(capability=Capability.STROKE_THROMBOLYSIS), NOW)
    assert [h.hospital_id for h in listed.hospitals] == ["H1", "H2"] and listed.count == 2
    assert listed.hospitals[0].capacity is None and listed.hospitals[1].capacity is not None
    assert p.store.capacity_reads == [["H1", "H2"]]  # one read for the chosen hospitals only
    assert [h.hospital_id for h in service.list_hospitals(p, HospitalsQuery(county="350603"), NOW).hospitals] == ["H3"]


def test_a_capacity_report_is_for_the_hospitals_own_scope_and_goes_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.platform import audit

    trail: list[tuple[str, str]] = []
    monkeypatch.setattr(audit, "record", lambda who, subject, action, reason=None, **_: trail.append((subject, action)))
    p = ports()
    desk = Principal(subject="ed-h2", role=Role.HOSPITAL, scopes=["hospital:H2"])
    body = CapacityUpdate(ed_beds=4, icu_beds=0, ct_available=False, cath_lab=None)
    view = service.report_capacity(p, desk, "H2", body, NOW)
    assert (view.ed_beds, view.stale, trail) == (4, False, [("hospital:H2", "capacity.report")])
    later = service.list_hospitals(p, HospitalsQuery(), NOW + timedelta(hours=1))
    assert next(h for h in later.hospitals if h.hospital_id == "H2").capacity.stale  # type: ignore[union-attr]
    with pytest.raises(Forbidden):
        service.report_capacity(p, desk, "H1", body, NOW)
    with pytest.raises(NotFound):
        service.report_capacity(p, Principal(subject="x", role=Role.HOSPITAL, scopes=["hospital:H9"]), "H9", body, NOW)


def test_the_options_start_from_the_unit_and_name_the_nearer_hospital_they_pass() -> None:
    options = service.compute_options(ports(), "INC1", NOW)
    assert options.origin.source == "unit" and options.origin.unit_id == "AMB1"
    assert [o.hospital_id for o in options.options] == ["H2"]
    assert [(s.hospital_id, s.missing) for s in options.skipped] == [("H1", ["stroke_thrombectomy"])]


def test_the_options_start_from_the_incident_without_a_unit_fix_and_a_missing_incident_is_404() -> None:
    p = ports()
    p.sources.units.clear()
    assert service.compute_options(p, "INC1", NOW).origin.source == "incident"
    with pytest.raises(NotFound) as info:
        service.compute_options(p, "NOPE", NOW)
    assert info.value.code == "incident_not_found"


def test_the_options_pass_the_health_data_rule_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.healthaccess import api as access

    opened: list[tuple[str, str]] = []
    monkeypatch.setattr(access, "open_record", lambda who, incident_id, action, now, detail=None: opened.append(
        (incident_id, action)))  # fmt: skip
    crew = Principal(subject="crew", role=Role.CREW, scopes=["unit:AMB1"])
    assert service.options(ports(), crew, "INC1", NOW).options
    assert opened == [("INC1", "hospital_options.read")]
