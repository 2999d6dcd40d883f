"""The simulated crew's assessment: always a body the platform takes, the monitor's reading as the
vitals, and findings from the nature of the call that the platform's own triage turns into the
pathway a real crew's would."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import pytest

from chalicelib.timeline.schemas import BAND
from chalicelib.triage.engine import triage
from chalicelib.triage.schemas import AssessmentInput
from devstack.sim_assess import VITALS, assessment, band_id
from devstack.sim_patient import Patient

NOW = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
NATURES = ["cardiac_arrest", "unconscious", "chest_pain", "stroke_signs", "breathing", "trauma", "bleeding",
           "pregnancy", "newborn", "other"]  # fmt: skip


def draw(nature: list[str], seed: int) -> tuple[dict[str, object], dict[str, object]]:
    rng = random.Random(seed)
    reading = Patient.draw(rng).reading(rng.uniform(0.0, 900.0), rng)
    return reading, assessment(nature, reading, rng, NOW)


@pytest.mark.parametrize("nature", [[n] for n in NATURES] + [[], ["chest_pain", "breathing"], ["trauma", "bleeding"]])
def test_every_body_is_one_the_platform_accepts(nature: list[str]) -> None:
    for seed in range(60):
        _, body = draw(nature, seed)
        triage(AssessmentInput.model_validate(body), now=NOW)  # raises on anything the API would refuse


def test_the_vitals_are_the_monitor_reading_and_nothing_else_of_it() -> None:
    reading, body = draw(["breathing"], 7)
    vitals = body["vitals"]
    assert isinstance(vitals, dict)
    assert {k: vitals[k] for k in VITALS} == {k: reading[k] for k in VITALS}
    assert "etco2" not in vitals and "rhythm" not in vitals
    assert vitals["consciousness"] == "alert"


@pytest.mark.parametrize(
    ("nature", "pathways"),
    [
        ("chest_pain", {"chest_pain"}),
        ("stroke_signs", {"stroke"}),
        ("trauma", {"trauma"}),
        ("cardiac_arrest", {"cardiac_arrest"}),
        ("newborn", {"critical_neonatal"}),
        ("pregnancy", {"critical_maternal", None}),  # only with bleeding, a seizure or severe hypertension
    ],
)
def test_the_nature_of_the_call_leads_to_its_pathway(nature: str, pathways: set[str | None]) -> None:
    got = {triage(AssessmentInput.model_validate(draw([nature], seed)[1]), now=NOW).pathway for seed in range(40)}
    assert got <= pathways and got & pathways


def test_a_stemi_on_the_monitor_needs_a_pci_centre() -> None:
    rng = random.Random(3)
    patient = Patient({"hr": 90.0, "sbp": 130.0, "dbp": 80.0, "spo2": 96.0, "rr": 18.0, "temp_c": 36.9,
                       "etco2": 38.0}, deteriorating=False, af=False, stemi=True)  # fmt: skip
    body = assessment(["chest_pain"], patient.reading(60.0, rng), rng, NOW)
    result = triage(AssessmentInput.model_validate(body), now=NOW)
    assert result.pathway == "chest_pain" and [c.value for c in result.required_capabilities] == ["pci_24x7"]


def test_the_level_follows_the_patient() -> None:
    levels = {n: {triage(AssessmentInput.model_validate(draw([n], s)[1]), now=NOW).level for s in range(40)}
              for n in ("cardiac_arrest", "unconscious", "bleeding")}  # fmt: skip
    assert levels["cardiac_arrest"] == {1}
    assert max(levels["unconscious"]) <= 3 and max(levels["bleeding"]) <= 2


def test_the_same_job_writes_the_same_assessment() -> None:
    assert draw(["stroke_signs"], 11) == draw(["stroke_signs"], 11)
    assert draw(["stroke_signs"], 11) != draw(["stroke_signs"], 12)


def test_the_wristband_is_a_valid_band_id_per_incident() -> None:
    ids = [band_id(f"INC20250601080000{n:010x}") for n in range(3)]
    assert len(set(ids)) == 3 and all(re.fullmatch(BAND, b) for b in ids)
    assert re.fullmatch(BAND, band_id("X" * 80))
