"""One simulated unit's job, tick by tick: drive to the scene, assess the patient, wait (a bounded
time) for a hospital to accept, transport there (else to the nearest), bind the wristband and hand
over, back in service. The clock, the API and the radio are passed in, so the whole job runs under a
test's control."""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Protocol, TypeVar

from chalicelib.core.geo import EARTH_RADIUS_M, distance_m
from devstack.sim_assess import assessment
from devstack.sim_patient import Patient
from devstack.sim_route import Fix, Point, plan

log = logging.getLogger(__name__)
STANDING_JITTER_M = 1.5  # a parked receiver's fixes wander by a metre or two
T = TypeVar("T")


@dataclass(frozen=True)
class DriveSettings:
    speed_kmh: float = 55.0  # cruise; each drive picks 75-100 % of it
    scene_s: float = 60.0  # on scene before leaving for hospital
    handover_s: float = 30.0  # at hospital (with a handover: after it) before back in service
    confirm_after_s: float = 20.0  # how long the platform's geofence gets before the crew confirms arrival
    assess_s: float = 30.0  # on scene before the crew's assessment goes in (never before arrival is confirmed)
    booking_wait_s: float = 120.0  # after the scene time, the longest the crew waits for a hospital to accept
    poll_s: float = 3.0  # between looks at the bookings while waiting
    vitals_every_s: float = 5.0
    tick_s: float = 1.0


class Crew(Protocol):
    """The crew's terminal: `devstack.sim_api.CrewApi`."""

    def unit(self, unit_id: str) -> dict[str, Any]: ...

    def set_status(self, unit_id: str, status: str, destination_id: str | None = None) -> dict[str, Any]: ...

    def accepted_hospital(self, unit_id: str, incident_id: str) -> str | None: ...


class Care(Protocol):
    """The crew's clinical work, off the tick: `devstack.sim_care.CrewCare`. Each call returns at once;
    a later tick reads the result. A failure is a `False` / `None` result, never an exception."""

    def assess(self, unit_id: str, incident_id: str, body: dict[str, Any]) -> Future[bool]: ...

    def booked(self, unit_id: str, incident_id: str) -> Future[str | None]: ...

    def hand_over(self, unit_id: str, incident_id: str, hospital_id: str) -> Future[bool]: ...


class Radio(Protocol):
    def position(self, unit_id: str, fix: Fix) -> None: ...

    def vitals(self, unit_id: str, incident_id: str, reading: dict[str, Any]) -> None: ...


class Phase(Enum):
    TO_SCENE = "to_scene"
    ON_SCENE = "on_scene"
    TO_HOSPITAL = "to_hospital"
    AT_HOSPITAL = "at_hospital"
    DONE = "done"


