"""Wristbands, scans and the KPI summary, over in-memory timeline ports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.healthaccess.entities import Access, Basis
from chalicelib.incidents.entities import IncidentState
from chalicelib.timeline import service
from chalicelib.timeline.entities import Band, HospitalNode, KpiSummary
from chalicelib.timeline.ports import Consultations, TimelineStore
from chalicelib.timeline.schemas import BindBand, ScanRequest

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
CREW = Principal(subject="crew-1", role=Role.CREW, scopes=["unit:AMB01"])
HOSPITAL = Principal(subject="scanner-1", role=Role.HOSPITAL, scopes=["hospital:H1"])


class MemoryTimeline(TimelineStore):
    def __init__(self) -> None:
        self.bands: dict[str, Band] = {}
        self.nodes: dict[tuple[str, str], HospitalNode] = {}
        self.summaries: dict[str, KpiSummary] = {}

    def bind(self, band: Band) -> Band:
        return self.bands.setdefault(band.band_id, band)

    def band(self, band_id: str) -> Band | None:
        return self.bands.get(band_id)

    def record(self, node: HospitalNode) -> tuple[HospitalNode, bool]:
        key = (node.incident_id, node.node)
        first = key not in self.nodes
        return self.nodes.setdefault(key, node), first

    def hospital_nodes(self, incident_id: str) -> list[HospitalNode]:
        return [n for (i, _), n in self.nodes.items() if i == incident_id]

    def kpi(self, incident_id: str) -> KpiSummary | None:
        return self.summaries.get(incident_id)

    def save_kpi(self, summary: KpiSummary) -> None:
        self.summaries[summary.incident_id] = summary

    def kpis(self, counties: Sequence[str], start: datetime, end: datetime) -> list[KpiSummary]:
        return [s for s in self.summaries.values() if s.county in counties and start <= s.call_at <= end]


class NoConsultations(Consultations):
    def count(self, incident_id: str) -> int:
        return 0


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> MemoryTimeline:
    """A stroke patient called in at T0, with no unit times or response nodes; every access allowed."""
    memory = MemoryTimeline()
    incident = IncidentState("INC1", county="350602", status="at_hospital", created_at=T0, pathway="stroke",
                             triage_level=2)  # fmt: skip
    monkeypatch.setattr(service, "get_timeline_store", lambda: memory)
    monkeypatch.setattr(service, "get_consultations", lambda: NoConsultations())
    monkeypatch.setattr(service.incidents, "look_up", lambda i, *f, **k: incident if i == "INC1" else None)
    monkeypatch.setattr(service.response_nodes, "nodes_of", lambda incident_id, namespace=None: {})
    monkeypatch.setattr(service, "_open", lambda who, incident_id, *a: Access(Basis.ASSIGNED_CREW, unit_id="AMB01"))
    import chalicelib.fleet.api as fleet

    monkeypatch.setattr(fleet, "times_of", lambda incident_id: [])
    return memory


@pytest.fixture
def metrics(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    emitted: list[tuple[str, Any]] = []
    monkeypatch.setattr(service, "metric_seconds", lambda name, s: emitted.append((name, s)))
    monkeypatch.setattr(service, "count", lambda name: None)
    return emitted


def _scan(node: str, minutes: int) -> ScanRequest:
    return ScanRequest.model_validate({"node": node, "at": (T0 + timedelta(minutes=minutes)).isoformat()})


def test_a_band_binds_once_and_another_patients_band_is_refused(store: MemoryTimeline) -> None:
    view = service.bind(CREW, BindBand(band_id="BAND-0001", incident_id="INC1"), T0)
    again = service.bind(CREW, BindBand(band_id="BAND-0001", incident_id="INC1"), T0 + timedelta(minutes=1))
    assert (view.unit_id, again.bound_at) == ("AMB01", T0)
    with pytest.raises(Conflict):
        service.bind(CREW, BindBand(band_id="BAND-0001", incident_id="INC2"), T0)


def test_the_first_scan_of_a_node_stands_and_completes_intervals_once(
    store: MemoryTimeline, metrics: list[tuple[str, float]]
) -> None:
    # Given a bound band
    service.bind(CREW, BindBand(band_id="BAND-0001", incident_id="INC1"), T0)
    now = T0 + timedelta(hours=1)
    # When the door and then the CT scanner record their nodes, and the door scans again
    door = service.scan(HOSPITAL, "BAND-0001", _scan("door", 40), now, 300)
    ct = service.scan(HOSPITAL, "BAND-0001", _scan("ct_start", 55), now, 300)
    repeat = service.scan(HOSPITAL, "BAND-0001", _scan("door", 50), now, 300)
    # Then the repeat changes nothing, and door-to-CT is measured and emitted once
    assert (door.recorded, ct.recorded, repeat.recorded, repeat.at) == (True, True, False, T0 + timedelta(minutes=40))
    assert ("Interval_door_to_ct", 900.0) in metrics
    assert [m for m, _ in metrics].count("Interval_door_to_ct") == 1
    summary = store.summaries["INC1"]
    assert (summary.county, summary.pathway, summary.level, summary.intervals["door_to_ct"]) == (
        "350602",
        "stroke",
        2,
        900.0,
    )


def test_a_scan_of_an_unknown_band_is_404(store: MemoryTimeline) -> None:
    with pytest.raises(NotFound):
        service.scan(HOSPITAL, "BAND-9999", _scan("door", 1), T0 + timedelta(hours=1), 300)


def test_no_summary_for_an_unknown_incident(store: MemoryTimeline) -> None:
    assert service.refresh("NOPE", T0) is None and store.summaries == {}
