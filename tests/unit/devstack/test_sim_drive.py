"""One simulated job against a fake crew terminal and radio, on a fake clock: the status reports a
crew makes, the arrival confirmed only when the platform has not seen it, valid vitals on the way."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import pytest

from chalicelib.core.geo import distance_m
from chalicelib.telemetry import schemas
from devstack.sim_drive import Drive, DriveSettings, Phase
from devstack.sim_route import Fix, Point

STATION, SCENE = Point(24.5031, 117.7065), Point(24.5062, 117.7101)
HOSPITALS = [("HOS_FAR", Point(24.60, 117.80)), ("HOS_NEAR", Point(24.5070, 117.7120))]
FAST = DriveSettings(speed_kmh=120.0, scene_s=8.0, handover_s=4.0, confirm_after_s=3.0, vitals_every_s=5.0)


class FakeCrew:
    def __init__(self, geofence: bool, booked: str | None = None) -> None:
        self.status, self.geofence, self.booked = "EN_ROUTE", geofence, booked
        self.posted: list[tuple[str, str | None]] = []

    def accepted_hospital(self, unit_id: str, incident_id: str) -> str | None:
        return self.booked

    def unit(self, unit_id: str) -> dict[str, Any]:
        return {"unit_id": unit_id, "status": self.status}

    def set_status(self, unit_id: str, status: str, destination_id: str | None = None) -> dict[str, Any]:
        self.posted.append((status, destination_id))
        self.status = status.upper()
        return {"status": self.status}


class FakeRadio:
    def __init__(self, crew: FakeCrew) -> None:
        self.crew, self.fixes, self.vitals_at = crew, [], []  # type: ignore[var-annotated]
        self.now = 0.0

    def position(self, unit_id: str, fix: Fix) -> None:
        self.fixes.append(fix)
        # The platform's geofence, when present, sees the unit stop at the scene or the hospital.
        if self.crew.geofence and fix.speed_kmh == 0 and len(self.fixes) > 1:
            self.crew.status = {"EN_ROUTE": "ON_SCENE", "TRANSPORTING": "AT_HOSPITAL"}.get(
                self.crew.status, self.crew.status
            )

    def vitals(self, unit_id: str, incident_id: str, reading: dict[str, Any]) -> None:
        payload = {"unit_id": unit_id, "seq": 0, "ts": datetime.now(UTC).isoformat(), "incident_id": incident_id}
        schemas.parse(f"ems/units/{unit_id}/vitals", {**payload, **reading})
        self.vitals_at.append(self.now)


def run(crew: FakeCrew, seed: int = 1) -> tuple[Drive, FakeRadio, int]:
    drive = Drive(
        unit_id="AMB07", incident_id="INC1", origin=STATION, scene=SCENE, hospitals=HOSPITALS,
        api=crew, settings=FAST, rng=random.Random(seed),
    )  # fmt: skip
    radio, ticks = FakeRadio(crew), 0
    while ticks < 600:
        radio.now = float(ticks)
        ticks += 1
        if not drive.tick(radio.now, radio):
            break
    return drive, radio, ticks


@pytest.mark.parametrize("geofence", [False, True])
def test_a_job_runs_from_station_to_hospital_and_back_in_service(geofence: bool) -> None:
    # Given a unit en route, with or without a platform that detects arrivals
    crew = FakeCrew(geofence)
    # When its job runs to the end
    drive, radio, ticks = run(crew)
    # Then the crew reported transport to the nearest hospital and came back in service
    expected = [("transporting", "HOS_NEAR"), ("available", None)]
    if not geofence:  # only then does the crew confirm its arrivals itself
        expected = [("on_scene", None), expected[0], ("at_hospital", None), expected[1]]
    assert crew.posted == expected
    assert drive.phase is Phase.DONE and ticks < 600
    # And one fix a tick, ending at the hospital
    assert len(radio.fixes) == ticks
    assert distance_m(radio.fixes[-1].lat, radio.fixes[-1].lon, *HOSPITALS[1][1]) < 10
    # And the monitor reported every 5 s from the patient's side to the handover
    gaps = {b - a for a, b in pairwise(radio.vitals_at)}
    assert len(radio.vitals_at) >= 3 and gaps == {5.0}


def test_the_crew_drives_to_the_hospital_that_accepted_the_patient_not_the_nearest() -> None:
    crew = FakeCrew(geofence=True, booked="HOS_FAR")
    _, radio, _ = run(crew)
    assert crew.posted[0] == ("transporting", "HOS_FAR")
    far = HOSPITALS[0][1]
    assert distance_m(radio.fixes[-1].lat, radio.fixes[-1].lon, *far) < distance_m(*SCENE, *far) / 2  # on its way


def test_the_scene_is_reached_and_the_unit_stands_still_there() -> None:
    crew = FakeCrew(geofence=False)
    _, radio, _ = run(crew)
    stops = [i for i, f in enumerate(radio.fixes) if f.speed_kmh == 0 and i > 0]
    at_scene = radio.fixes[stops[0]]
    assert distance_m(at_scene.lat, at_scene.lon, *SCENE) < 1
    standing = radio.fixes[stops[0] : stops[0] + int(FAST.scene_s)]
    assert all(f.speed_kmh == 0 and distance_m(f.lat, f.lon, *SCENE) < 10 for f in standing)


def test_a_failed_report_reaches_the_caller() -> None:
    # The simulator abandons the job on any error; the drive itself must not swallow it.
    crew = FakeCrew(geofence=False)

    def refuse(*_: Any, **__: Any) -> dict[str, Any]:
        raise RuntimeError("409")

    crew.set_status = refuse  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        run(crew)