class Drive:
    def __init__(
        self,
        *,
        unit_id: str,
        incident_id: str,
        origin: Point,
        scene: Point,
        hospitals: Sequence[tuple[str, Point]],
        api: Crew,
        settings: DriveSettings,
        rng: random.Random,
        care: Care | None = None,
        nature: Sequence[str] = (),
    ) -> None:
        """Without `care` the crew neither assesses nor hands over: it leaves after the scene time for the
        hospital that accepted the patient, if one has, else the nearest."""
        self.unit_id, self.incident_id = unit_id, incident_id
        self.hospitals, self.api, self.s, self.rng = hospitals, api, settings, rng
        self.care, self.nature = care, tuple(nature)
        self.cruise_kmh = settings.speed_kmh * rng.uniform(0.75, 1.0)
        self.route = plan(origin, scene, self.cruise_kmh, rng, settings.tick_s)
        self.step = 0
        self.phase = Phase.TO_SCENE
        self.patient = Patient.draw(rng)
        self.where = self.route[0]
        self.stopped_at = 0.0
        self.confirmed = False
        self.monitor_from: float | None = None
        self.next_vitals = 0.0
        self.destination: str | None = None
        self.booked: str | None = None  # the hospital that accepted the patient, once the crew has seen it
        self.assessing: Future[bool] | None = None
        self.assessed_at: float | None = None
        self.looking: Future[str | None] | None = None
        self.next_look = 0.0
        self.handing: Future[bool] | None = None
        self.handed_at: float | None = None

    def tick(self, now: float, radio: Radio) -> bool:
        """One second of the job; False once the unit is back in service."""
        if self.phase in (Phase.TO_SCENE, Phase.TO_HOSPITAL):
            self._move(now, radio)
        else:
            radio.position(self.unit_id, self._standing())
        if self.monitor_from is not None and now >= self.next_vitals:
            radio.vitals(self.unit_id, self.incident_id, self.patient.reading(now - self.monitor_from, self.rng))
            self.next_vitals = now + self.s.vitals_every_s
        if self.phase in (Phase.ON_SCENE, Phase.AT_HOSPITAL):
            self._wait(now)
        return self.phase is not Phase.DONE

    def _move(self, now: float, radio: Radio) -> None:
        self.where = self.route[self.step]
        self.step += 1
        radio.position(self.unit_id, self.where)
        if self.step < len(self.route):
            return
        self.phase = Phase.ON_SCENE if self.phase is Phase.TO_SCENE else Phase.AT_HOSPITAL
        self.stopped_at, self.confirmed = now, False
        if self.monitor_from is None:  # the crew reaches the patient and connects the monitor
            self.monitor_from = self.next_vitals = now

    def _standing(self) -> Fix:
        dy, dx = self.rng.gauss(0.0, STANDING_JITTER_M), self.rng.gauss(0.0, STANDING_JITTER_M)
        m_lat = math.radians(1.0) * EARTH_RADIUS_M
        lat = self.where.lat + dy / m_lat
        lon = self.where.lon + dx / (m_lat * math.cos(math.radians(self.where.lat)))
        return Fix(lat, lon, 0.0, self.where.heading_deg)

    def _wait(self, now: float) -> None:
        on_scene = self.phase is Phase.ON_SCENE
        dwell = self.s.scene_s if on_scene else self.s.handover_s
        waited = now - self.stopped_at
        if not self.confirmed and waited >= min(self.s.confirm_after_s, dwell):
            self._confirm("ON_SCENE" if on_scene else "AT_HOSPITAL")
        if on_scene:
            if self._ready_to_leave(now, waited):
                self._transport()
        elif self._ready_to_clear(now, waited):
            self.api.set_status(self.unit_id, "available")
            self.phase, self.monitor_from = Phase.DONE, None

    def _ready_to_leave(self, now: float, waited: float) -> bool:
        """After the scene time, with the assessment in and a hospital's acceptance seen (or no longer
        awaited): the workflow offers the patient itself once assessed, the hospitals answer."""
        if self.care is None:
            return waited >= self.s.scene_s
        if self.assessing is None and self.confirmed and waited >= min(self.s.assess_s, self.s.scene_s):
            assert self.monitor_from is not None  # connected on arrival
            reading = self.patient.reading(now - self.monitor_from, self.rng)
            body = assessment(self.nature, reading, self.rng, datetime.now(UTC))
            self.assessing = self.care.assess(self.unit_id, self.incident_id, body)
        if self.assessing is None or not self.assessing.done():
            return False
        if self.assessed_at is None:
            self.assessed_at = now
        if waited < self.s.scene_s:
            return False
        if self.looking is not None and self.looking.done():
            self.booked, self.looking = _outcome(self.looking, None), None
            if self.booked is not None:
                return True
        # The hospitals get their time from the assessment on (it starts the workflow's offer), and
        # never less than the scene time.
        if now >= max(self.stopped_at + self.s.scene_s, self.assessed_at) + self.s.booking_wait_s:
            log.info("unit %s, incident %s: no hospital accepted within %.0f s", self.unit_id, self.incident_id,
                     self.s.booking_wait_s)  # fmt: skip
            return True
        if self.looking is None and now >= self.next_look:
            self.looking, self.next_look = self.care.booked(self.unit_id, self.incident_id), now + self.s.poll_s
        return False

    def _ready_to_clear(self, now: float, waited: float) -> bool:
        """After the handover time; with care, counted from the handover (or its failure): the hospital's
        team takes the patient over, and the workflow records the admission before the unit is free."""
        if self.care is None:
            return waited >= self.s.handover_s
        if not self.confirmed:
            return False  # the handover follows the arrival
        if self.handing is None:
            assert self.destination is not None  # set with the transport
            self.handing = self.care.hand_over(self.unit_id, self.incident_id, self.destination)
        if self.handed_at is None:
            if not self.handing.done():
                return False
            _outcome(self.handing, False)
            self.handed_at = now
        return now - self.handed_at >= self.s.handover_s

    def _confirm(self, status: str) -> None:
        """Arrival is the geofence's to detect; a crew confirms it only when the platform has not."""
        if self.api.unit(self.unit_id)["status"] != status:
            self.api.set_status(self.unit_id, status.lower())
        self.confirmed = True

    def _transport(self) -> None:
        here = Point(self.where.lat, self.where.lon)
        # The hospital that accepted the patient, as the crew's terminal shows it; else the nearest.
        booked = self.booked if self.care is not None else self.api.accepted_hospital(self.unit_id, self.incident_id)
        known = dict(self.hospitals)
        if booked in known:
            hospital_id, there = booked, known[booked]
        else:
            hospital_id, there = min(self.hospitals, key=lambda h: distance_m(here.lat, here.lon, h[1].lat, h[1].lon))
        self.api.set_status(self.unit_id, "transporting", destination_id=hospital_id)
        self.destination = hospital_id
        self.route = plan(here, there, self.cruise_kmh, self.rng, self.s.tick_s)
        self.step, self.phase = 0, Phase.TO_HOSPITAL


def _outcome(errand: Future[T], failed: T) -> T:
    """An errand's result; `failed` if it raised (cancelled when the simulator stops)."""
    try:
        return errand.result(timeout=0)
    except Exception:
        return failed
