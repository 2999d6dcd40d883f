"""What a simulated crew writes in its assessment: the monitor's reading now, and findings that
match the nature of the call (the dispatch message's `nature`), drawn from the job's `rng`. Pure:
the body of `POST /v1/incidents/{id}/assessments` (`chalicelib.triage.schemas.AssessmentInput`), so
the platform's own triage decides the level, the pathway and the hospital it needs."""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

# The monitor's fields the crew copies into the assessment (etCO2 and the rhythm have no place there).
VITALS = ("hr", "sbp", "dbp", "rr", "spo2", "temp_c")
OXYGEN_BELOW = 94  # SpO2 under which the crew puts the patient on oxygen before writing the assessment
TRAUMA_RED = ("pelvic_fracture", "two_proximal_long_bone_fractures", "active_bleeding_uncontrolled")
TRAUMA_YELLOW = ("high_risk_fall", "motorcycle_crash", "pedestrian_struck_high_speed", "extrication_entrapment")
RED_TRAUMA_SHARE = 0.2
ONSET_KNOWN_SHARE = 0.85


def assessment(
    nature: Collection[str], reading: Mapping[str, Any], rng: random.Random, now: datetime
) -> dict[str, Any]:
    """`reading`: a `devstack.sim_patient.Patient.reading`; `now`: aware, for a stroke's onset time."""
    vitals: dict[str, Any] = {name: reading[name] for name in VITALS if name in reading}
    vitals["consciousness"] = "alert"
    findings: dict[str, Any] = {}
    if "newborn" in nature:
        findings["age_days"] = rng.randint(0, 27)
    else:
        findings["age_years"] = rng.randint(18, 90)
    if "chest_pain" in nature:  # the 12-lead ECG, read as the monitor shows it
        findings["chest_pain"] = True
        findings["ecg_stemi"] = bool((reading.get("rhythm") or {}).get("stemi"))
    if "stroke_signs" in nature:
        findings.update(_stroke(rng, now))
    if "trauma" in nature:
        findings["trauma"] = _trauma(rng)
    if "bleeding" in nature:
        findings["major_bleeding"] = True
    if "pregnancy" in nature:
        findings["pregnancy_weeks"] = rng.randint(12, 40)
        findings["vaginal_bleeding"] = rng.random() < 0.5
    if "unconscious" in nature:
        gcs = rng.randint(7, 13)
        vitals["gcs"], vitals["consciousness"] = gcs, "voice" if gcs >= 10 else "pain"
    if "cardiac_arrest" in nature:  # resuscitated on scene: the readings are after the return of circulation
        findings["cardiac_arrest"] = True
        vitals["gcs"], vitals["consciousness"] = 3, "unresponsive"
    vitals["on_oxygen"] = float(vitals.get("spo2", 100)) < OXYGEN_BELOW
    return {"vitals": vitals, "findings": findings}


def band_id(incident_id: str) -> str:
    """The wristband the crew binds: one per incident, within the band id's 40 characters."""
    return f"SIM-{incident_id}"[:40]


def _stroke(rng: random.Random, now: datetime) -> dict[str, Any]:
    signs = {sign: rng.random() < 0.7 for sign in ("face", "arm", "speech")}
    if not any(signs.values()):
        signs[rng.choice(sorted(signs))] = True
    known = rng.random() < ONSET_KNOWN_SHARE
    out: dict[str, Any] = {"be_fast": {**signs, "time": known}, "lams": rng.randint(1, 5)}
    if known:
        out["last_known_well"] = (now - timedelta(minutes=rng.uniform(20.0, 360.0))).isoformat()
    return out


def _trauma(rng: random.Random) -> dict[str, list[str]]:
    if rng.random() < RED_TRAUMA_SHARE:
        return {"red": [rng.choice(TRAUMA_RED)], "yellow": []}
    return {"red": [], "yellow": [rng.choice(TRAUMA_YELLOW)]}
