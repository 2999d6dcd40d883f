"""Ranking hospitals for a patient, on the demo city's 17 hospitals and on made-up ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.geo import distance_m
from chalicelib.hospitals.entities import Capability as C
from chalicelib.hospitals.entities import Capacity, Hospital
from chalicelib.hospitals.matching import Need, qualified, rank, shortlist
from devstack.seed.hospitals import hospitals

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
CITY = {h.hospital_id: h for h in hospitals()}
# Near the TCM hospital (HOS04, thrombolysis only) in the city centre.
NEAR_HOS04 = (CITY["HOS04"].lat + 0.001, CITY["HOS04"].lon + 0.001)


def eta(lat: float, lon: float, h: Hospital) -> float:
    """A plain model: 1.4 x the straight line at 36 km/h (10 m/s)."""
    return distance_m(lat, lon, h.lat, h.lon) * 1.4 / 10


def ranked(need: Need, at: tuple[float, float] = NEAR_HOS04, caps: dict[str, Capacity] | None = None, **kw: float):  # type: ignore[no-untyped-def]
    lat, lon = at
    within = kw.get("within_s", 2700)
    return rank(list(CITY.values()), caps or {}, lat=lat, lon=lon, need=need, eta=eta, now=NOW, within_s=within,
                stale_after_s=1800)  # fmt: skip


def cap(ed: int = 5, icu: int = 2, ct: bool = True, cath: str | None = "ready", age_min: float = 1) -> Capacity:
    return Capacity(ed_beds=ed, icu_beds=icu, ct_available=ct, cath_lab=cath, at=NOW - timedelta(minutes=age_min),  # type: ignore[arg-type]
                    by="ed-desk")  # fmt: skip


def test_a_thrombectomy_stroke_passes_the_nearer_thrombolysis_only_hospital_and_says_so() -> None:
    r = ranked(Need(frozenset({C.STROKE_THROMBOLYSIS, C.STROKE_THROMBECTOMY}), 2, "stroke"))
    assert sorted(c.hospital.hospital_id for c in r.options) == ["HOS01", "HOS02"]  # the only thrombectomy centres
    skipped = {c.hospital.hospital_id: c.missing for c in r.skipped}
    assert skipped["HOS04"] == (C.STROKE_THROMBECTOMY,)
    assert all(c.eta_s < r.options[0].eta_s for c in r.skipped)
    assert r.stabilise is None


def test_without_a_pathway_the_nearest_emergency_department_is_first() -> None:
    r = ranked(Need(frozenset(), 3, None))
    assert r.options[0].hospital.hospital_id == "HOS04" and r.skipped == []


def test_a_level_1_patient_without_a_pathway_goes_to_a_tertiary_hospital() -> None:
    need = Need(frozenset(), 1, None)
    assert qualified(need, CITY["HOS01"]) and not qualified(need, CITY["HOS08"])
    r = ranked(need, at=(CITY["HOS08"].lat, CITY["HOS08"].lon))  # Changtai: a 2A district hospital
    assert r.options[0].hospital.grade.startswith("3") and "HOS08" in {c.hospital.hospital_id for c in r.skipped}


def test_fresh_capacity_that_cannot_take_the_patient_ranks_last_stale_capacity_is_only_flagged() -> None:
    need = Need(frozenset({C.PCI_24X7}), 2, "chest_pain")
    r = ranked(need, caps={"HOS01": cap(cath="closed"), "HOS02": cap(cath="busy", age_min=45)})
    by_id = {c.hospital.hospital_id: c for c in r.options}
    assert r.options[-1].hospital.hospital_id == "HOS01" and "full: cath lab closed" in by_id["HOS01"].warnings
    assert by_id["HOS02"].warnings == ("capacity stale",) and by_id["HOS02"].stale
    assert "capacity unknown" in by_id["HOS06"].warnings


def test_far_from_any_qualified_hospital_the_nearest_stabilises_with_a_transfer() -> None:
    need = Need(frozenset({C.PCI_24X7}), 2, "chest_pain")
    zhaoan = (CITY["HOS12"].lat, CITY["HOS12"].lon)  # the far south: the nearest PCI is an hour away
    r = ranked(need, at=zhaoan, within_s=1800)
    assert r.options and r.options[0].eta_s > 1800
    assert r.stabilise is not None and r.stabilise.hospital.hospital_id in ("HOS12", "HOS13")
    assert r.transfer_to is r.options[0] and r.transfer_eta_s is not None and r.notes


def test_with_no_hospital_qualified_the_nearest_stabilises_alone() -> None:
    r = ranked(Need(frozenset({C.NICU, C.TRAUMA_LEVEL_2}), 1, "trauma"), at=NEAR_HOS04)
    assert r.options == [] and r.stabilise is not None and r.stabilise.hospital.hospital_id == "HOS04"
    assert r.transfer_to is None and "no qualified hospital" in r.notes[0]


@pytest.mark.parametrize("size", [1, 3, 8])
def test_the_shortlist_keeps_the_nearest_qualified_and_the_nearest_of_all(size: int) -> None:
    need = Need(frozenset({C.NICU}), 2, "critical_neonatal")
    got = shortlist(list(CITY.values()), *NEAR_HOS04, need, size)
    assert "HOS04" in {h.hospital_id for h in got}  # the nearest of all
    assert sum(qualified(need, h) for h in got) == min(size, sum(qualified(need, h) for h in CITY.values()))


HOSPITAL = st.builds(
    Hospital,
    hospital_id=st.uuids().map(str),
    name_zh=st.just("医院"),
    name_en=st.just("Hospital"),
    grade=st.sampled_from(["3A", "3B", "2A"]),
    county=st.just("350602"),
    lat=st.floats(24.3, 24.7),
    lon=st.floats(117.4, 117.8),
    capabilities=st.frozensets(st.sampled_from(list(C))),
)


@given(st.lists(HOSPITAL, max_size=25), st.frozensets(st.sampled_from(list(C)), max_size=3))
def test_options_are_qualified_and_ordered_and_skipped_ones_are_nearer(hs: list[Hospital], needs: frozenset[C]) -> None:
    need = Need(needs, 2, "stroke" if needs else None)
    r = rank(hs, {}, lat=24.5, lon=117.6, need=need, eta=eta, now=NOW, within_s=10**9, stale_after_s=1800)
    assert all(qualified(need, c.hospital) for c in r.options)
    assert [c.eta_s for c in r.options] == sorted(c.eta_s for c in r.options)
    first = r.options[0].eta_s if r.options else float("inf")
    assert all(not qualified(need, c.hospital) and c.eta_s < first for c in r.skipped)
    assert len(r.options) == min(5, sum(qualified(need, h) for h in hs))
