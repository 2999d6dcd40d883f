"""The demo fleet as connected ambulances. One MQTT connection hears every unit's dispatch topic;
one thread ticks every active job once a second (positions, vitals, the crew's status reports), so
runs are reproducible and nothing races. The crew's clinical work (the assessment, the look at the
bookings, the wristband and the handover) runs on a few workers, so a slow answer holds up no unit;
its failures are logged and the crew carries on to the end of the job. A failed status report
abandons that unit's job, never the simulator; logs name units, incidents and calls, never a
patient reading."""

from __future__ import annotations

import json
import logging
import queue
import random
import threading
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from devstack.mqtt_client import MqttError
from devstack.sim_api import ApiError, CrewApi
from devstack.sim_care import CrewCare
from devstack.sim_drive import Drive, DriveSettings
from devstack.sim_radio import DeviceClient, Devices
from devstack.sim_route import Point

log = logging.getLogger(__name__)
DISPATCH = "ems/units/+/dispatch"


class Simulator:
    def __init__(
        self,
        *,
        api: str,
        mqtt_host: str,
        mqtt_port: int,
        state_dir: Path,
        units: Collection[str] | None = None,
        settings: DriveSettings | None = None,
        hospitals: Sequence[tuple[str, Point]] | None = None,
        seed: int = 0,
        client_id: str = "ems-simulator",
    ) -> None:
        """`units`: the unit ids to drive (None: any unit that gets a job)."""
        self.units = frozenset(units) if units is not None else None
        self.settings = settings or DriveSettings()
        self.hospitals = list(hospitals) if hospitals is not None else _seed_hospitals()
        self.seed = seed
        self.api = CrewApi(api, state_dir)
        self.care = CrewCare(self.api)
        self.state_dir = state_dir
        self._client = DeviceClient(
            host=mqtt_host, port=mqtt_port, client_id=client_id, topic_filter=DISPATCH, on_message=self._on_message
        )
        self._inbox: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self.devices = Devices(self._client, random.Random(seed))
        self._drives: dict[str, Drive] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._client.connect()  # raises MqttError when the broker is not there
        self._thread = threading.Thread(target=self._run, name="ems-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Idempotent. Units mid-job stay where they are, in the status they last reported."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None
        self._client.close()
        self.care.close()
        self.api.close()

    # paho's network thread: only queue the job, the tick thread does the work.
    def _on_message(self, topic: str, payload: bytes) -> None:
        try:
            message = json.loads(payload)
        except ValueError:
            log.warning("unreadable dispatch message on %s", topic)
            return
        unit_id = topic.split("/")[2]
        if isinstance(message, dict) and (self.units is None or unit_id in self.units):
            self._inbox.put((unit_id, message))

    def _run(self) -> None:
        due = time.monotonic()
        while not self._stop.is_set():
            self._tick(time.monotonic())
            due += self.settings.tick_s
            late = time.monotonic() - due
            if late > 0:  # an overrun is not made up with a burst of fixes
                due += late
            self._stop.wait(max(0.0, due - time.monotonic()))

    def _tick(self, now: float) -> None:
        from devstack.demo import held

        left_alone = held(self.state_dir)  # jobs `make demo` plays itself
        while not self._inbox.empty():
            unit_id, message = self._inbox.get_nowait()
            if str(message.get("incident_id")) in left_alone:
                continue
            self._guard(unit_id, str(message.get("incident_id")), self._handle, unit_id, message)
        for unit_id, drive in list(self._drives.items()):
            if drive.incident_id in left_alone:
                self._drives.pop(unit_id, None)
                continue
            if not self._guard(unit_id, drive.incident_id, drive.tick, now, self.devices):
                self._drives.pop(unit_id, None)

    def _guard(self, unit_id: str, incident_id: str, work: Callable[..., bool], *args: Any) -> bool:
        try:
            return work(*args)
        except (ApiError, MqttError) as exc:
            log.warning("unit %s, incident %s: %s; job abandoned", unit_id, incident_id, exc)
        except Exception:
            log.exception("unit %s, incident %s: simulator error; job abandoned", unit_id, incident_id)
        self._drives.pop(unit_id, None)
        return False

    def _handle(self, unit_id: str, message: dict[str, Any]) -> bool:
        current = self._drives.get(unit_id)
        same = current is not None and current.incident_id == message.get("incident_id")
        if message.get("type") == "stand_down" and same:
            del self._drives[unit_id]  # the platform has freed the unit: it stops where it is
        elif message.get("type") == "assignment" and not same:  # `same`: a redelivered job
            self._drives.pop(unit_id, None)
            self._drives[unit_id] = self._begin(unit_id, message)
        return True

    def _begin(self, unit_id: str, job: dict[str, Any]) -> Drive:
        self.api.set_status(unit_id, "en_route")
        origin = self._origin(unit_id, self.api.unit(unit_id)["position"])
        incident_id = str(job["incident_id"])
        return Drive(
            unit_id=unit_id,
            incident_id=incident_id,
            origin=origin,
            scene=Point(float(job["location"]["lat"]), float(job["location"]["lon"])),
            hospitals=self.hospitals,
            api=self.api,
            settings=self.settings,
            rng=random.Random(f"{self.seed}:{unit_id}:{incident_id}"),
            care=self.care,
            nature=[str(n) for n in job.get("nature") or ()],
        )

    def _origin(self, unit_id: str, position: dict[str, Any]) -> Point:
        """Where this device last was, as its own GNSS knows; the platform's answer (its last stored
        fix, or the station) only for a unit not yet driven: stored fixes lag the stream by seconds."""
        return self.devices.where.get(unit_id) or Point(float(position["lat"]), float(position["lon"]))


def _seed_hospitals() -> list[tuple[str, Point]]:
    from devstack.seed.hospitals import hospitals

    return [(h.hospital_id, Point(h.lat, h.lon)) for h in hospitals()]
