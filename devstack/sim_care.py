"""The simulated crew's clinical work over the API: the assessment, the look at the bookings, the
wristband and the handover. Each runs on a small pool of workers and returns a future at once, so a
slow answer (a handover builds and sends a FHIR bundle) never holds up the tick that moves every
other unit. A failed call is logged with its route and error code, never a body, and ends as a
`False` / `None` result: the crew carries on with its job."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from devstack.sim_api import ApiError, CrewApi
from devstack.sim_assess import band_id

log = logging.getLogger(__name__)
T = TypeVar("T")


class CrewCare:
    def __init__(self, api: CrewApi, workers: int = 4) -> None:
        self.api = api
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ems-crew")

    def assess(self, unit_id: str, incident_id: str, body: dict[str, Any]) -> Future[bool]:
        return self._errand("assessment", unit_id, incident_id, False, self._assess, unit_id, incident_id, body)

    def booked(self, unit_id: str, incident_id: str) -> Future[str | None]:
        """The hospital that accepted the patient, as the crew's terminal shows it (None: none yet)."""
        return self._errand("bookings", unit_id, incident_id, None, self.api.accepted_hospital, unit_id, incident_id)

    def hand_over(self, unit_id: str, incident_id: str, hospital_id: str) -> Future[bool]:
        """Band and handover when `hospital_id` is the one that accepted the patient; True once handed over."""
        return self._errand("handover", unit_id, incident_id, False, self._hand_over, unit_id, incident_id, hospital_id)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _errand(
        self, what: str, unit_id: str, incident_id: str, failed: T, work: Callable[..., T], *args: Any
    ) -> Future[T]:
        def run() -> T:
            try:
                return work(*args)
            except ApiError as exc:  # the route and the error code, nothing from the body
                log.warning("unit %s, incident %s: %s failed: %s", unit_id, incident_id, what, exc)
            except Exception as exc:  # the type only: a message could quote what was sent
                log.warning("unit %s, incident %s: %s failed: %s", unit_id, incident_id, what, type(exc).__name__)
            return failed

        return self._pool.submit(run)

    def _assess(self, unit_id: str, incident_id: str, body: dict[str, Any]) -> bool:
        self.api.assess(unit_id, incident_id, body)
        log.info("unit %s, incident %s: assessment posted", unit_id, incident_id)
        return True

    def _hand_over(self, unit_id: str, incident_id: str, hospital_id: str) -> bool:
        if self.api.accepted_hospital(unit_id, incident_id) != hospital_id:
            log.info("unit %s, incident %s: %s has not accepted the patient; no handover", unit_id, incident_id,
                     hospital_id)  # fmt: skip
            return False
        try:
            self.api.bind_band(unit_id, incident_id, band_id(incident_id))
        except ApiError as exc:  # the handover does not need the band; the hospital's scans do
            log.warning("unit %s, incident %s: wristband failed: %s", unit_id, incident_id, exc)
        self.api.hand_over(unit_id, incident_id)
        log.info("unit %s, incident %s: handed over at %s", unit_id, incident_id, hospital_id)
        return True
