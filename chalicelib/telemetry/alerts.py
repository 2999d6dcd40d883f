"""What a deterioration alert says, and where it goes. Pure builders.

The crew's topic is its unit's; the receiving hospital's is its own. The alert carries the
score and what drove it, never the patient's identity: whoever acts on it has the incident.
"""

from __future__ import annotations

from typing import Any

from chalicelib.clinical.news2 import News2
from chalicelib.telemetry.logic import UnitNow
from chalicelib.telemetry.ports import Reading

SCHEMA = 1


def crew_topic(unit_id: str) -> str:
    return f"ems/units/{unit_id}/alerts"


def hospital_topic(hospital_id: str) -> str:
    return f"ems/hospitals/{hospital_id}/alerts"


def deterioration(unit: UnitNow, reading: Reading, previous: News2 | None) -> dict[str, Any]:
    score = reading.news2
    return {
        "schema": SCHEMA,
        "type": "deterioration",
        "incident_id": unit.incident_id,
        "unit_id": unit.unit_id,
        "at": reading.message.ts.isoformat(),
        "news2": score.total,
        "risk": score.risk,
        "previous_risk": previous.risk if previous else None,
        "parameters": score.parameters,
        # From the monitor alone consciousness and oxygen are unknown: the score is a lower bound.
        "partial": not score.complete,
        "missing": list(score.missing),
    }
