"""Side effects of ingestion: arrivals through the fleet's status machine, rejects to their queue,
alerts to MQTT (imported on first use)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from chalicelib.core.aws import client
from chalicelib.core.clock import utcnow
from chalicelib.core.observability import logger
from chalicelib.core.publisher import get_publisher
from chalicelib.fleet import logic
from chalicelib.fleet.entities import TimeStamp
from chalicelib.fleet.ports import FleetStore, VersionConflict
from chalicelib.telemetry.decode import Reject
from chalicelib.telemetry.logic import Arrival, eta_due
from chalicelib.telemetry.ports import Arrivals, EtaUpdates, Outbox, Retriage
from chalicelib.telemetry.schemas import Vitals
from chalicelib.triage.schemas import TriageResult

BY = "geofence"  # the `by` of a time node the stream set; a crew's correction replaces it
_FROM = {logic.S.ON_SCENE: logic.S.EN_ROUTE, logic.S.AT_HOSPITAL: logic.S.TRANSPORTING}


class FleetArrivals(Arrivals):
    def __init__(self, fleet: FleetStore) -> None:
        self.fleet = fleet

    def arrive(self, arrival: Arrival) -> bool:
        for _ in range(3):
            state = self.fleet.get(arrival.unit_id, consistent=True)
            same_job = state is not None and state.incident_id is not None and state.incident_id == arrival.incident_id
            if arrival.status is logic.S.AT_HOSPITAL and state is not None:
                same_job = same_job and state.destination_id == arrival.destination_id
            if state is None or state.unit.status is not _FROM[arrival.status] or not same_job:
                return False  # the crew reported it first, or the job or destination changed: nothing to detect
            assert state.incident_id is not None
            step = logic.transition(state.unit.status, arrival.status, logic.Actor.GEOFENCE)
            now = utcnow()
            stamps = [TimeStamp(state.incident_id, arrival.unit_id, n, arrival.at, now, BY) for n in step.nodes]
            try:
                self.fleet.apply(state, step, stamps, now=now)
            except VersionConflict:
                continue
            from chalicelib.workflow.api import unit_status

            unit_status(state.incident_id, step.status.value)
            return True
        raise VersionConflict(f"unit {arrival.unit_id} kept changing while its arrival was recorded")


class QueueOutbox(Outbox):
    def __init__(self, rejects_queue: str | None) -> None:
        self.rejects_queue = rejects_queue
        self._url: str | None = None

    def reject(self, rejects: Sequence[Reject]) -> set[str]:
        if not self.rejects_queue:
            raise RuntimeError("EMS_TELEMETRY_REJECTS_QUEUE is not set: rejected messages would be lost")
        failed: set[str] = set()
        for chunk in _chunks(rejects):
            try:
                entries = [_entry(i, r) for i, r in enumerate(chunk)]
                response = client("sqs").send_message_batch(QueueUrl=self._queue_url(), Entries=entries)
            except Exception:
                logger().exception("rejects not sent; their messages will be retried")
                failed |= {r.message_id for r in chunk}
                continue
            failed |= {chunk[int(f["Id"])].message_id for f in response.get("Failed", [])}
        return failed

    def alert(self, topic: str, message: dict[str, object]) -> None:
        get_publisher().publish(topic, message, qos=1)

    def _queue_url(self) -> str:
        """Looked up once per container (the outbox is built once)."""
        if self._url is None:
            self._url = _queue_url(self.rejects_queue or "")
        return self._url


# SendMessageBatch takes ten entries and 256 KiB in all; a reject carries its payload (base64), or when
# that would not fit a message, its first 48 KiB and its size: a reject is never dropped for its size.
_BATCH_ENTRIES, _BATCH_BYTES = 10, 200 * 1024
_COPY_CHARS = 64 * 1024


def _chunks(rejects: Sequence[Reject]) -> list[list[Reject]]:
    chunks: list[list[Reject]] = [[]]
    size = 0
    for r in rejects:
        weight = len(r.payload_b64 or "") + 1024  # before any cut: an upper bound
        if chunks[-1] and (len(chunks[-1]) == _BATCH_ENTRIES or size + weight > _BATCH_BYTES):
            chunks.append([])
            size = 0
        chunks[-1].append(r)
        size += weight
    return [c for c in chunks if c]


def _entry(i: int, r: Reject) -> dict[str, object]:
    attributes = {"reason": r.reason.value, "field": r.field, "unit_id": r.unit_id}
    payload, size = r.payload_b64, r.payload_bytes
    if payload is not None and len(payload) > _COPY_CHARS:
        size = size or len(payload) * 3 // 4 - payload[-2:].count("=")
        payload = payload[:_COPY_CHARS]
    body: dict[str, object] = {
        "reason": r.reason.value, "detail": r.detail, "field": r.field, "topic": r.topic, "unit_id": r.unit_id,
        "payload": payload, "message_id": r.message_id, "rejected_at": utcnow().isoformat(),
    }  # fmt: skip
    if size is not None:  # the payload is only its beginning
        body |= {"payload_truncated": True, "payload_bytes": size}
    return {
        "Id": str(i),
        "MessageBody": json.dumps(body),
        "MessageAttributes": {
            k: {"DataType": "String", "StringValue": v} for k, v in attributes.items() if v is not None
        },
    }


def _queue_url(queue: str) -> str:
    if queue.startswith("https://") or queue.startswith("http://"):
        return queue
    return str(client("sqs").get_queue_url(QueueName=queue)["QueueUrl"])


class AssessmentRetriage(Retriage):
    """A monitor-driven assessment, stored like a crew's (by `telemetry`), raising the incident's level."""

    def escalate(self, incident_id: str, reading: Vitals, result: TriageResult) -> bool:
        from chalicelib.incidents import api as incidents
        from chalicelib.triage.api import record_device_assessment

        if not incidents.raise_triage_level(incident_id, result.level, utcnow()):
            return False  # already this urgent: nothing new to say
        record_device_assessment(
            incident_id, f"monitor-{reading.unit_id}-{reading.seq}", reading.ts, result.level, result.pathway,
            source={"vitals": reading.model_dump(mode="json", exclude={"v", "kind"}, exclude_none=True)},
            result=result.model_dump(mode="json"),
        )  # fmt: skip
        return True


class ModelEtaUpdates(EtaUpdates):
    """The county travel-time model (arithmetic: no provider call per fix), published on the hospital's
    inbound topic when due. When each unit was last told is kept per container: a new container tells
    once more, which is harmless."""

    def __init__(self) -> None:
        from chalicelib.dispatch.api import eta_model

        self._model = eta_model()
        self._told: dict[str, tuple[datetime, float]] = {}

    def update(self, unit_id: str, incident_id: str | None, hospital_id: str, lat: float, lon: float,
               hospital: tuple[float, float], at: datetime) -> bool:  # fmt: skip
        from chalicelib.bookings.api import inbound_topic
        from chalicelib.dispatch.api import Point

        eta = self._model.matrix([Point(lat, lon)], Point(*hospital), at)[0].seconds
        eta -= self._model.profile(Point(*hospital)).chute_s  # rolling already: no turn-out time
        if not eta_due(self._told.get(unit_id), at, eta):
            return False
        message = {"schema": 1, "type": "eta", "incident_id": incident_id, "unit_id": unit_id,
                   "hospital_id": hospital_id, "eta_s": round(max(eta, 0)), "at": at.isoformat()}  # fmt: skip
        get_publisher().publish(inbound_topic(hospital_id), message, qos=1)
        self._told[unit_id] = (at, eta)
        return True
