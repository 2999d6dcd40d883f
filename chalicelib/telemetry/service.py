"""The ingestion use case: one batch of device messages in, positions, readings, arrivals,
alerts and rejects out, and the ids of the messages to deliver again. And the reading of an
incident's readings, under the health-data access rule.

Invalid messages are rejected (sent on with their reason, never retried); a valid message fails
only for a transient reason (a throttled write), and then only its unit's messages of this
batch are retried, so one unit's trouble never holds up another's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.clinical.news2 import News2, Observations, crossed, score
from chalicelib.core.auth import Principal
from chalicelib.core.observability import count, logger
from chalicelib.fleet.entities import UnitStatus
from chalicelib.telemetry import alerts
from chalicelib.telemetry.decode import Inbound, Reason, Reject, Valid, decode
from chalicelib.telemetry.logic import UnitNow, arrival, due, fence_for, newest
from chalicelib.telemetry.ports import (
    Arrivals,
    EtaUpdates,
    Outbox,
    Places,
    Reading,
    ReadingSource,
    Retriage,
    TelemetryStore,
)
from chalicelib.telemetry.schemas import DeviceStatus, Position, ReadingList, ReadingsQuery, ReadingView, Vitals


@dataclass
class Outcome:
    failed: set[str] = field(default_factory=set)  # message ids for SQS to deliver again
    rejected: list[Reject] = field(default_factory=list)
    positions_written: int = 0
    readings: int = 0
    arrivals: int = 0
    alerts: int = 0
    retriaged: int = 0


@dataclass(frozen=True)
class Ports:
    store: TelemetryStore
    places: Places
    arrivals: Arrivals
    outbox: Outbox
    coalesce_s: float
    retriage: Retriage | None = None
    etas: EtaUpdates | None = None


def ingest(records: Sequence[Inbound], ports: Ports) -> Outcome:
    out = Outcome()
    decoded = [decode(r) for r in records]
    valid = [d for d in decoded if isinstance(d, Valid)]
    out.rejected = [d for d in decoded if isinstance(d, Reject)]
    units = ports.store.units(sorted({v.message.unit_id for v in valid}))
    by_unit: dict[str, list[Valid]] = defaultdict(list)
    for v in valid:
        if v.message.unit_id in units:
            by_unit[v.message.unit_id].append(v)
        else:
            unknown = Reject(v.message_id, Reason.UNKNOWN_UNIT, "no such unit", "unit_id", v.topic, v.payload_b64)
            out.rejected.append(unknown)
    if out.rejected:
        out.failed |= ports.outbox.reject(out.rejected)
        count("TelemetryRejected", len(out.rejected))
        for reason in sorted({r.reason for r in out.rejected}):
            count(f"TelemetryRejected_{reason}", sum(r.reason is reason for r in out.rejected))
    for unit_id, messages in by_unit.items():
        _one_unit(units[unit_id], messages, ports, out)
    if out.failed:
        count("TelemetryRetried", len(out.failed))
    return out


def _one_unit(unit: UnitNow, messages: list[Valid], ports: Ports, out: Outcome) -> None:
    by_kind: dict[str, list[Valid]] = defaultdict(list)
    for v in messages:
        by_kind[v.message.kind].append(v)
    # Each part apart: a failed position write must not hold back the readings, nor the reverse.
    for kind, part in _HANDLERS.items():
        if kind not in by_kind:
            continue
        try:
            part(unit, [v.message for v in by_kind[kind]], ports, out)
        except Exception:
            # Transient (throttling, a timeout): these messages come back; every write is idempotent.
            logger().exception("telemetry part failed; retried", extra={"unit_id": unit.unit_id, "kind": kind})
            out.failed |= {v.message_id for v in by_kind[kind]}


def _device_status(unit: UnitNow, statuses: list[DeviceStatus], ports: Ports, out: Outcome) -> None:
    ports.store.write_device_status(max(statuses, key=lambda m: (m.ts, m.seq)))


def _positions(unit: UnitNow, fixes: list[Position], ports: Ports, out: Outcome) -> None:
    fence = fence_for(unit)
    target = None
    if fence is not None and fence[0] is UnitStatus.AT_HOSPITAL:
        target = ports.places.hospital(unit.destination_id or "")
    elif fence is not None:
        target = ports.places.incident(unit.incident_id or "")
    arrived = arrival(unit, fixes, target)
    fix = newest(fixes)
    # An arrival is stored at once, so the board and dispatch see the unit where it stopped.
    store_now = arrived is not None or due(unit.position_at, fix, ports.coalesce_s)
    if fix.ts > unit.position_at and store_now and ports.store.write_position(unit, fix):
        out.positions_written += 1
        _eta(unit, fix, ports)
    if arrived is not None and ports.arrivals.arrive(arrived):
        out.arrivals += 1
        count("GeofenceArrival")


def _eta(unit: UnitNow, fix: Position, ports: Ports) -> None:
    """A transporting unit's stored fix gives its destination a fresh ETA (never blocks the batch)."""
    if ports.etas is None or unit.status is not UnitStatus.TRANSPORTING or not unit.destination_id:
        return
    place = ports.places.hospital(unit.destination_id)
    if place is None:
        return
    try:
        ports.etas.update(unit.unit_id, unit.incident_id, unit.destination_id, fix.lat, fix.lon, place, fix.ts)
    except Exception:
        count("EtaUpdateFailed")


