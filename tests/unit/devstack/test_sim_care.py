"""A simulated job with the crew's clinical work, on a fake clock: the assessment after the arrival,
a bounded wait for a hospital's acceptance, the transport there (else to the nearest), the handover
on arrival and only then back in service; and every failure of that work leaves the unit driving
and back in service. Then the crew's errands themselves, against a fake API: what reaches the log."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

import pytest

from chalicelib.triage.schemas import AssessmentInput
from devstack.sim_api import ApiError
from devstack.sim_care import CrewCare
from devstack.sim_drive import Drive, DriveSettings, Phase
from devstack.sim_route import Point
from tests.unit.devstack.test_sim_drive import SCENE, STATION, FakeCrew, FakeRadio

T = TypeVar("T")
HOSPITALS = [("HOS_NEAR", Point(24.5070, 117.7120)), ("HOS_BOOKED", Point(24.5150, 117.7200))]
FAST = DriveSettings(speed_kmh=120.0, scene_s=8.0, handover_s=4.0, confirm_after_s=3.0, vitals_every_s=5.0,
                     assess_s=5.0, booking_wait_s=20.0, poll_s=2.0)  # fmt: skip


def done(value: T) -> Future[T]:
    f: Future[T] = Future()
    f.set_result(value)
    return f


class FakeCare:
    """Answers at once (or `slow_s` later, on the fake clock); logs each errand beside the status reports."""

    def __init__(self, crew: FakeCrew, radio: FakeRadio, accept_after_looks: int | None = 2) -> None:
        self.crew, self.radio, self.accept_after_looks = crew, radio, accept_after_looks
        self.looks, self.bodies, self.at = 0, [], {}  # type: ignore[var-annotated]
        self.answer: Callable[[str, Any], Future[Any]] = lambda _what, value: done(value)

    def _log(self, what: str, detail: str | None = None) -> None:
        self.crew.posted.append((what, detail))
        self.at.setdefault(what, self.radio.now)

    def assess(self, unit_id: str, incident_id: str, body: dict[str, Any]) -> Future[bool]:
        self._log("assess")
        self.bodies.append(body)
        return self.answer("assess", True)

    def booked(self, unit_id: str, incident_id: str) -> Future[str | None]:
        self.looks += 1
        self._log("look")
        accepted = self.accept_after_looks is not None and self.looks >= self.accept_after_looks
        return self.answer("look", "HOS_BOOKED" if accepted else None)

    def hand_over(self, unit_id: str, incident_id: str, hospital_id: str) -> Future[bool]:
        self._log("hand_over", hospital_id)
        return self.answer("hand_over", hospital_id == "HOS_BOOKED")


def run(crew: FakeCrew, make_care: Callable[[FakeRadio], FakeCare], limit: int = 900) -> tuple[Drive, FakeCare, int]:
    radio = FakeRadio(crew)
    care = make_care(radio)
    drive = Drive(
        unit_id="AMB07", incident_id="INC1", origin=STATION, scene=SCENE, hospitals=HOSPITALS, api=crew,
        settings=FAST, rng=random.Random(1), care=care, nature=["chest_pain"],
    )  # fmt: skip
    ticks = 0
    while ticks < limit:
        radio.now = float(ticks)
        ticks += 1
        if not drive.tick(radio.now, radio):
            break
    assert len(radio.fixes) == ticks  # one fix a tick, whatever the errands did: no unit stalls
    return drive, care, ticks


def statuses(crew: FakeCrew) -> list[tuple[str, str | None]]:
    return [(what, detail) for what, detail in crew.posted if what != "look"]


def test_the_crew_assesses_waits_for_the_acceptance_drives_there_and_hands_over() -> None:
    crew = FakeCrew(geofence=False)
    drive, care, ticks = run(crew, lambda radio: FakeCare(crew, radio))
    assert statuses(crew) == [("on_scene", None), ("assess", None), ("transporting", "HOS_BOOKED"),
                              ("at_hospital", None), ("hand_over", "HOS_BOOKED"), ("available", None)]  # fmt: skip
    assert drive.phase is Phase.DONE and ticks < 900
    # The assessment is the patient's, taken after the arrival was confirmed, and valid for the API
    [body] = care.bodies
    assert AssessmentInput.model_validate(body).findings.chest_pain is True
    arrived = care.at["assess"] - FAST.assess_s
    assert care.at["assess"] >= arrived + FAST.confirm_after_s
    # The crew looked for the acceptance only after the scene time, and left at the look that saw it
    assert care.at["look"] >= arrived + FAST.scene_s and care.looks == 2
    # It stayed with the hospital's team after the handover before coming back in service
    assert ticks - 1 - care.at["hand_over"] >= FAST.handover_s


def test_without_an_acceptance_in_time_the_crew_takes_the_patient_to_the_nearest() -> None:
    crew = FakeCrew(geofence=True)
    _, care, _ = run(crew, lambda radio: FakeCare(crew, radio, accept_after_looks=None))
    assert statuses(crew) == [("assess", None), ("transporting", "HOS_NEAR"), ("hand_over", "HOS_NEAR"),
                              ("available", None)]  # fmt: skip
    # It looked every poll interval through the whole wait, not every tick
    assert FAST.booking_wait_s / FAST.poll_s <= care.looks <= FAST.booking_wait_s / FAST.poll_s + 1


@pytest.mark.parametrize("how", ["fail", "raise"])
def test_failed_clinical_work_never_keeps_a_unit_from_service(how: str) -> None:
    crew = FakeCrew(geofence=False)

    def failing(radio: FakeRadio) -> FakeCare:
        care = FakeCare(crew, radio)

        def answer(what: str, value: Any) -> Future[Any]:
            if how == "fail":  # what CrewCare returns for an API error
                return done({"assess": False, "look": None, "hand_over": False}[what])
            f: Future[Any] = Future()
            f.set_exception(RuntimeError("cancelled"))
            return f

        care.answer = answer
        return care

    drive, _, ticks = run(crew, failing)
    assert drive.phase is Phase.DONE and ticks < 900
    assert statuses(crew)[-1] == ("available", None) and ("transporting", "HOS_NEAR") in crew.posted


def test_a_slow_answer_keeps_the_crew_waiting_while_the_unit_keeps_reporting() -> None:
    crew = FakeCrew(geofence=True)
    pending: list[Future[Any]] = []

    def slow(radio: FakeRadio) -> FakeCare:
        care = FakeCare(crew, radio, accept_after_looks=1)

        def answer(what: str, value: Any) -> Future[Any]:
            f: Future[Any] = Future()
            pending.append(f)
            return f

        care.answer = answer
        return care

    radio = FakeRadio(crew)
    care = slow(radio)
    drive = Drive(
        unit_id="AMB07", incident_id="INC1", origin=STATION, scene=SCENE, hospitals=HOSPITALS, api=crew,
        settings=FAST, rng=random.Random(1), care=care, nature=["stroke_signs"],
    )  # fmt: skip
    for t in range(200):
        radio.now = float(t)
        assert drive.tick(radio.now, radio)
    # The assessment has not come back: the crew is still on scene, and the unit reported every second
    assert drive.phase is Phase.ON_SCENE and len(radio.fixes) == 200
    pending[0].set_result(True)
    for t in range(200, 400):
        radio.now = float(t)
        drive.tick(radio.now, radio)
        for f in pending:
            if not f.done():
                f.set_result("HOS_BOOKED" if care.looks else True)
    # Once it is in, the hospitals get their time to answer: the crew takes the patient where accepted
    assert ("transporting", "HOS_BOOKED") in crew.posted


# -- the errands, against a fake API -----------------------------------------------------------------


class FakeApi:
    def __init__(self, accepted: str | None = "HOS02") -> None:
        self.accepted, self.calls = accepted, []  # type: ignore[var-annotated]
        self.fail: dict[str, Exception] = {}

    def _do(self, what: str) -> dict[str, Any]:
        self.calls.append(what)
        if what in self.fail:
            raise self.fail[what]
        return {}

    def accepted_hospital(self, unit_id: str, incident_id: str) -> str | None:
        self.calls.append("bookings")
        return self.accepted

    def assess(self, unit_id: str, incident_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._do("assess")

    def bind_band(self, unit_id: str, incident_id: str, band_id: str) -> dict[str, Any]:
        return self._do("band")

    def hand_over(self, unit_id: str, incident_id: str) -> dict[str, Any]:
        return self._do("handover")


@pytest.fixture
def errands() -> Any:
    api = FakeApi()
    care = CrewCare(api, workers=1)  # type: ignore[arg-type]
    yield api, care
    care.close()


def test_the_handover_binds_the_band_first_and_only_at_the_accepting_hospital(errands: Any) -> None:
    api, care = errands
    assert care.hand_over("AMB07", "INC1", "HOS02").result(timeout=5) is True
    assert api.calls == ["bookings", "band", "handover"]
    api.calls.clear()
    assert care.hand_over("AMB07", "INC1", "HOS09").result(timeout=5) is False  # drove to the nearest
    assert api.calls == ["bookings"]


def test_a_failed_band_still_hands_over(errands: Any) -> None:
    api, care = errands
    api.fail["band"] = ApiError("POST /wristbands: HTTP 409 band_in_use")
    assert care.hand_over("AMB07", "INC1", "HOS02").result(timeout=5) is True
    assert api.calls[-1] == "handover"


def test_errors_are_logged_by_route_and_code_never_with_what_was_sent(
    errands: Any, caplog: pytest.LogCaptureFixture
) -> None:
    api, care = errands
    api.fail["assess"] = ApiError("POST /incidents/INC1/assessments: HTTP 422 validation_failed")
    api.fail["handover"] = ValueError("sbp 178 out of range")  # a message that quotes a reading
    body = {"vitals": {"hr": 131, "sbp": 178}, "findings": {}}
    with caplog.at_level(logging.INFO, logger="devstack.sim_care"):
        assert care.assess("AMB07", "INC1", body).result(timeout=5) is False
        assert care.hand_over("AMB07", "INC1", "HOS02").result(timeout=5) is False
    text = caplog.text
    assert "AMB07" in text and "INC1" in text and "HTTP 422 validation_failed" in text and "ValueError" in text
    assert "131" not in text and "178" not in text
