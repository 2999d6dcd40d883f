"""The health portrait from its facts: clinical vignettes, the flags, and the body map's colours."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.archive.schemas import Allergy, Condition, HealthSummary, Medication
from chalicelib.portrait.logic import AssessmentFacts, MonitorFacts, build, load_rules
from chalicelib.portrait.schemas import REGION_IDS, Portrait
from chalicelib.portrait.svg import ANCHORS, FILL, render
from chalicelib.triage.engine import triage
from chalicelib.triage.schemas import AssessmentInput

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def assessed(at: datetime = NOW - timedelta(minutes=5), vitals: dict[str, Any] | None = None, **findings: Any) -> Any:
    inp = AssessmentInput.model_validate({"vitals": vitals or {}, "findings": findings})
    return AssessmentFacts(at=at, input=inp, result=triage(inp, now=at))


def colours(p: Portrait) -> dict[str, str]:
    return {r.region: r.colour for r in p.regions}


def stroke_patient_record() -> HealthSummary:
    return HealthSummary(
        name="王<建>国",
        gender="male",
        birth_date=date(1950, 6, 2),
        conditions=[
            Condition(code="I10", display="原发性高血压", clinical_status="active"),
            Condition(code="49436004", display="Atrial fibrillation", clinical_status="active"),
            Condition(code="B18.1", display="慢性乙型病毒性肝炎", clinical_status="active"),
            Condition(code="A15.0", display="肺结核", clinical_status="resolved"),
        ],
        allergies=[
            Allergy(substance="青霉素", criticality="high", category=["medication"]),
            Allergy(substance="花生", criticality="low", category=["food"]),
        ],
        medications=[Medication(display="华法林钠片", anticoagulant=True), Medication(display="氨氯地平")],
        anticoagulated=True,
    )


def test_a_stroke_patient_on_warfarin_with_hepatitis_b() -> None:
    lkw = (NOW - timedelta(hours=1)).isoformat()
    a = assessed(vitals={"sbp": 172, "hr": 96}, be_fast=True, last_known_well=lkw, lams=5)
    p = build("INC1", assessment=a, monitor=None, summary=stroke_patient_record(), now=NOW)

    assert (p.level, p.colour, p.pathway) == (2, "orange", "stroke")
    got = colours(p)
    assert got["head"] == "red"  # the stroke, now
    assert got["chest"] == "orange"  # hypertension and AF on record: a risk, not the emergency
    assert got["abdomen"] == "orange"  # chronic hepatitis B: the liver
    assert {got[r] for r in ("neck", "pelvis", "back", "arms", "legs")} == {"green"}
    head = next(r for r in p.regions if r.region == "head")
    assert {r.rule for r in head.reasons} >= {"stroke.thrombectomy_window"}
    assert all(r.source == "assessment" for r in head.reasons)

    f = p.flags
    assert [(i.id, i.precautions) for i in f.infectious] == [("hepatitis_b", ["standard"])]  # resolved TB is not
    assert [i.precaution for i in f.isolation] == ["standard"]
    assert [a.substance for a in f.drug_allergies] == ["青霉素"]
    assert [a.substance for a in f.other_allergies] == ["花生"]
    assert f.anticoagulants == ["华法林钠片"]
    assert [c.display for c in f.chronic_diseases] == ["原发性高血压", "Atrial fibrillation"]
    assert p.patient.identified and p.patient.age_years == 75  # the day before the 76th birthday
    assert p.sources.archive and p.sources.assessment_at == a.at and p.sources.monitor_at is None


def test_major_trauma_marks_the_injured_regions_and_the_scene_report_of_anticoagulants() -> None:
    trauma = {"red": ["pelvic_fracture", "paralysis"], "yellow": ["anticoagulants", "high_risk_fall"]}
    p = build("INC1", assessment=assessed(trauma=trauma), monitor=None, summary=None, now=NOW)
    got = colours(p)
    assert (p.level, p.pathway) == (1, "trauma")
    assert got["pelvis"] == "red" and got["back"] == "red"
    assert got["head"] == "green" and got["legs"] == "green"
    assert p.flags.anticoagulants == ["reported at scene"]
    assert not p.patient.identified and p.flags.infectious == []


def test_monitor_readings_newer_than_the_assessment_describe_the_patient_now() -> None:
    a = assessed(vitals={"spo2": 96, "hr": 88})
    worse = MonitorFacts(at=NOW - timedelta(seconds=20), values={"spo2": 76, "hr": 128, "etco2": 30}, news2=9)
    p = build("INC1", assessment=a, monitor=worse, summary=None, now=NOW)
    chest = next(r for r in p.regions if r.region == "chest")
    assert (p.level, p.news2, chest.colour) == (1, 9, "red")
    assert {(r.source, r.rule) for r in chest.reasons} == {("monitor", "spo2.lt_80"), ("monitor", "hr.100_150")}

    older = MonitorFacts(at=a.at - timedelta(minutes=1), values={"spo2": 76}, news2=9)
    p = build("INC1", assessment=a, monitor=older, summary=None, now=NOW)
    assert (p.level, p.news2, colours(p)["chest"]) == (4, a.result.news2.total, "green")  # the crew saw it since


def test_nothing_known_yet_is_said_so_not_drawn_as_danger() -> None:
    p = build("INC1", assessment=None, monitor=None, summary=None, now=NOW)
    assert (p.level, p.label, p.colour, p.pathway, p.news2) == (None, None, None, None, None)
    assert set(colours(p).values()) == {"green"} and [r.region for r in p.regions] == list(REGION_IDS)
    assert not p.patient.identified and not p.sources.archive


def test_airborne_infection_is_isolated_first_and_pregnancy_is_flagged() -> None:
    record = HealthSummary(
        conditions=[
            Condition(code="A15.0", display="Pulmonary tuberculosis", clinical_status="active"),
            Condition(display="慢性丙型肝炎"),
            Condition(display="流行性感冒", clinical_status="active"),
        ],
        pregnancy="pregnant",
    )
    p = build("INC1", assessment=assessed(pregnancy_weeks=32, vaginal_bleeding=True), monitor=None, summary=record,
              now=NOW)  # fmt: skip
    assert [i.id for i in p.flags.infectious] == ["tuberculosis", "hepatitis_c", "influenza"]
    assert [i.precaution for i in p.flags.isolation] == ["airborne", "droplet", "standard"]
    assert p.flags.pregnancy is not None and (p.flags.pregnancy.weeks, p.flags.pregnancy.source) == (32, "assessment")
    assert colours(p)["pelvis"] == "red" and colours(p)["abdomen"] == "red"  # critical maternal
    assert colours(p)["chest"] == "orange"  # TB and influenza are respiratory
    assert p.flags.chronic_diseases == []  # infections are flagged as such, not as chronic disease


def test_words_match_on_word_starts_and_codes_by_system() -> None:
    record = HealthSummary(
        conditions=[
            Condition(display="Relationship problem"),  # "hip" is not in it
            Condition(code="J45.909", display="Asthma"),
            Condition(code="230690007", display="Cerebrovascular accident"),
            Condition(code="K74.6", display="肝硬化"),
        ]
    )
    p = build("INC1", assessment=None, monitor=None, summary=record, now=NOW)
    assert colours(p) == {
        **dict.fromkeys(REGION_IDS, "green"),
        "chest": "orange",
        "head": "orange",
        "abdomen": "orange",
    }


CONDITIONS = st.builds(
    Condition,
    code=st.one_of(st.none(), st.sampled_from(["I21.9", "I63.9", "C34.1", "S32.0", "E11", "A15.0", "38341003"])),
    display=st.one_of(st.none(), st.sampled_from(["心肌梗死", "stroke", "骨盆骨折", "糖尿病", "结核", "asthma"])),
    clinical_status=st.sampled_from([None, "active", "resolved"]),
)


@given(st.lists(CONDITIONS, max_size=8))
def test_history_alone_never_makes_a_region_red(conditions: list[Condition]) -> None:
    p = build("INC1", assessment=None, monitor=None, summary=HealthSummary(conditions=conditions), now=NOW)
    assert "red" not in colours(p).values()
    assert all(r.source == "history" for region in p.regions for r in region.reasons)


def test_the_rules_file_names_every_region_once() -> None:
    rules = load_rules()
    assert tuple(r.id for r in rules.regions) == REGION_IDS
    assert set(ANCHORS) == set(REGION_IDS)


def test_the_body_map_colours_each_region_and_escapes_the_record() -> None:
    lkw = (NOW - timedelta(hours=1)).isoformat()
    a = assessed(be_fast=True, last_known_well=lkw, lams=5, trauma={"red": ["pelvic_fracture"]})
    p = build("INC1", assessment=a, monitor=None, summary=stroke_patient_record(), now=NOW)
    svg = render(p)
    root = ET.fromstring(svg)  # noqa: S314 (our own output) well-formed: the record's "<" is escaped
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g")}
    for region in p.regions:
        g = groups[f"region-{region.region}"]
        assert g.get("fill") == FILL[region.colour] and g.get("data-colour") == region.colour
    assert groups["region-head"].get("data-colour") == "red" and groups["region-pelvis"].get("data-colour") == "red"
    text = "".join(root.itertext())
    for label in ("1级", "头部", "传染病：乙型肝炎", "药物过敏：青霉素", "抗凝：华法林钠片", "慢病："):
        assert label in text