def _readings(unit: UnitNow, readings: list[Vitals], ports: Ports, out: Outcome) -> None:
    readings = sorted(readings, key=lambda m: (m.ts, m.seq))
    # The unit's current job is the truth; a monitor still set to an earlier job must not write there.
    subject = unit.incident_id or f"unit#{unit.unit_id}"
    scored = [Reading(subject, m, _news2(m)) for m in readings]
    ports.store.put_readings(scored)
    out.readings += len(scored)
    if unit.incident_id and ports.retriage is not None:
        _retriage(unit.incident_id, readings, ports.retriage, out)
    if not unit.incident_id or all(not crossed(None, r.news2) for r in scored):
        return  # nobody to tell, or nothing above low risk: no need to read what was told before
    # Compared with the highest score already alerted on, not the last reading: a probe slipping
    # off lowers a monitor-only score, and its return must not raise the same alarm again.
    mark = ports.store.watermark(subject)
    alerted = mark[1] if mark else None
    told = alerted
    for reading in scored:
        if mark is not None and reading.message.ts <= mark[0]:
            continue  # redelivered, or older than the reading last alerted on
        if crossed(told, reading.news2):
            _alert(unit, reading, told, ports)
            out.alerts += 1
            told = reading.news2
    if told is not alerted:
        newest_at = max(r.message.ts for r in scored)
        ports.store.set_watermark(subject, newest_at, told)


# Readings re-triage the patient only when they reach these levels (dying, critical): anything milder
# waits for the crew's own assessment, and a calm stream never touches the incident.
RETRIAGE_LEVELS = (1, 2)
_OBSERVED = {"hr", "sbp", "dbp", "rr", "spo2", "temp_c", "glucose_mmol"}


def _retriage(incident_id: str, readings: list[Vitals], retriage: Retriage, out: Outcome) -> None:
    from chalicelib.triage.engine import triage
    from chalicelib.triage.schemas import AssessmentInput
    from chalicelib.triage.schemas import Vitals as Observed

    worst = None
    for m in readings:
        observed = Observed(
            hr=m.hr, sbp=m.sbp, dbp=m.dbp, rr=m.rr, spo2=m.spo2, temp_c=m.temp_c, glucose_mmol=m.glucose_mmol
        )
        result = triage(AssessmentInput(vitals=observed), now=m.ts)
        if result.level in RETRIAGE_LEVELS and (worst is None or result.level < worst[1].level):
            worst = (m, result)
    if worst is not None and retriage.escalate(incident_id, *worst):
        out.retriaged += 1
        count("RetriagedFromMonitor")


def _news2(m: Vitals) -> News2:
    # A monitor reports five of the seven parameters; consciousness and oxygen come from the crew.
    return score(Observations(rr=m.rr, spo2=m.spo2, sbp=m.sbp, hr=m.hr, temp_c=m.temp_c))


def _alert(unit: UnitNow, reading: Reading, previous: News2 | None, ports: Ports) -> None:
    message = alerts.deterioration(unit, reading, previous)
    ports.outbox.alert(alerts.crew_topic(unit.unit_id), message)
    if unit.destination_id:
        ports.outbox.alert(alerts.hospital_topic(unit.destination_id), message)
    count("PatientDeteriorated")


_HANDLERS: dict[str, Callable[..., None]] = {"telemetry": _positions, "vitals": _readings, "status": _device_status}


def incident_readings(
    source: ReadingSource, who: Principal, incident_id: str, query: ReadingsQuery, now: datetime
) -> ReadingList:
    from chalicelib.healthaccess.api import open_record

    open_record(who, incident_id, "vitals.read", now)
    views = [
        ReadingView(at=r.at, unit_id=r.unit_id, values=r.values, news2=r.news2, risk=r.risk)
        for r in source.newest(incident_id, query.since, query.limit)
    ]
    return ReadingList(incident_id=incident_id, readings=views, count=len(views))
