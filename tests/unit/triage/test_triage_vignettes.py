"""Triage against the published criteria: both sides of every vital-sign edge, then clinical vignettes.

The tables are written from the criteria (docs/triage.md), not from rules_v1.json.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from chalicelib.triage.engine import load_rules, triage
from chalicelib.triage.schemas import AssessmentInput, TriageResult

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))  # Beijing time


def run(vitals: dict[str, Any] | None = None, **findings: Any) -> TriageResult:
    return triage(AssessmentInput.model_validate({"vitals": vitals or {}, "findings": findings}), now=NOW)


def ago(hours: float) -> str:
    return (NOW - timedelta(hours=hours)).isoformat()


def fired(result: TriageResult) -> list[str]:
    return [r.rule for r in result.reasons]


# (indicator, value, level, rule that fires or None): each edge from both sides.
EDGES = [
    *[("hr", v, lv, r) for v, lv, r in [(350, 1, "hr.gt_180"), (180.5, 1, "hr.gt_180"), (180, 2, "hr.150_180")]],
    *[("hr", v, lv, r) for v, lv, r in [(150, 2, "hr.150_180"), (149.9, 3, "hr.100_150"), (100.5, 3, "hr.100_150")]],
    *[("hr", v, lv, r) for v, lv, r in [(100, 4, None), (75, 4, None), (60, 4, None), (59.9, 3, "hr.50_60")]],
    *[("hr", v, lv, r) for v, lv, r in [(50.1, 3, "hr.50_60"), (50, 2, "hr.40_50"), (40, 2, "hr.40_50")]],
    *[("hr", v, lv, r) for v, lv, r in [(39.9, 1, "hr.lt_40"), (0, 1, "hr.lt_40")]],
    *[("sbp", v, lv, r) for v, lv, r in [(69, 1, "sbp.lt_70"), (70, 2, "sbp.70_80"), (80, 2, "sbp.70_80")]],
    *[("sbp", v, lv, r) for v, lv, r in [(81, 3, "sbp.80_90"), (89, 3, "sbp.80_90"), (90, 4, None), (179, 4, None)]],
    *[("sbp", v, lv, r) for v, lv, r in [(180, 3, "sbp.180_200"), (200, 3, "sbp.180_200"), (201, 2, "sbp.gt_200")]],
    *[("dbp", v, lv, r) for v, lv, r in [(119, 4, None), (120, 3, "dbp.gte_120")]],
    *[("spo2", v, lv, r) for v, lv, r in [(79.9, 1, "spo2.lt_80"), (80, 2, "spo2.80_90"), (90, 2, "spo2.80_90")]],
    *[("spo2", v, lv, r) for v, lv, r in [(90.5, 3, "spo2.90_95"), (94, 3, "spo2.90_95"), (95, 4, None)]],
    *[("rr", v, lv, r) for v, lv, r in [(7, 1, "rr.lt_8"), (8, 2, "rr.8_10"), (9.9, 2, "rr.8_10"), (10, 4, None)]],
    *[("rr", v, lv, r) for v, lv, r in [(24, 4, None), (25, 3, "rr.25_30"), (30, 3, "rr.25_30"), (31, 2, "rr.gt_30")]],
    *[("gcs", v, lv, r) for v, lv, r in [(3, 1, "gcs.le_8"), (8, 1, "gcs.le_8"), (9, 2, "gcs.9_12")]],
    *[
        ("gcs", v, lv, r)
        for v, lv, r in [(12, 2, "gcs.9_12"), (13, 3, "gcs.13_14"), (14, 3, "gcs.13_14"), (15, 4, None)]
    ],
    ("consciousness", "alert", 4, None),
    ("consciousness", "confusion", 3, "consciousness.confusion"),
    ("consciousness", "voice", 2, "consciousness.voice_pain"),
    ("consciousness", "pain", 2, "consciousness.voice_pain"),
    ("consciousness", "unresponsive", 1, "consciousness.unresponsive"),
    *[("temp_c", v, lv, r) for v, lv, r in [(41.1, 2, "temp.gt_41"), (41, 3, "temp.39_41"), (39.1, 3, "temp.39_41")]],
    *[("temp_c", v, lv, r) for v, lv, r in [(39, 4, None), (35, 4, None), (34.9, 3, "temp.32_35")]],
    *[("temp_c", v, lv, r) for v, lv, r in [(32, 3, "temp.32_35"), (31.9, 2, "temp.lt_32")]],
    *[("glucose_mmol", v, lv, r) for v, lv, r in [(2.7, 2, "glucose.lt_2_8"), (2.8, 3, "glucose.2_8_3_9")]],
    *[("glucose_mmol", v, lv, r) for v, lv, r in [(3.8, 3, "glucose.2_8_3_9"), (3.9, 4, None), (16.7, 4, None)]],
    *[("glucose_mmol", v, lv, r) for v, lv, r in [(16.8, 3, "glucose.16_7_33_3"), (33.3, 3, "glucose.16_7_33_3")]],
    ("glucose_mmol", 33.4, 2, "glucose.gt_33_3"),
]


@pytest.mark.parametrize(("indicator", "value", "level", "rule"), EDGES)
def test_given_one_vital_at_an_edge_then_its_band_decides_the_level(
    indicator: str, value: object, level: int, rule: str | None
) -> None:
    result = run({indicator: value})

    assert result.level == level
    assert fired(result) == [rule or "none"]
    assert result.pathway is None


# (name, vitals, findings, level, pathway, pathways, capabilities, rules that must be among the reasons)
VIGNETTES: list[tuple[str, dict[str, Any], dict[str, Any], int, str | None, list[str], list[str], list[str]]] = [
    ("empty", {}, {}, 4, None, [], [], ["none"]),
    ("normal vitals", {"hr": 72, "sbp": 125, "dbp": 80, "rr": 16, "spo2": 98, "temp_c": 36.8, "gcs": 15}, {}, 4,
     None, [], [], ["none"]),
    ("stemi", {}, {"chest_pain": True, "ecg_stemi": True}, 2, "chest_pain", ["chest_pain"], ["pci_24x7"],
     ["chest_pain.stemi"]),
    ("stemi in shock: vitals are worse", {"sbp": 65}, {"ecg_stemi": True}, 1, "chest_pain", ["chest_pain"],
     ["pci_24x7"], ["sbp.lt_70", "chest_pain.stemi"]),
    ("chest pain, no stemi", {}, {"chest_pain": True}, 3, "chest_pain", ["chest_pain"], ["chest_pain_center"],
     ["chest_pain.suspected"]),
    ("chest pain, ecg read normal", {}, {"chest_pain": True, "ecg_stemi": False}, 3, "chest_pain", ["chest_pain"],
     ["chest_pain_center"], ["chest_pain.suspected"]),
    ("chest pain with tachycardia 160", {"hr": 160}, {"chest_pain": True}, 2, "chest_pain", ["chest_pain"],
     ["chest_pain_center"], ["hr.150_180"]),
    ("stroke 2 h", {}, {"be_fast": True, "last_known_well": ago(2)}, 2, "stroke", ["stroke"], ["stroke_thrombolysis"],
     ["stroke.thrombolysis_window", "stroke.signs"]),
    ("stroke arm only, exactly 4.5 h", {}, {"be_fast": {"arm": True}, "last_known_well": ago(4.5)}, 2, "stroke",
     ["stroke"], ["stroke_thrombolysis"], ["stroke.thrombolysis_window"]),
    ("stroke 4.5 h and a minute, no lvo", {}, {"be_fast": {"speech": True}, "last_known_well": ago(4.5 + 1 / 60)}, 3,
     "stroke", ["stroke"], ["stroke_thrombolysis"], ["stroke.signs"]),
    ("stroke 10 h, lams 4", {}, {"be_fast": True, "last_known_well": ago(10), "lams": 4}, 2, "stroke", ["stroke"],
     ["stroke_thrombolysis", "stroke_thrombectomy"], ["stroke.thrombectomy_window"]),
    ("stroke 10 h, lams 3 race 5", {}, {"be_fast": True, "last_known_well": ago(10), "lams": 3, "race": 5}, 2,
     "stroke", ["stroke"], ["stroke_thrombolysis", "stroke_thrombectomy"], ["stroke.thrombectomy_window"]),
    ("stroke 10 h, lams 3 race 4: no lvo", {}, {"be_fast": True, "last_known_well": ago(10), "lams": 3, "race": 4},
     3, "stroke", ["stroke"], ["stroke_thrombolysis"], ["stroke.signs"]),
    ("stroke exactly 24 h with lvo", {}, {"be_fast": True, "last_known_well": ago(24), "race": 7}, 2, "stroke",
     ["stroke"], ["stroke_thrombolysis", "stroke_thrombectomy"], ["stroke.thrombectomy_window"]),
    ("stroke 24 h and a minute with lvo", {}, {"be_fast": True, "last_known_well": ago(24 + 1 / 60), "race": 7}, 3,
     "stroke", ["stroke"], ["stroke_thrombolysis"], ["stroke.signs"]),
    ("stroke, onset unknown", {}, {"be_fast": {"face": True}}, 2, "stroke", ["stroke"], ["stroke_thrombolysis"],
     ["stroke.onset_unknown"]),
    ("stroke, onset unknown, lvo", {}, {"be_fast": True, "lams": 5}, 2, "stroke", ["stroke"],
     ["stroke_thrombolysis", "stroke_thrombectomy"], ["stroke.onset_unknown", "stroke.thrombectomy_window"]),
    ("be-fast: onset known, no sign", {}, {"be_fast": {"time": True, "arm": False}}, 4, None, [], [], ["none"]),
    ("be-fast false", {}, {"be_fast": False, "lams": 5}, 4, None, [], [], ["none"]),
    ("trauma red", {}, {"trauma": {"red": ["pelvic_fracture"]}}, 1, "trauma", ["trauma"], ["trauma_level_1"],
     ["trauma.red"]),
    ("trauma yellow", {}, {"trauma": {"yellow": ["high_risk_fall", "anticoagulants"]}}, 2, "trauma", ["trauma"],
     ["trauma_level_2"], ["trauma.yellow"]),
    ("trauma red and yellow", {}, {"trauma": {"red": ["paralysis"], "yellow": ["ejection"]}}, 1, "trauma",
     ["trauma"], ["trauma_level_1"], ["trauma.red"]),
    ("trauma, no criteria", {}, {"trauma": {}}, 4, None, [], [], ["none"]),
    ("cardiac arrest", {}, {"cardiac_arrest": True}, 1, "cardiac_arrest", ["cardiac_arrest"], ["pci_24x7", "ecmo"],
     ["cardiac_arrest"]),
    ("traumatic arrest: tie goes to trauma", {}, {"cardiac_arrest": True, "trauma": {"red": ["amputation_proximal"]}},
     1, "trauma", ["trauma", "cardiac_arrest"], ["trauma_level_1"], ["trauma.red", "cardiac_arrest"]),
    ("bleeding at 32 weeks", {}, {"pregnancy_weeks": 32, "vaginal_bleeding": True}, 2, "critical_maternal",
     ["critical_maternal"], ["maternal_critical_care"], ["maternal.bleeding"]),
    ("seizure at 36 weeks", {}, {"pregnancy_weeks": 36, "seizure": True}, 2, "critical_maternal",
     ["critical_maternal"], ["maternal_critical_care"], ["maternal.seizure", "finding.seizure"]),
    ("pregnant, sbp 160", {"sbp": 160}, {"pregnancy_weeks": 30}, 2, "critical_maternal", ["critical_maternal"],
     ["maternal_critical_care"], ["maternal.severe_hypertension"]),
    ("pregnant, dbp 110", {"dbp": 110}, {"pregnancy_weeks": 30}, 2, "critical_maternal", ["critical_maternal"],
     ["maternal_critical_care"], ["maternal.severe_hypertension"]),
    ("pregnant, 159/109", {"sbp": 159, "dbp": 109}, {"pregnancy_weeks": 30}, 4, None, [], [], ["none"]),
    ("not pregnant, sbp 165", {"sbp": 165}, {"age_years": 40}, 4, None, [], [], ["none"]),
    ("pregnancy weeks 0 with bleeding", {}, {"pregnancy_weeks": 0, "vaginal_bleeding": True}, 4, None, [], [],
     ["none"]),
    ("pregnant, hypertensive and hypoxic: vitals are worse", {"sbp": 170, "spo2": 78}, {"pregnancy_weeks": 34}, 1,
     "critical_maternal", ["critical_maternal"], ["maternal_critical_care"], ["spo2.lt_80"]),
    ("neonate 27 days", {}, {"age_days": 27}, 2, "critical_neonatal", ["critical_neonatal"], ["nicu"], ["neonatal"]),
    ("infant 28 days", {}, {"age_days": 28}, 4, None, [], [], ["none"]),
    ("chest pain and stroke in window: stroke is more urgent", {},
     {"chest_pain": True, "be_fast": True, "last_known_well": ago(1)}, 2, "stroke", ["stroke", "chest_pain"],
     ["stroke_thrombolysis"], ["stroke.thrombolysis_window", "chest_pain.suspected"]),
    ("stemi and stroke in window: tie goes to chest pain", {},
     {"ecg_stemi": True, "be_fast": True, "last_known_well": ago(1)}, 2, "chest_pain", ["chest_pain", "stroke"],
     ["pci_24x7"], ["chest_pain.stemi", "stroke.thrombolysis_window"]),
    ("major bleeding", {}, {"major_bleeding": True}, 2, None, [], [], ["finding.major_bleeding"]),
    ("seizure, not pregnant", {}, {"seizure": True}, 3, None, [], [], ["finding.seizure"]),
    ("several vitals: the worst wins", {"hr": 120, "spo2": 85, "gcs": 7}, {}, 1, None, [], [],
     ["gcs.le_8", "spo2.80_90", "hr.100_150"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("vitals", "findings", "level", "pathway", "pathways", "capabilities", "rules"),
    [pytest.param(*v[1:], id=v[0]) for v in VIGNETTES],
)
def test_given_a_vignette_then_level_pathway_and_capabilities_follow_the_criteria(
    vitals: dict[str, Any],
    findings: dict[str, Any],
    level: int,
    pathway: str | None,
    pathways: list[str],
    capabilities: list[str],
    rules: list[str],
) -> None:
    result = run(vitals, **findings)

    assert (result.level, result.pathway, result.pathways) == (level, pathway, pathways)
    assert result.required_capabilities == capabilities
    assert set(rules) <= set(fired(result))


def test_levels_carry_their_label_colour_and_target() -> None:
    table = {
        lv: (r.label.zh, r.label.en, r.colour, r.target_minutes)
        for lv, r in [(1, run({"hr": 30})), (2, run({"hr": 45})), (3, run({"hr": 55})), (4, run())]
    }
    assert table == {
        1: ("濒危", "Dying", "red", 0),
        2: ("危重", "Critical", "orange", 10),
        3: ("急症", "Urgent", "yellow", 30),
        4: ("非急症", "Non-urgent", "green", None),
    }


def test_reasons_are_most_urgent_first_and_bilingual_with_the_rules_version() -> None:
    result = run({"hr": 120, "spo2": 85, "gcs": 7}, cardiac_arrest=True, seizure=True)

    levels = [r.level for r in result.reasons]
    assert levels == sorted(levels)
    assert all(r.label.zh and r.label.en and r.version == "1" for r in result.reasons)
    assert result.rules_version == "1"


def test_cardiac_arrest_reason_calls_for_cpr_guidance_volunteers_and_aed() -> None:
    (reason,) = [r for r in run(cardiac_arrest=True).reasons if r.pathway == "cardiac_arrest"]
    assert "CPR guidance, volunteers and AED" in reason.label.en
    assert "心肺复苏" in reason.label.zh and "AED" in reason.label.zh


def test_given_a_known_onset_beyond_the_windows_then_stroke_is_urgent_not_critical() -> None:
    # last_known_well is the one finding that can lower the level: unknown onset is treated as in the window.
    unknown, late = run(be_fast=True), run(be_fast=True, last_known_well=ago(30))
    assert (unknown.level, late.level) == (2, 3)
    assert late.required_capabilities == ["stroke_thrombolysis"]


def test_a_last_known_well_in_the_future_counts_as_now() -> None:
    assert "stroke.thrombolysis_window" in fired(run(be_fast=True, last_known_well=ago(-1)))


def test_news2_is_reported_beside_the_level_and_does_not_change_it() -> None:
    vitals = {"rr": 22, "spo2": 95, "on_oxygen": True, "sbp": 105, "hr": 95, "consciousness": "alert", "temp_c": 38.5}

    result = run(vitals)

    assert result.level == 4
    assert (result.news2.total, result.news2.risk, result.news2.complete) == (8, "high", True)
    assert result.news2.missing == []


def test_news2_lists_what_was_not_observed() -> None:
    assert run({"hr": 80}).news2.missing == ["rr", "spo2", "on_oxygen", "sbp", "consciousness", "temp_c"]


def test_result_round_trips_through_json() -> None:
    result = run({"sbp": 75}, ecg_stemi=True, trauma={"yellow": ["ejection"]})
    assert TriageResult.model_validate_json(result.model_dump_json()) == result


def test_rules_are_loaded_once_per_version_and_versions_are_digits() -> None:
    assert load_rules() is load_rules("1")
    with pytest.raises(LookupError):
        load_rules("999")
    with pytest.raises(ValueError, match="digits"):
        load_rules("../1")


def test_given_other_rules_then_the_result_carries_their_version() -> None:
    rules = load_rules().model_copy(update={"version": "7"})
    result = triage(AssessmentInput(), now=NOW, rules=rules)
    assert result.rules_version == "7" and result.reasons[0].version == "7"


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone"):
        triage(AssessmentInput(), now=datetime(2025, 3, 1, 8, 0))
